import { db } from "./unit-of-work";

/**
 * The rows of a query as one JSON array, built by PostgreSQL (for data downloads):
 * numeric values stay exact decimal literals, dates ISO 8601, nothing passes through
 * JavaScript numbers.
 */
export async function jsonRows(sql: string, params: readonly unknown[]): Promise<string> {
  const [row] = await db().query<{ json: string }>(`SELECT coalesce(json_agg(t), '[]')::text AS json FROM (${sql}) t`, params);
  return row!.json;
}
