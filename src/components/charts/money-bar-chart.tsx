"use client";
import { BarChart } from "@tremor/react";

/** Tremor's BarChart of money (formatters are functions, so they live on the client). */
export function MoneyBarChart({ data, index, categories, currency, colors, layout = "horizontal" }: {
  data: Record<string, string | number>[];
  index: string;
  categories: string[];
  currency: string;
  colors?: string[];
  /** "vertical": bars across, one labelled row each (every label shows, however many). */
  layout?: "horizontal" | "vertical";
}) {
  const format = (v: number) => new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(v);
  const vertical = layout === "vertical";
  return (
    <BarChart className="mt-3" style={{ height: vertical ? `${Math.max(8, 2.25 * data.length + 3)}rem` : "14rem" }} data={data} index={index} categories={categories}
      colors={colors ?? ["blue"]} valueFormatter={format} layout={layout} yAxisWidth={vertical ? 112 : 72} />
  );
}
