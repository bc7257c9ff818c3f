/**
 * A campaign burst of loyalty events (paid orders and custom events) against many members,
 * applied by the loyalty applier: events per second sustained, including rule evaluation,
 * the ledger postings, tier and badge evaluation and the pointsUpdated publication, against
 * a naive baseline in the same run (one transaction per event, every rule and the tier
 * evaluated again for it: the applier with batches of one).
 *
 *   npm run bench:points-accrual -- [--members 100000] [--events 1000000] [--baseline 2000] [--batch 500]
 *
 * A fresh database `mlm_bench_points` (dropped and recreated each run) on
 * BENCH_DATABASE_URL / TEST_DATABASE_URL / DATABASE_URL's server. Afterwards: every event
 * applied exactly once, the ledger's points balances equal the lots', and the ledger check
 * and trial balance are clean.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { startAutovacuum } from "../autovacuum";
import { freshDatabase } from "../fresh-database";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "100000" },
    events: { type: "string", default: "1000000" },
    baseline: { type: "string", default: "2000" },
    batch: { type: "string", default: "500" },
  },
});
const MEMBERS = Number(values.members);
const EVENTS = Number(values.events);
const BASELINE = Number(values.baseline);
const BATCH = Number(values.batch);
const benchUrl = new URL(await freshDatabase("mlm_bench_points"));

const { pgDriver } = await import("../../src/server/db/driver");
const { migrate } = await import("../../src/server/db/migrate");
const { loyaltyService } = await import("../../src/server/domain/loyalty/loyalty.service");
const { ledgerService } = await import("../../src/server/domain/ledger/ledger.service");
const { EXAMPLE_PROGRAM } = await import("../../src/server/domain/loyalty/program.rules");
const { eventBus } = await import("../../src/server/events/bus");
const { Topic } = await import("../../src/server/events/topics");

const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 2 });
const db = pgDriver(pool);
await migrate(db);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

// ---- the company: members (each sponsored by an earlier one), products in six categories ----
console.log(`setup: ${MEMBERS.toLocaleString()} members, ${EVENTS.toLocaleString()} events (+ ${BASELINE.toLocaleString()} for the baseline)`);
const setupStart = performance.now();
await db.exec(`ALTER TABLE member DISABLE TRIGGER ALL`);
await db.query(
  `INSERT INTO member (id, email, password_hash, first_name, last_name, country, phone, referral_code, sponsor_id, sponsor_path, sponsor_depth,
     placement_path, placement_depth, joined_at, updated_at)
   SELECT i, 'm' || i || '@bench.test', 'x', 'Member', i::text, (ARRAY['US','DE','FR','GB','MX','JP'])[1 + i % 6], '+1555' || i, 'B' || i,
     CASE WHEN i = 1 THEN NULL ELSE 1 + ((i::bigint * 2654435761) % 4294967296) % (i - 1) END, '{}', 0, '{}', 0, '2026-01-01', now()
   FROM generate_series(1, $1::int) i`,
  [MEMBERS],
);
await db.exec(`ALTER TABLE member ENABLE TRIGGER ALL`);
await db.query(
  `INSERT INTO product (id, sku, name, category, pv, bv, updated_at)
   SELECT i, 'P-' || i, 'Product ' || i, (ARRAY['Supplements','Skin care','Weight management','Beverages','Home care','Essential oils'])[1 + i % 6], 10, 8, now()
   FROM generate_series(1, 60) i`,
);
// Points from orders active at once here (no return window), so every order can move a tier.
const program = { ...EXAMPLE_PROGRAM, pendingDays: 0 };
await db.query(`INSERT INTO loyalty_program_version (number, document, comment) VALUES (1, $1::jsonb, 'bench')`, [JSON.stringify(program)]);

/** `n` events from `from` on: 4 in 5 a paid order of one to three lines, the rest trainings and birthdays, to members by a hash. */
async function appendEvents(prefix: string, from: number, n: number) {
  await db.query(
    `INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
     SELECT $1 || i, 1 + ((i::bigint * 2246822519) % 4294967296) % $3,
       CASE WHEN i % 5 = 0 THEN 'CUSTOM' ELSE 'ORDER_PAID' END,
       CASE WHEN i % 5 = 0 THEN jsonb_build_object('name', CASE WHEN i % 10 = 0 THEN 'birthday' ELSE 'training_completed' END, 'value', null)
       ELSE jsonb_build_object('orderId', i, 'currency', 'USD', 'lines', (
         SELECT jsonb_agg(jsonb_build_object('productId', 1 + (i * 7 + l * 13) % 60, 'sku', 'P-' || (1 + (i * 7 + l * 13) % 60), 'quantity', 1 + (i + l) % 3, 'unitPrice', 1999 + (i * l) % 8000))
         FROM generate_series(1, 1 + i % 3) l)) END,
       now() - interval '1 minute'
     FROM generate_series($2::int, $2::int + $4::int - 1) i`,
    [prefix, from, MEMBERS, n],
  );
}
await appendEvents("bench:", 1, EVENTS);
for (const t of ["loyalty_event", "member"]) await db.exec(`VACUUM ANALYZE ${t}`);
console.log(`  setup: ${secs(performance.now() - setupStart)}`);

// Every batch's snapshots go out on the event bus, as to subscribers.
let published = 0;
const stream = eventBus().subscribe(Topic.PointsChanged);
void (async () => {
  for await (const e of stream) published += e.members.length;
})();

// ---- the applier ------------------------------------------------------------------------
// Autovacuum's work alongside, within the measured time (bench/autovacuum.ts).
const autovacuum = await startAutovacuum(db);
if (autovacuum.active) console.log(`  autovacuum is off on this server: the bench vacuums and analyzes alongside, as autovacuum would`);
const t0 = performance.now();
let done = 0;
let last = t0;
// One applier per shard side by side, as the job runner runs them (each on its own
// connection), until a round finds nothing: a batch appends its members' sponsors' part
// (a referral bonus, a recruit) as events of the sponsors' shards.
for (;;) {
  const applied = await Promise.all(Array.from({ length: loyaltyService.applierShards }, async (_, k) => {
    let mine = 0;
    for (;;) {
      const n = await loyaltyService.applyBatch(BATCH, new Date(), k);
      if (n === 0) return mine;
      mine += n;
      done += n;
      if (performance.now() - last > 10_000) {
        last = performance.now();
        console.log(`  … ${done.toLocaleString()} events, ${Math.round(done / ((last - t0) / 1000)).toLocaleString()}/s`);
      }
    }
  }));
  if (applied.every((n) => n === 0)) break;
}
const batchedMs = performance.now() - t0;
await autovacuum.stop();
const batchedRate = EVENTS / (batchedMs / 1000);

// ---- the baseline: one transaction per event, every rule and the tier evaluated for it ----
// After a vacuum and fresh statistics, as autovacuum would leave the tables.
await appendEvents("naive:", EVENTS + 1, BASELINE);
await db.exec(`VACUUM (ANALYZE)`);
const t1 = performance.now();
let naive = 0;
// The shards one after the other (and again for the sponsors' events they append).
for (let round = -1; round !== 0; ) {
  round = 0;
  for (let k = 0; k < loyaltyService.applierShards; k++) while ((await loyaltyService.applyBatch(1, new Date(), k)) > 0) round++;
  naive += round;
}
const naiveMs = performance.now() - t1;
// Both rates count the events appended (the sponsors' events they caused are part of applying them).
const naiveRate = BASELINE / (naiveMs / 1000);
clearInterval(sampler);

// ---- nothing lost, nothing counted twice ----
const [events] = await db.query<{ total: number; applied: number }>(`SELECT count(*)::int AS total, count(processed_at)::int AS applied FROM loyalty_event`);
const [lots] = await db.query<{ mismatched: number }>(
  `WITH lots AS (SELECT member_id, point_type, sum(remaining) AS active FROM points_lot WHERE status = 'ACTIVE' GROUP BY 1, 2),
        acc AS (SELECT coalesce(owner_id, -customer_id) AS member_id, unit AS point_type, posted AS active FROM ledger_account WHERE kind = 'POINTS')
   SELECT count(*)::int AS mismatched FROM lots FULL JOIN acc USING (member_id, point_type) WHERE coalesce(lots.active, 0) <> coalesce(acc.active, 0)`,
);
const [dup] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT event_id, rule, member_id FROM points_lot GROUP BY 1, 2, 3 HAVING count(*) > 1) d`);
const mismatches = await ledgerService.check();
const trial = (await ledgerService.trialBalance()).filter((t) => t.posted !== 0 || t.postings !== 0);
const [tiers] = await db.query<{ silver: number; gold: number }>(`SELECT count(*) FILTER (WHERE tier = 'SILVER')::int AS silver, count(*) FILTER (WHERE tier = 'GOLD')::int AS gold FROM loyalty_member`);
console.log(`
points accrual, ${MEMBERS.toLocaleString()} members (PostgreSQL)
  batched applier (batches of ${BATCH}, ${loyaltyService.applierShards} shards side by side): ${EVENTS.toLocaleString()} events (+ ${(done - EVENTS).toLocaleString()} for sponsors) in ${secs(batchedMs)}: ${Math.round(batchedRate).toLocaleString()} events/s${autovacuum.ms > 0 ? ` (vacuum and analyze alongside: ${secs(autovacuum.ms)})` : ""}
  naive baseline:  ${BASELINE.toLocaleString()} events (+ ${(naive - BASELINE).toLocaleString()} for sponsors) in ${secs(naiveMs)}: ${Math.round(naiveRate).toLocaleString()} events/s
  speed-up: ${(batchedRate / naiveRate).toFixed(1)}× (target ≥ 25×)
  published: ${published.toLocaleString()} member snapshots; tiers: ${tiers!.silver.toLocaleString()} Silver, ${tiers!.gold.toLocaleString()} Gold
  peak RSS: ${Math.round(peakRss / 2 ** 20)} MiB
  check: ${events!.applied === events!.total ? "every event applied once" : `${events!.total - events!.applied} events not applied`}; ` +
  `${dup!.n === 0 ? "no grant twice" : `${dup!.n} grants twice`}; ` +
  `${lots!.mismatched === 0 ? "balances = lots" : `${lots!.mismatched} balances differ from their lots`}; ` +
  `ledger ${mismatches.length === 0 && trial.length === 0 ? "clean" : "NOT clean"}`);
const ok = events!.applied === events!.total && dup!.n === 0 && lots!.mismatched === 0 && mismatches.length === 0 && trial.length === 0;
await pool.end();
process.exit(ok ? 0 : 1);
