import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, queryRead, sqlRead, transaction } from "./unit-of-work";

// COPY in and out, and the fallbacks where COPY is not offered (PGlite): the same values
// come back whichever way they travel, awkward characters included.

const AWKWARD = ["tab\there", "line\nbreak", "back\\slash", "ümlaut ✓ 漢字", "\\N", ""];

describe("bulk rows", () => {
  it("streams numbers out by COPY straight from its bytes (or says it cannot), each the number its text is", async () => {
    // Integers of both signs past 2^31, decimals, zeros, nulls; then 20,000 random decimals
    // of up to four places, each compared with Number() of its text.
    const fixed = ["0", "0.000", "1", "-1", "2147483648", "-1099511627776", "12.50", "-0.05", "99999999999.99", "1234567890123.4567"];
    const rows: number[][] = [];
    const copied = await db().copyOutNumbers(
      `SELECT n::text, v::text, CASE WHEN n % 3 = 0 THEN NULL ELSE -n END::text FROM unnest(ARRAY[${fixed.join(", ")}]::numeric[]) WITH ORDINALITY AS t(v, n) ORDER BY t.n`,
      3, (row) => rows.push([...row]));
    expect(copied).toBe(process.env.TEST_DB === "postgres");
    if (!copied) return;
    expect(rows).toEqual(fixed.map((v, i) => [i + 1, Number(v), (i + 1) % 3 === 0 ? NaN : -(i + 1)]));
    const random = Array.from({ length: 20_000 }, (_, i) => ((Math.random() - 0.5) * 2e6).toFixed(i % 5));
    const values: number[] = [];
    expect(await db().copyOutNumbers(`SELECT v FROM unnest(ARRAY[${random.join(",")}]::numeric[]) WITH ORDINALITY AS t(v, n) ORDER BY t.n`, 1, (row) => values.push(row[0]!))).toBe(true);
    expect(values).toEqual(random.map(Number));
    // Text where a number belongs is refused, not read as something else; so is a row too long.
    await expect(db().copyOutNumbers(`SELECT 'x1'::text`, 1, () => undefined)).rejects.toThrow(/should be a number/);
    await expect(db().copyOutNumbers(`SELECT 1, 2`, 1, () => undefined)).rejects.toThrow(/more than 1/);
    // The connection is fine afterwards.
    expect(await db().query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
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
