"use client";
import { ProgressBar } from "@tremor/react";

/** Tremor's ProgressBar (it uses React context, so it renders on the client). */
export function Progress({ value, met }: { value: number; met?: boolean }) {
  return <ProgressBar value={value} color={met ? "emerald" : "blue"} className="mt-1" />;
}
