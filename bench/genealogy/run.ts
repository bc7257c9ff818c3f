/**
 * Genealogy queries on a large network, against a plain recursive-CTE baseline in the
 * same run, on the same PostgreSQL database.
 *
 *   npm run bench:genealogy -- [--members 1000000] [--runs 7] [--rebuild]
 *
 * Uses BENCH_DATABASE_URL (or TEST_DATABASE_URL / DATABASE_URL) as the server to create
 * the database `mlm_bench_<members>` in; the network is generated once and kept for later runs.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { superAdminViewer } from "@/server/domain/shared/viewer";
import { keptDatabase } from "../fresh-database";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    runs: { type: "string", default: "7" },
    rebuild: { type: "boolean", default: false },
  },
});
const N = Number(values.members);
const RUNS = Number(values.runs);
const dbName = `mlm_bench_${N}`;
const benchUrl = new URL((await keptDatabase(dbName, values.rebuild)).url);
process.env.DATABASE_URL = benchUrl.toString();
process.env.DB_POOL_SIZE = "4";
const { pgDriver } = await import("../../src/server/db/driver");
const { migrate } = await import("../../src/server/db/migrate");
const { seedLarge } = await import("../../prisma/seed-large");
const { genealogyService } = await import("../../src/server/domain/genealogy/genealogy.service");

const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 2 });
const db = pgDriver(pool);
await migrate(db);
const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM member");
if (n !== N) {
  if (n > 0) await db.exec("TRUNCATE profile_change, member RESTART IDENTITY CASCADE");
  console.log(`building a network of ${N} members in ${dbName} …`);
  await seedLarge(db, N, (m) => console.log(`  ${m}`));
}

const admin = superAdminViewer(0);
const [root] = await db.query<{ id: number }>("SELECT id FROM member WHERE sponsor_depth = 0 ORDER BY id LIMIT 1");
const [deepest] = await db.query<{ id: number; d: number }>("SELECT id, sponsor_depth AS d FROM member ORDER BY sponsor_depth DESC, id LIMIT 1");
// A leader with a team of a few tens of thousands: the member whose id is N/1000 typically.
const [leader] = await db.query<{ id: number }>("SELECT id FROM member WHERE sponsor_depth = 2 ORDER BY id LIMIT 1");

const BASELINE = {
  downline: `WITH RECURSIVE d(id, depth) AS (
      SELECT id, 0 FROM member WHERE id = $1
      UNION ALL SELECT m.id, d.depth + 1 FROM member m JOIN d ON m.sponsor_id = d.id WHERE d.depth < $2)
    SELECT (SELECT count(*) FROM d WHERE depth > 0)::int AS total,
           (SELECT json_agg(x) FROM (SELECT m.id, m.first_name, m.last_name, m.country, m.joined_at, d.depth
              FROM d JOIN member m USING (id) WHERE d.depth > 0 ORDER BY d.depth, d.id LIMIT 50) x) AS page`,
  upline: `WITH RECURSIVE u(id, sponsor_id, n) AS (
      SELECT id, sponsor_id, 0 FROM member WHERE id = $1
      UNION ALL SELECT m.id, m.sponsor_id, u.n + 1 FROM member m JOIN u ON m.id = u.sponsor_id)
    SELECT m.id, m.first_name, m.last_name, m.country FROM u JOIN member m USING (id) WHERE u.n > 0 ORDER BY u.n DESC`,
  teamStats: `WITH RECURSIVE d(id, depth) AS (
      SELECT id, 0 FROM member WHERE id = $1
      UNION ALL SELECT m.id, d.depth + 1 FROM member m JOIN d ON m.sponsor_id = d.id)
    SELECT depth, count(*)::int AS count FROM d WHERE depth > 0 GROUP BY depth ORDER BY depth`,
};

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  for (let i = 0; i < 2; i++) await fn();
  const samples: number[] = [];
  let result!: T;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    result = await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)]!, result };
}

interface Row { name: string; ours: number; baseline: number }
const rows: Row[] = [];
function check(cond: boolean, what: string) {
  if (!cond) throw new Error(`results differ: ${what}`);
}

// 1. Downline to depth 3, first page of 50 with total count.
for (const [label, id] of [["root", root!.id], ["leader", leader!.id]] as const) {
  const ours = await time(() => genealogyService.downline(admin, { memberId: id, tree: "SPONSOR", maxDepth: 3, first: 50 }));
  const base = await time(() => db.query<{ total: number; page: { id: number }[] }>(BASELINE.downline, [id, 3]));
  check(ours.result.totalCount === base.result[0]!.total, `downline total of ${label}`);
  rows.push({ name: `downline page (depth ≤ 3, 50 rows + total ${ours.result.totalCount.toLocaleString("en-US")}) of the ${label}`, ours: ours.ms, baseline: base.ms });
}

// 1b. The whole downline (no depth limit) of the leader, first page with total count.
{
  const id = leader!.id;
  const ours = await time(() => genealogyService.downline(admin, { memberId: id, tree: "SPONSOR", first: 50 }));
  const base = await time(() => db.query<{ total: number; page: { id: number }[] }>(BASELINE.downline, [id, 1_000_000]));
  check(ours.result.totalCount === base.result[0]!.total, "whole downline total of the leader");
  rows.push({ name: `downline page (all levels, 50 rows + total ${ours.result.totalCount.toLocaleString("en-US")}) of the leader`, ours: ours.ms, baseline: base.ms });
}

// 2. Upline path of the deepest member.
{
  const ours = await time(() => genealogyService.upline(admin, deepest!.id, "SPONSOR"));
  const base = await time(() => db.query<{ id: number }>(BASELINE.upline, [deepest!.id]));
  check(JSON.stringify(ours.result.map((m) => m.id)) === JSON.stringify(base.result.map((r) => r.id)), "upline");
  rows.push({ name: `upline of the deepest member (${deepest!.d} levels)`, ours: ours.ms, baseline: base.ms });
}

// 3. Team stats (size, per-level counts) of the root and of a leader.
for (const [label, id] of [["root", root!.id], ["leader", leader!.id]] as const) {
  const ours = await time(() => genealogyService.teamStats(admin, id, "SPONSOR"));
  const base = await time(() => db.query<{ depth: number; count: number }>(BASELINE.teamStats, [id]));
  check(JSON.stringify(ours.result.levels.map((l) => l.count)) === JSON.stringify(base.result.map((r) => r.count)), `team stats of ${label}`);
  rows.push({ name: `team stats of the ${label} (team ${ours.result.teamSize.toLocaleString("en-US")})`, ours: ours.ms, baseline: base.ms });
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
console.log(`\nGenealogy on ${N.toLocaleString("en-US")} members, PostgreSQL, median of ${RUNS} runs (ms):\n`);
console.log("| query | path index (ours) | recursive CTE (baseline) | speed-up |");
console.log("|---|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${(r.baseline / r.ours).toFixed(1)}× |`);
await pool.end();
process.exit(0);
