import { describe, expect, it } from "vitest";
import { db } from "./unit-of-work";

// COPY in and out, and the fallbacks where COPY is not offered (PGlite): the same values
// come back whichever way they travel, awkward characters included.

const AWKWARD = ["tab\there", "line\nbreak", "back\\slash", "ümlaut ✓ 漢字", "\\N", ""];

describe("bulk rows", () => {
  it("streams rows out by COPY (or query) with escapes and nulls undone", async () => {
    const values = AWKWARD.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ");
    const query = `SELECT n::text AS n, v AS v, CASE WHEN n = 2 THEN NULL ELSE 'x' END AS maybe
                   FROM unnest(ARRAY[${values}]::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n`;
    const rows: (string | null)[][] = [];
    const streamed = db().copyOut(query);
    expect(streamed !== null).toBe(process.env.TEST_DB === "postgres");
    if (streamed) for await (const r of streamed) rows.push(r);
    else for (const r of await db().query<Record<string, string | null>>(query)) rows.push(Object.values(r));
    expect(rows).toEqual(AWKWARD.map((v, i) => [String(i + 1), v, i === 1 ? null : "x"]));
  });
});
