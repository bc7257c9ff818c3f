"use client";
import { AreaChart, BarChart, Card, Tab, TabGroup, TabList, TabPanel, TabPanels, Text } from "@tremor/react";

export interface VolumeChartData {
  daily: { day: string; "This period": number | null; "Last period": number | null; Refunds: number | null }[];
  weekly: { week: string; "Team PV": number; "Own PV": number; Refunds: number }[];
  monthly: { period: string; PV: number; GV: number }[];
}

/** Team PV per day (this period against the last), per week and per period; refunds as their own series. */
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
            <AreaChart className="mt-4 h-64" data={data.daily} index="day" categories={["This period", "Last period", "Refunds"]} colors={["emerald", "gray", "rose"]} yAxisWidth={56} connectNulls />
            <Text className="mt-2 text-xs">PV your team's paid orders added each day. Refunds and cancellations are shown apart (rose), on the day they happened.</Text>
          </TabPanel>
          <TabPanel>
            <BarChart className="mt-4 h-64" data={data.weekly} index="week" categories={["Team PV", "Own PV", "Refunds"]} colors={["emerald", "blue", "rose"]} yAxisWidth={56} />
          </TabPanel>
          <TabPanel>
            <BarChart className="mt-4 h-64" data={data.monthly} index="period" categories={["GV", "PV"]} colors={["emerald", "blue"]} yAxisWidth={56} />
          </TabPanel>
        </TabPanels>
      </TabGroup>
    </Card>
  );
}
