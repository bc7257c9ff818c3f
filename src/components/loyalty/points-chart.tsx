"use client";
import { BarChart } from "@tremor/react";

/** Tremor's BarChart of counts per month (it uses React context, so it renders on the client). */
export function PointsChart({ data }: { data: Record<string, string | number>[] }) {
  return (
    <BarChart className="mt-3 h-56" data={data} index="month" categories={["Points earned", "Points redeemed", "Paid orders"]}
      colors={["violet", "amber", "blue"]} valueFormatter={(v: number) => v.toLocaleString("en-US")} yAxisWidth={56} />
  );
}
