/**
 * Ledger transfers per second through the service, one transaction per call (8 concurrent
 * callers) and in batches of 10,000, against a raw-SQL floor in the same run: the same
 * rows (a transaction and its two postings) and the same balance changes written with
 * plain set-based INSERT and UPDATE statements and no checks at all.
 *
 *   npm run bench:ledger -- [--accounts 10000] [--single 5000] [--batches 10] [--batch-size 10000] [--workers 8]
 *
 * A fresh database `mlm_bench_ledger` (dropped and recreated each run) on
 * BENCH_DATABASE_URL / TEST_DATABASE_URL / DATABASE_URL's server. Afterwards the kept
 * balances are checked against the postings and the trial balance.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { freshDatabase } from "../fresh-database";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "10000" },
    single: { type: "string", default: "5000" },
    batches: { type: "string", default: "10" },
    "batch-size": { type: "string", default: "10000" },
    workers: { type: "string", default: "8" },
  },
});
const ACCOUNTS = Number(values.accounts);
const SINGLE = Number(values.single);
const BATCHES = Number(values.batches);
const BATCH_SIZE = Number(values["batch-size"]);
const WORKERS = Number(values.workers);
const benchUrl = new URL(await freshDatabase("mlm_bench_ledger"));
process.env.DB_POOL_SIZE = String(WORKERS + 2);

const { pgDriver } = await import("../../src/server/db/driver");
const { migrate } = await import("../../src/server/db/migrate");
const { ledgerService } = await import("../../src/server/domain/ledger/ledger.service");
type TransactionInput = import("../../src/server/domain/ledger/ledger.types").TransactionInput;

const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 2 });
const db = pgDriver(pool);
await migrate(db);

// Accounts: the company's source and ACCOUNTS wallets (no owner needed for the ledger: kind WALLET, no-negative).
await db.query(
  `INSERT INTO ledger_account (owner_id, kind, unit, no_negative)
   SELECT NULL::int, 'ADJUSTMENTS', 'USD', false UNION ALL
   SELECT NULL, 'BENCH_WALLET_' || g, 'USD', true FROM generate_series(1, $1) g`,
  [ACCOUNTS],
);
const [{ source }] = await db.query<{ source: number }>(`SELECT id AS source FROM ledger_account WHERE kind = 'ADJUSTMENTS'`);
const wallets = (await db.query<{ id: number }>(`SELECT id FROM ledger_account WHERE no_negative ORDER BY id`)).map((r) => r.id);

let seq = 0;
const transfer = (from: number, to: number, amount: number): TransactionInput => ({
  kind: "POSTED", key: `bench:${++seq}`, reason: "TRANSFER", postings: [{ accountId: from, amount: -amount }, { accountId: to, amount }],
});
// Random pairs; every wallet is funded well beyond what the runs take out of it.
const random = (() => {
  let s = 42;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
})();
const pair = (): [number, number] => {
  const a = wallets[Math.floor(random() * wallets.length)]!;
  let b = wallets[Math.floor(random() * wallets.length)]!;
  if (b === a) b = wallets[(wallets.indexOf(a) + 1) % wallets.length]!;
  return [a, b];
};

console.log(`funding ${ACCOUNTS} accounts …`);
for (let i = 0; i < wallets.length; i += BATCH_SIZE) {
  await ledgerService.postBatch(wallets.slice(i, i + BATCH_SIZE).map((w) => transfer(source, w, 1_000_000_00)));
}
await db.exec("VACUUM ANALYZE");

async function timed(label: string, count: number, work: () => Promise<void>) {
  const t = performance.now();
  await work();
  const ms = performance.now() - t;
  const perSecond = count / (ms / 1000);
  console.log(`${label.padEnd(34)} ${String(count).padStart(7)} transfers  ${ms.toFixed(0).padStart(7)} ms  ${perSecond.toFixed(0).padStart(7)}/s`);
  return { label, count, ms, perSecond };
}

const single = await timed(`service, one per call (${WORKERS} callers)`, SINGLE, async () => {
  let left = SINGLE;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (left-- > 0) {
      const [a, b] = pair();
      await ledgerService.post(transfer(a, b, 1 + Math.floor(random() * 500)));
    }
  }));
});

const batch = await timed(`service, batches of ${BATCH_SIZE}`, BATCHES * BATCH_SIZE, async () => {
  for (let i = 0; i < BATCHES; i++) {
    await ledgerService.postBatch(Array.from({ length: BATCH_SIZE }, () => {
      const [a, b] = pair();
      return transfer(a, b, 1 + Math.floor(random() * 500));
    }));
  }
});

// The floor: the same rows and balance changes, plain set-based SQL, no checks, one transaction a batch.
const floor = await timed(`raw SQL floor, batches of ${BATCH_SIZE}`, BATCHES * BATCH_SIZE, async () => {
  for (let i = 0; i < BATCHES; i++) {
    const legs = Array.from({ length: BATCH_SIZE }, () => [...pair(), 1 + Math.floor(random() * 500)] as const);
    const keys = legs.map(() => `floor:${++seq}`);
    await db.session(async (c) => {
      await c.query("BEGIN");
      const ids = await c.query<{ id: string }>(
        `INSERT INTO ledger_transaction (idempotency_key, request_hash, kind, reason)
         SELECT k, '', 'POSTED', 'TRANSFER' FROM unnest($1::text[]) k RETURNING id::text`,
        [keys],
      );
      await c.query(
        `INSERT INTO ledger_posting (transaction_id, account_id, unit, amount)
         SELECT t, a, 'USD', x FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS p(t, a, x)`,
        [
          ids.flatMap((r) => [r.id, r.id]),
          legs.flatMap(([a, b]) => [a, b]),
          legs.flatMap(([, , x]) => [-x, x]),
        ],
      );
      await c.query(
        `UPDATE ledger_account l SET posted = l.posted + d.delta FROM (
           SELECT a, sum(x) AS delta FROM unnest($1::int[], $2::bigint[]) AS p(a, x) GROUP BY a
         ) d WHERE l.id = d.a`,
        [legs.flatMap(([a, b]) => [a, b]), legs.flatMap(([, , x]) => [-x, x])],
      );
      await c.query("COMMIT");
    });
  }
});

console.log(`\nbatch path / floor: ${(floor.perSecond / batch.perSecond).toFixed(2)}× the floor's time per transfer (target ≤ 2×)`);
console.log(`one per call / floor: ${(floor.perSecond / single.perSecond).toFixed(1)}×`);
// The floor skipped the running balances and checks: it leaves balance_after empty, which
// the check does not read, so balances must still agree with the postings.
const mismatches = await ledgerService.check(5);
const trial = await ledgerService.trialBalance();
console.log(`ledger:check ${mismatches.length === 0 ? "clean" : JSON.stringify(mismatches)}; trial balance ${trial.map((t) => `${t.unit} ${t.posted}/${t.pending}/${t.postings}`).join(", ")}`);
await pool.end();
process.exit(mismatches.length === 0 ? 0 : 1);
