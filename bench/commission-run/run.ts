/**
 * A full hybrid commission run (unilevel with compression, binary with carry, matching,
 * ranks with the maximum-leg rule) on a generated company, end to end through the service
 * (load, compute, write lines, credit wallets in the ledger), against in the same run:
 * - an I/O floor: the same inputs read and the same rows written with COPY, no logic;
 * - a naive baseline: per member, recursive queries for its unilevel levels and binary legs,
 *   timed on a sample and extrapolated;
 * - an in-memory floor for the compute step: one pass over typed arrays (GV, legs, a
 *   compressed unilevel walk) with no lines, taking turns with the engine in a worker thread
 *   that holds only the input, and again in the bench's own thread (compute.ts).
 *
 *   npm run bench:commission-run -- [--members 1000000] [--entries 10000000] [--sample 300]
 *
 * A fresh database `mlm_bench_commission` (dropped and recreated each run) on
 * BENCH_DATABASE_URL / TEST_DATABASE_URL / DATABASE_URL's server (PostgreSQL).
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDatabase } from "../fresh-database";
import { superAdminViewer } from "@/server/domain/shared/viewer";
import type { ComputeTimes } from "./compute";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    entries: { type: "string", default: "10000000" },
    sample: { type: "string", default: "300" },
  },
});
const MEMBERS = Number(values.members);
const ENTRIES = Number(values.entries);
const SAMPLE = Number(values.sample);
const benchUrl = new URL(await freshDatabase("mlm_bench_commission"));

const { pgDriver } = await import("../../src/server/db/driver");
const { migrate } = await import("../../src/server/db/migrate");
const { compensationService } = await import("../../src/server/domain/compensation/compensation.service");

const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 4 });
const db = pgDriver(pool);
await migrate(db);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
async function timed<T>(label: string, fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  const ms = performance.now() - t;
  console.log(`  ${label}: ${secs(ms)}`);
  return [r, ms];
}

// ---- the company ---------------------------------------------------------------------
// Member i's sponsor is an earlier member (uniformly, by a hash of i); placement is a
// complete binary tree (parent i/2, left or right by parity). Each of ENTRIES volume
// entries (one per paid order line) goes to a member by a hash; about 70 % of members are
// active (PV ≥ 50).
console.log(`setup: ${MEMBERS.toLocaleString()} members, ${ENTRIES.toLocaleString()} order lines`);
const setupStart = performance.now();
await timed("members", async () => {
  await db.exec(`ALTER TABLE member DISABLE TRIGGER ALL`);
  await db.query(
    `INSERT INTO member (id, email, password_hash, first_name, last_name, country, phone, referral_code, sponsor_id, sponsor_path, sponsor_depth,
       placement_parent_id, placement_position, placement_path, placement_depth, joined_at, updated_at)
     SELECT i, 'm' || i || '@bench.test', 'x', 'Member', i::text, 'US', '+1555' || i, 'B' || i,
       CASE WHEN i = 1 THEN NULL ELSE 1 + ((i::bigint * 2654435761) % 4294967296) % (i - 1) END, '{}', 0,
       CASE WHEN i = 1 THEN NULL ELSE i / 2 END, CASE WHEN i = 1 THEN NULL ELSE i % 2 END, '{}', 0, '2026-01-01', now()
     FROM generate_series(1, $1::int) i`,
    [MEMBERS],
  );
  await db.exec(`ALTER TABLE member ENABLE TRIGGER ALL; SELECT setval('member_id_seq', ${MEMBERS})`);
});
await timed("wallets (a company's members have theirs before a run)", () =>
  db.query(`INSERT INTO ledger_account (owner_id, kind, unit, no_negative) SELECT id, 'WALLET', 'USD', true FROM member`),
);
const [period] = await db.query<{ id: number }>(
  `INSERT INTO period (kind, starts_at, ends_at, status, closed_at) VALUES ('MONTHLY', '2026-02-01', '2026-03-01', 'CLOSED', '2026-03-02') RETURNING id`,
);
await timed("order lines (volume entries)", async () => {
  const chunk = 2_000_000;
  for (let from = 1; from <= ENTRIES; from += chunk) {
    await db.query(
      `INSERT INTO volume_entry (period_id, member_id, order_id, pv, bv, reason, idempotency_key, created_at)
       SELECT $1, 1 + ((g::bigint * 40503) % 4294967291) % $2, NULL, 5 + (g % 4) * 2.5, 4 + (g % 4) * 2, 'ORDER_PAID', 'e' || g, '2026-02-15'
       FROM generate_series($3::int, $4::int) g`,
      [period!.id, MEMBERS, from, Math.min(ENTRIES, from + chunk - 1)],
    );
  }
});
await timed("kept totals", () =>
  db.query(
    `INSERT INTO member_volume (period_id, member_id, pv, bv)
     SELECT $1, member_id, sum(pv) * CASE WHEN member_id % 10 < 3 THEN 0.4 ELSE 1 END, sum(bv) FROM volume_entry WHERE period_id = $1 GROUP BY member_id`,
    [period!.id],
  ),
);
// What a running database's autovacuum would have done by now (it is off on CI's PostgreSQL):
// statistics for every table loaded above. Without them for the wallets, the planner took
// each credit batch's look-up of 50,000 wallets for a scan of all million accounts on both
// cores (about 1 s of CPU nine times a run, beside the lines' COPY).
for (const t of ["member", "ledger_account", "member_volume", "volume_entry"]) await db.exec(`VACUUM ANALYZE ${t}`);
const setupMs = performance.now() - setupStart;

const { EXAMPLE_PLAN } = await import("../../src/server/domain/compensation/plan.rules");
// The documented hybrid (unilevel with compression, binary with carry and cap, ranks with
// the maximum-leg rule) with a matching bonus on the binary.
const PLAN = { ...EXAMPLE_PLAN, bonuses: [...EXAMPLE_PLAN.bonuses, { type: "MATCHING", generations: [0.1, 0.05], of: "BINARY" }] };
const admin = superAdminViewer(1);
const version = await compensationService.savePlanVersion(admin, PLAN, "bench");
await compensationService.activatePlanVersion(admin, version.id, period!.id);

// ---- the run, end to end --------------------------------------------------------------
// Each timed write starts from a checkpoint: what the one before left unwritten (the setup's
// ten million entries, the run's lines) must not fall on the next one. Without it the floor
// moved between 15 and 25 s from run to run; with it, 18.5 and 22.0 s in two runs: less,
// not gone.
await db.exec("CHECKPOINT");
console.log("run (service, end to end):");
const started = await compensationService.startRun(admin, period!.id, "COMMIT");
const [run, runMs] = await timed("commit run", () => compensationService.executeRun(started.id));
// Where the time went, as the run measured it (the live progress stages arrive late).
for (const { stage, ms } of run!.summary?.timings ?? []) console.log(`    ${stage}: ${secs(ms)}`);
const [credited] = await db.query<{ total: string; tx: number }>(
  `SELECT coalesce(sum(p.amount), 0)::text AS total, count(DISTINCT t.id)::int AS tx FROM ledger_transaction t JOIN ledger_posting p ON p.transaction_id = t.id
   JOIN ledger_account a ON a.id = p.account_id WHERE t.reference_type = 'COMMISSION_RUN' AND a.kind IN ('WALLET', 'COMMISSION_DEBT')`,
);
console.log(`  ${run!.lineCount!.toLocaleString()} lines, total ${(run!.totalPaid! / 100).toFixed(2)} USD, ledger credits ${(Number(credited!.total) / 100).toFixed(2)} in ${credited!.tx} transactions, hash ${run!.hash!.slice(0, 12)}…`);
if (Number(credited!.total) !== run!.totalPaid) throw new Error("ledger credits differ from the run's total");

// ---- I/O floor: read the same inputs, write the same rows, with COPY ---------------------
// What the run reads and writes, moved the fastest plain way and one part after another (as
// ARCHITECTURE.md adds up its floor: read, then write): the members, totals and wallets read
// by COPY; the very rows the run wrote (its lines, carries, ranks and ledger postings, read
// back into files first, not timed) each COPYed in key order into an empty table like its
// own (with its indexes); the wallets' balances moved by one UPDATE from those postings. No
// logic, no checks. The ratio to the reads and lines alone is printed too. (An earlier floor
// wrote as many rows made up of fixed values, and one before it the reads and lines alone,
// its lines in a counter's order: see the README.)
const dir = mkdtempSync(join(tmpdir(), "commission-floor-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
/** fn on a connection of the bench's pool, given back after. */
async function onClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}
/** A query's rows, in COPY's text format, into a file of `dir` (not timed). */
async function dump(name: string, sql: string): Promise<string> {
  const file = join(dir, name);
  await onClient((c) => pipeline(c.query(copyTo(`COPY (${sql}) TO STDOUT`)), createWriteStream(file)));
  return file;
}
/** A file of rows in COPY's text format into a table (timed: the floor's writes). */
const copyIn = (into: string, file: string) =>
  onClient((c) => pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), c.query(copyFrom(`COPY ${into} FROM STDIN`))));
const runPostings = `SELECT p.* FROM ledger_posting p JOIN ledger_transaction t ON t.id = p.transaction_id
  WHERE t.reference_type = 'COMMISSION_RUN' AND t.reference_id = '${run!.id}' ORDER BY p.id`;
const files = {
  lines: await dump("lines", `SELECT * FROM commission_line WHERE run_id = ${run!.id} ORDER BY run_id, period_id, member_id, bonus_index, source_member_id, level`),
  carries: await dump("carries", `SELECT * FROM commission_carry WHERE run_id = ${run!.id} ORDER BY run_id, member_id`),
  ranks: await dump("ranks", `SELECT * FROM member_rank WHERE run_id = ${run!.id} ORDER BY period_id, member_id`),
  postings: await dump("postings", runPostings),
};
const counts = (await db.query<{ carries: number; ranks: number; postings: number }>(
  `SELECT (SELECT count(*)::int FROM commission_carry WHERE run_id = $1) AS carries, (SELECT count(*)::int FROM member_rank WHERE run_id = $1) AS ranks,
     (SELECT count(*)::int FROM (${runPostings}) p) AS postings`,
  [run!.id],
))[0]!;
// The accounts the balances move in: a copy of the ledger's (not timed), stored as its own.
const [accountTable] = await db.query<{ reloptions: string[] | null }>(`SELECT reloptions FROM pg_class WHERE relname = 'ledger_account'`);
const reloptions = accountTable!.reloptions;
await db.exec(`CREATE TABLE floor_account (LIKE ledger_account INCLUDING DEFAULTS INCLUDING INDEXES)${reloptions ? ` WITH (${reloptions.join(", ")})` : ""}`);
await db.exec(`INSERT INTO floor_account SELECT * FROM ledger_account`);
await db.exec(`VACUUM ANALYZE floor_account`);
await db.exec(`CREATE TABLE floor_line (LIKE commission_line INCLUDING DEFAULTS INCLUDING INDEXES);
  CREATE TABLE floor_carry (LIKE commission_carry INCLUDING DEFAULTS INCLUDING INDEXES);
  CREATE TABLE floor_rank (LIKE member_rank INCLUDING DEFAULTS INCLUDING INDEXES);
  CREATE TABLE floor_posting (LIKE ledger_posting INCLUDING DEFAULTS INCLUDING INDEXES)`);
await db.exec("CHECKPOINT");
console.log("I/O floor (COPY, no logic):");
const [, floorReadMs] = await timed("read members, totals and wallets", () =>
  onClient(async (c) => {
    for (const sql of [`COPY (SELECT id, sponsor_id, placement_parent_id, placement_position FROM member ORDER BY id) TO STDOUT`,
      `COPY (SELECT member_id, pv, bv FROM member_volume WHERE period_id = ${period!.id}) TO STDOUT`,
      `COPY (SELECT owner_id, id FROM ledger_account WHERE kind = 'WALLET' AND unit = 'USD') TO STDOUT`]) {
      await pipeline(c.query(copyTo(sql)), new Writable({ write: (_c, _e, cb) => cb() }));
    }
  }),
);
const n = run!.lineCount!;
// The run's own lines, in key order (member, then bonus, source and level), as the run
// writes them: every index grows at its end. Rows made up of fixed values instead (an
// earlier floor: empty paths, no details) are a quarter fewer bytes than the run's
// 1.6 M paths and 350 k binary details: 10.1–10.3 s against 11.7–12.8 s for the run's rows
// (COPY from a file on the server, the kept bench database).
const [, floorLinesMs] = await timed(`write ${n.toLocaleString()} lines`, () => copyIn("floor_line", files.lines));
const [, floorCarriesMs] = await timed(`write ${counts.carries.toLocaleString()} carries and ${counts.ranks.toLocaleString()} ranks`, async () => {
  await copyIn("floor_carry", files.carries);
  await copyIn("floor_rank", files.ranks);
});
const [, floorCreditsMs] = await timed(`write ${counts.postings.toLocaleString()} ledger postings and move as many balances`, async () => {
  await copyIn("floor_posting", files.postings);
  // Each posting's amount added to its account's balance, no sums (summed first, the
  // aggregate spilled to disk and took 3.2 s of 4 s), each account found by its key in the
  // postings' order. The planner's own choice for the run's 426,613 wallets, scattered over a
  // million accounts, was a hash join over all the accounts: 3.3–3.5 s; a merge join along
  // both keys 1.9 s; this 1.7–1.8 s (EXPLAIN ANALYZE on the kept bench database).
  await db.exec(`BEGIN; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;
    UPDATE floor_account a SET posted = a.posted + p.amount, revision = a.revision + 1, updated_at = now()
    FROM floor_posting p WHERE a.id = p.account_id; COMMIT`);
});
const floorWriteMs = floorLinesMs + floorCarriesMs + floorCreditsMs;
const floorMs = floorReadMs + floorWriteMs;
const linesFloorMs = floorReadMs + floorLinesMs;

// ---- compute: the engine against a one-pass floor on the same arrays --------------------
const { emptyInput } = await import("../../src/server/domain/compensation/engine.rules");
const { computeTurns, measureInWorker } = await import("./compute");
const { parsePlan } = await import("../../src/server/domain/compensation/plan.rules");
const plan = parsePlan(PLAN).plan!;
const input = emptyInput(MEMBERS);
{
  const rows = await db.query<{ id: number; s: number | null; p: number | null; pos: number | null; pv: string | null; bv: string | null }>(
    `SELECT m.id, m.sponsor_id AS s, m.placement_parent_id AS p, m.placement_position AS pos, v.pv::text, v.bv::text
     FROM member m LEFT JOIN member_volume v ON v.member_id = m.id AND v.period_id = $1 ORDER BY m.id`,
    [period!.id],
  );
  rows.forEach((r, i) => {
    input.ids[i] = r.id;
    input.sponsor[i] = r.s === null ? -1 : r.s - 1;
    input.parent[i] = r.p === null ? -1 : r.p - 1;
    input.position[i] = r.pos ?? 0;
    input.pv[i] = Math.round(Number(r.pv ?? 0) * 100);
    input.bv[i] = Math.round(Number(r.bv ?? 0) * 100);
  });
}
// Ten turns each (computeTurns says why): first in a worker thread holding only the input
// (the compute target: measureInWorker says why), then in this thread for comparison.
// Taking turns: the database may still be writing out what the run and the floor's COPY
// wrote while this starts, and whichever went first paid for it (the floor, measured after
// the engine, moved between 0.32 and 0.72 s from run to run).
const ROUNDS = 10;
console.log(`compute (in memory, best of ${ROUNDS}, the engine and the floor taking turns):`);
const ms = (t: number) => `${Math.round(t)} ms`;
const ratio = (t: ComputeTimes) => `engine ${ms(t.engineMs)} (${t.lines.toLocaleString()} lines), one-pass floor ${ms(t.floorMs)} → ${(t.engineMs / t.floorMs).toFixed(2)}×`;
const isolated = await measureInWorker(plan, input, ROUNDS);
console.log(`  in a worker thread holding the input (heap ${isolated.heapMiB} MiB): ${ratio(isolated)}`);
const here = computeTurns(plan, input, ROUNDS);
console.log(`  in the bench's thread after the run (heap ${here.heapMiB} MiB): ${ratio(here)}`);

// ---- naive baseline: per member, recursive queries ----------------------------------------
console.log(`naive baseline (per member: recursive unilevel levels and binary legs), ${SAMPLE} members sampled:`);
const [, naiveSampleMs] = await timed("sample", async () => {
  for (let k = 0; k < SAMPLE; k++) {
    const id = 1 + ((k * 7919) % MEMBERS);
    await db.query(
      `WITH RECURSIVE down(id, lvl) AS (SELECT id, 1 FROM member WHERE sponsor_id = $1 UNION ALL SELECT m.id, d.lvl + 1 FROM member m JOIN down d ON m.sponsor_id = d.id WHERE d.lvl < 3)
       SELECT d.lvl, coalesce(sum(v.bv), 0)::text FROM down d LEFT JOIN member_volume v ON v.member_id = d.id AND v.period_id = $2 GROUP BY d.lvl`,
      [id, period!.id],
    );
    for (const side of [0, 1]) {
      await db.query(
        `WITH RECURSIVE leg(id) AS (SELECT id FROM member WHERE placement_parent_id = $1 AND placement_position = $3 UNION ALL SELECT m.id FROM member m JOIN leg l ON m.placement_parent_id = l.id)
         SELECT coalesce(sum(v.bv), 0)::text FROM leg l LEFT JOIN member_volume v ON v.member_id = l.id AND v.period_id = $2`,
        [id, period!.id, side],
      );
    }
  }
});
const naiveMs = (naiveSampleMs / SAMPLE) * MEMBERS;
console.log(`  extrapolated to ${MEMBERS.toLocaleString()} members: ${secs(naiveMs)} (${(naiveSampleMs / SAMPLE).toFixed(2)} ms a member)`);

clearInterval(sampler);
console.log("\nsummary");
console.log(`  setup (not timed in the run): ${secs(setupMs)}`);
console.log(`  end to end: ${secs(runMs)}; I/O floor ${secs(floorMs)} → ${(runMs / floorMs).toFixed(2)}× the floor (its reads and lines alone ${secs(linesFloorMs)} → ${(runMs / linesFloorMs).toFixed(2)}×); naive ${secs(naiveMs)} → ${(naiveMs / runMs).toFixed(1)}× slower than the run`);
console.log(`  compute (worker thread): engine ${ms(isolated.engineMs)} vs one-pass floor ${ms(isolated.floorMs)} → ${(isolated.engineMs / isolated.floorMs).toFixed(2)}×; in the bench's thread ${(here.engineMs / here.floorMs).toFixed(2)}×`);
console.log(`  peak memory (RSS): ${mib(peakRss)}; heap now ${mib(process.memoryUsage().heapUsed)}`);
await pool.end();
process.exit(0);
