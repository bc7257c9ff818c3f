"use client";
import { BarChart } from "@tremor/react";

const whole = (v: number) => v.toLocaleString("en-US");

/**
 * Points earned and redeemed per month, with the month's paid orders below on their own
 * scale (a few orders beside hundreds of thousands of points would not show as bars).
 * Tremor's BarChart uses React context, so it renders on the client.
 */
export function PointsChart({ data }: { data: Record<string, string | number>[] }) {
  return (
    <div data-testid="points-chart">
      <BarChart className="mt-3 h-48" data={data} index="month" categories={["Points earned", "Points redeemed"]}
        colors={["violet", "amber"]} valueFormatter={whole} yAxisWidth={76} />
      <BarChart className="mt-2 h-36" data={data} index="month" categories={["Paid orders"]} allowDecimals={false}
        colors={["blue"]} valueFormatter={whole} yAxisWidth={76} />
    </div>
  );
}
