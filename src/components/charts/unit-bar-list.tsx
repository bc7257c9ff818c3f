"use client";
import { BarList } from "@tremor/react";

/** Tremor's BarList with a unit suffix (formatters are functions, so they live on the client). */
export function UnitBarList({ data, unit, color }: { data: { name: string; value: number }[]; unit: string; color?: "blue" | "emerald" }) {
  return <BarList className="mt-3" color={color ?? "blue"} data={data} valueFormatter={(v: number) => `${v.toLocaleString("en-US")} ${unit}`} />;
}
