"use client";
import { AreaChart, BarChart, Card, Tab, TabGroup, TabList, TabPanel, TabPanels, Text } from "@tremor/react";

export interface VolumeChartData {
  daily: { day: string; "This period": number | null; "Last period": number | null }[];
  weekly: { week: string; "Team PV": number; "Own PV": number }[];
  monthly: { period: string; PV: number; GV: number }[];
}

/** Team PV per day (this period against the last), per week and per period. */
export function VolumeCharts({ data }: { data: VolumeChartData }) {
  return (
    <Card>
      <Text>Sales volume</Text>
      <TabGroup className="mt-2">
        <TabList variant="line">
          <Tab>Daily</Tab>
          <Tab>Weekly</Tab>
          <Tab>Monthly</Tab>
        </TabList>
        <TabPanels>
          <TabPanel>
            <AreaChart className="mt-4 h-64" data={data.daily} index="day" categories={["This period", "Last period"]} colors={["emerald", "gray"]} yAxisWidth={56} connectNulls />
          </TabPanel>
          <TabPanel>
            <BarChart className="mt-4 h-64" data={data.weekly} index="week" categories={["Team PV", "Own PV"]} colors={["emerald", "blue"]} yAxisWidth={56} />
          </TabPanel>
          <TabPanel>
            <BarChart className="mt-4 h-64" data={data.monthly} index="period" categories={["GV", "PV"]} colors={["emerald", "blue"]} yAxisWidth={56} />
          </TabPanel>
        </TabPanels>
      </TabGroup>
    </Card>
  );
}
