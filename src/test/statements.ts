import pg from "pg";
import { vi } from "vitest";
import { databaseUrl, sharedPglite } from "@/server/db/driver";

/** Counts the statements sent to the database while fn runs (PostgreSQL's client, or PGlite). */
export async function statements<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const spies = databaseUrl()
    ? [vi.spyOn(pg.Client.prototype, "query")]
    : [vi.spyOn(sharedPglite(), "query"), vi.spyOn(sharedPglite(), "exec")];
  try {
    const result = await fn();
    if (process.env.SHOW_SQL) for (const s of spies) for (const c of s.mock.calls) console.log(String(c[0]).slice(0, 160).replace(/\s+/g, " "));
    return { result, count: spies.reduce((n, s) => n + s.mock.calls.length, 0) };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
