"use client";
import { BarChart } from "@tremor/react";

/** Tremor's BarChart of money (formatters are functions, so they live on the client). */
export function MoneyBarChart({ data, index, categories, currency, colors }: {
  data: Record<string, string | number>[];
  index: string;
  categories: string[];
  currency: string;
  colors?: string[];
}) {
  const format = (v: number) => new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(v);
  return <BarChart className="mt-3 h-56" data={data} index={index} categories={categories} colors={colors ?? ["blue"]} valueFormatter={format} yAxisWidth={72} />;
}
