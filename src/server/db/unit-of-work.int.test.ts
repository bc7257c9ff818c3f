import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, queryRead, sqlRead, transaction } from "./unit-of-work";

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
    if (streamed) for await (const batch of streamed) rows.push(...batch);
    else for (const r of await db().query<Record<string, string | null>>(query)) rows.push(Object.values(r));
    expect(rows).toEqual(AWKWARD.map((v, i) => [String(i + 1), v, i === 1 ? null : "x"]));
  });

  it("writes rows in by COPY with what follows in the same transaction, or says it cannot", async () => {
    await db().query(`DROP TABLE IF EXISTS copy_probe, copy_probe_done`);
    await db().query(`CREATE TABLE copy_probe (k serial, n bigint, v text, path int[], detail jsonb)`);
    await db().query(`CREATE TABLE copy_probe_done (n int)`);
    const rows = Array.from({ length: 30_000 }, (_, i) => ({ n: i % 2 ? -(2 ** 40) - i : i, v: i < AWKWARD.length ? AWKWARD[i]! : `row ${i}`, path: i % 3 ? [i, -1] : [], detail: i % 5 ? null : { i, s: "a\tb" } }));
    const copied = await db().copyRows("copy_probe", ["n", "v", "path", "detail"], rows, (r, out) => out.int(r.n).text(r.v).intArray(r.path).json(r.detail),
      { sql: "INSERT INTO copy_probe_done VALUES ($1)", params: [rows.length] });
    expect(copied).toBe(process.env.TEST_DB === "postgres");
    if (!copied) return;
    const back = await db().query<{ n: string; v: string; path: number[]; detail: unknown }>(`SELECT n::text, v, path, detail FROM copy_probe ORDER BY k`);
    expect(back.map((r) => ({ n: Number(r.n), v: r.v, path: r.path, detail: r.detail }))).toEqual(rows);
    expect(await db().query(`SELECT n FROM copy_probe_done`)).toEqual([{ n: 30_000 }]);
    // A failing row (text where a number belongs) writes nothing, and not what follows either.
    await expect(db().copyRows("copy_probe", ["n"], [1, 2], (r, out) => out.text(r === 2 ? "two" : "1"), { sql: "INSERT INTO copy_probe_done VALUES (0)", params: [] }))
      .rejects.toThrow(/invalid input syntax/);
    expect((await db().query<{ c: number }>(`SELECT count(*)::int AS c FROM copy_probe`))[0]!.c).toBe(30_000);
    expect(await db().query(`SELECT n FROM copy_probe_done`)).toEqual([{ n: 30_000 }]);
  });
});

describe("reads together", () => {
  // Values of every kind a repository binds: each read answers in one script exactly what
  // it answers alone as a parameterised statement.
  const at = new Date("2026-03-04T05:06:07.089Z");
  const reads = () => [
    sqlRead<{ v: string; n: number }>`SELECT ${"it's a \\ 'quote' $1"}::text AS v, ${41}::int + 1 AS n`,
    sqlRead<{ t: Date; later: boolean }>`SELECT ${at}::timestamptz AS t, ${at} < now() AS later`,
    queryRead<{ x: number }, number[]>("SELECT x FROM unnest($1::int[]) AS x WHERE x <> $2 ORDER BY x", [[3, 1, 2], 2], (rows) => rows.map((r) => r.x)),
    sqlRead<{ missing: string | null; flag: boolean; arr: string[] }>`SELECT ${null}::text AS missing, ${true}::boolean AS flag, ${["a,b", 'c"d', "e\\f"]}::text[] AS arr`,
    sqlRead<{ id: number }>`SELECT 1 AS id WHERE false`,
  ] as const;

  it("answers each read as if it ran alone, outside and inside a transaction", async () => {
    const alone = [];
    for (const r of reads()) alone.push(r.map((await db().query(r.text, r.params)) as never[]));
    expect(alone[0]).toEqual([{ v: "it's a \\ 'quote' $1", n: 42 }]);
    expect(alone[2]).toEqual([1, 3]);
    const together = await db().all(reads());
    expect(together).toEqual(alone);
    expect(together[1][0]!.t.getTime()).toBe(at.getTime());
    expect(await transaction(() => db().all(reads()))).toEqual(alone);
  });

  it("refuses an uncast numeric column, and fails whole when one read fails", async () => {
    await expect(db().all([sqlRead`SELECT 1 AS a`, sqlRead`SELECT 2.5::numeric AS n`])).rejects.toThrow(/uncast/);
    await expect(db().all([sqlRead`SELECT 1 AS a`, sqlRead`SELECT * FROM no_such_table`])).rejects.toThrow(/no_such_table/);
  });

  it("runs reads prepared once per connection, and knows what a connection holds after a failed script", async () => {
    // On PostgreSQL each read is prepared the first time a connection runs it and executed
    // by name after; a script that fails part-way (PREPARE of a bad statement) leaves the
    // good ones prepared, and the connection's list must say so (else: "already exists").
    const a = () => queryRead<{ a: number }, number>("SELECT $1::int + 1 AS a", [41], (rows) => rows[0]!.a);
    const c = () => queryRead<{ c: string }, string>("SELECT $1::text || '!' AS c", ["hi"], (rows) => rows[0]!.c);
    for (let i = 0; i < 15; i++) {
      await expect(db().all([a(), sqlRead`SELECT * FROM no_such_table WHERE id = ${i}`])).rejects.toThrow(/no_such_table/);
      expect(await db().all([a(), c()])).toEqual([42, "hi!"]);
      expect(await db().all([c(), a(), c()])).toEqual(["hi!", 42, "hi!"]);
    }
    // The connection that ran a script holds its statements by name (PostgreSQL; PGlite plans each time).
    const [, held] = await db().all([
      queryRead<{ twice: number }, number>("SELECT $1::int AS twice", [2], (rows) => rows[0]!.twice),
      sqlRead<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = ${`s${createHash("sha1").update("SELECT $1::int AS twice").digest("hex").slice(0, 24)}`}`,
    ]);
    expect(held[0]!.n).toBe(process.env.DATABASE_URL ? 1 : 0);
  });
});
