import PgBoss from "pg-boss";
import { compensationService, setRunDispatcher } from "@/server/domain/compensation/compensation.service";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import { loyaltyService, setLoyaltyApplier } from "@/server/domain/loyalty/loyalty.service";
import { setVolumeApplier, volumeService } from "@/server/domain/volume/volume.service";
import { setWebhookDeliverer, webhookService } from "@/server/domain/webhook/webhook.service";

/** How pg-boss reaches the database: a connection string, or an adapter (embedded PGlite). */
export type JobDatabase = { connectionString: string } | { db: { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } };

const COMMISSION_RUN = "commission-run";
const VOID_EXPIRED = "ledger-void-expired";
const LOYALTY_SWEEP = "loyalty-sweep";
const LOYALTY_TIERS_DAILY = "loyalty-tiers-daily";
const LOYALTY_BIRTHDAYS = "loyalty-birthdays";
const LOYALTY_TIERS_MONTH_END = "loyalty-tiers-month-end";

/**
 * A loop that runs `work` in this process when kicked: one pass at a time, and once more
 * if kicked again meanwhile. Returns the kick.
 */
function kickableLoop(name: string, work: () => Promise<unknown>): () => void {
  let running = false;
  let again = false;
  const kick = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      try {
        do {
          again = false;
          await work();
        } while (again);
      } catch (err) {
        console.error(`[jobs] ${name}:`, (err as Error).message);
      } finally {
        running = false;
      }
    })();
  };
  return kick;
}

/**
 * Applies appended loyalty events as soon as a transaction that appended some commits: one
 * loop per shard of the members, side by side (each on its own connection on PostgreSQL).
 * A shard's advisory lock keeps instances from applying the same events twice.
 */
const loyaltyApplier = () => {
  const loops = Array.from({ length: loyaltyService.applierShards }, (_, k) => kickableLoop(`loyalty applier ${k}`, () => loyaltyService.applyPending(undefined, k)));
  return () => loops.forEach((kick) => kick());
};

/**
 * Folds appended volume entries into the totals: woken a few tens of milliseconds after a
 * commit that appended some (batches grow with the rush: entries committed meanwhile and
 * while one batch runs make the next), and every second for entries another instance
 * appended or a crashed batch left.
 * The applier's advisory lock keeps one at work per database.
 */
export function startVolumeApplier(): () => void {
  // A commit's kick waits a few tens of milliseconds for the commits after it, so at a rush
  // a batch holds what those milliseconds brought (one upsert, one event) instead of one
  // order each; the oldest entry must have waited as long, whichever instance applies it.
  const every = Number(process.env.VOLUME_APPLY_EVERY_MS ?? 25);
  let timer: NodeJS.Timeout | null = null;
  const run = kickableLoop("volume applier", () => volumeService.applyPending({ waitForOther: false, minAgeMs: every, early: kick }));
  function kick() {
    timer ??= setTimeout(() => {
      timer = null;
      run();
    }, every);
  }
  setInterval(run, 1_000).unref();
  setVolumeApplier(kick);
  run();
  return kick;
}

/**
 * Sends due webhook deliveries: woken after a commit that enqueued some, and every few
 * seconds for retries whose time has come. Instances share the work through the
 * deliveries' leases (FOR UPDATE SKIP LOCKED).
 */
function webhookDeliverer(): () => void {
  const kick = kickableLoop("webhook deliverer", () => drain(() => webhookService.deliverDue()));
  setInterval(kick, 5_000).unref();
  return kick;
}

/** Runs `step` until it has nothing left to do (each call one batch). */
async function drain(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let n = await step(); n > 0; n = await step()) total += n;
  return total;
}

const store = globalThis as unknown as { __mlmBoss?: Promise<PgBoss> };

/**
 * Background jobs on pg-boss (Postgres-backed, so they survive restarts and spread over
 * instances): commission runs, the sweep that voids expired ledger holds every minute, and
 * the loyalty programme's applier, releases, expiry and tier reviews.
 * Started once per process by server.ts.
 */
export function startJobRunner(database: JobDatabase): Promise<PgBoss> {
  store.__mlmBoss ??= (async () => {
    const boss = new PgBoss({ ...database, schema: "pgboss" } as ConstructorParameters<typeof PgBoss>[0] & object);
    boss.on("error", (err) => console.error("[jobs]", err.message));
    await boss.start();
    await boss.createQueue(COMMISSION_RUN);
    await boss.createQueue(VOID_EXPIRED);
    // A run's job is retried if its process dies; executeRun resumes where it stopped.
    await boss.work<{ runId: number }>(COMMISSION_RUN, { pollingIntervalSeconds: 1 }, async ([job]) => {
      if (!job) return;
      const run = await compensationService.executeRun(job.data.runId);
      console.log(`[jobs] commission run ${job.data.runId}: ${run?.status ?? "missing"}`);
    });
    await boss.work(VOID_EXPIRED, async () => {
      const voided = await ledgerService.voidExpired();
      if (voided > 0) console.log(`[jobs] voided ${voided} expired ledger holds`);
    });
    await boss.schedule(VOID_EXPIRED, "* * * * *");

    startVolumeApplier();
    const kickLoyalty = loyaltyApplier();
    setLoyaltyApplier(kickLoyalty);
    for (const q of [LOYALTY_SWEEP, LOYALTY_TIERS_DAILY, LOYALTY_TIERS_MONTH_END, LOYALTY_BIRTHDAYS]) await boss.createQueue(q);
    // Events another instance appended (or left after a crash), return windows that passed, expiry and its warnings.
    await boss.work(LOYALTY_SWEEP, async () => {
      kickLoyalty();
      const released = await drain(() => loyaltyService.releaseDue());
      const expired = await drain(() => loyaltyService.expireDue());
      const warned = await loyaltyService.warnExpiring();
      if (released + expired + warned > 0) console.log(`[jobs] loyalty: ${released} grants released, ${expired} expired, ${warned} expiry warnings`);
    });
    await boss.work(LOYALTY_TIERS_DAILY, async () => void (await loyaltyService.reviewTiers("DAILY")));
    await boss.work(LOYALTY_TIERS_MONTH_END, async () => void (await loyaltyService.reviewTiers("PERIOD_END")));
    await boss.work(LOYALTY_BIRTHDAYS, async () => {
      const n = await loyaltyService.birthdays(new Date());
      if (n > 0) console.log(`[jobs] loyalty: ${n} birthdays today`);
    });
    await boss.schedule(LOYALTY_SWEEP, "* * * * *");
    await boss.schedule(LOYALTY_TIERS_DAILY, "20 0 * * *");
    await boss.schedule(LOYALTY_TIERS_MONTH_END, "5 0 1 * *");
    await boss.schedule(LOYALTY_BIRTHDAYS, "10 0 * * *");
    kickLoyalty();
    const kickWebhooks = webhookDeliverer();
    setWebhookDeliverer(kickWebhooks);
    kickWebhooks();
    const dispatch = async (runId: number) => {
      await boss.send(COMMISSION_RUN, { runId }, { singletonKey: `run:${runId}`, retryLimit: 5, retryDelay: 10, expireInSeconds: 3600 });
    };
    setRunDispatcher(dispatch);
    // Runs queued while no worker was up (or whose job was lost) are sent again.
    for (const id of await compensationService.unfinishedRunIds()) await dispatch(id);
    console.log("> background jobs started (pg-boss)");
    return boss;
  })();
  return store.__mlmBoss;
}
