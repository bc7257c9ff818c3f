import PgBoss from "pg-boss";
import { compensationService, setRunDispatcher } from "@/server/domain/compensation/compensation.service";
import { ledgerService } from "@/server/domain/ledger/ledger.service";

/** How pg-boss reaches the database: a connection string, or an adapter (embedded PGlite). */
export type JobDatabase = { connectionString: string } | { db: { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } };

const COMMISSION_RUN = "commission-run";
const VOID_EXPIRED = "ledger-void-expired";

const store = globalThis as unknown as { __mlmBoss?: Promise<PgBoss> };

/**
 * Background jobs on pg-boss (Postgres-backed, so they survive restarts and spread over
 * instances): commission runs, and the sweep that voids expired ledger holds every minute.
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
