"use client";
import { useEffect, useState } from "react";

/**
 * True once React runs in the browser. Buttons that act through React stay disabled
 * until then: a click on a server-rendered page before hydration would be lost, or
 * submit a form natively (putting its fields in the address).
 */
export function useHydrated(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return ready;
}
