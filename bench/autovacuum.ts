/**
 * Autovacuum's work, done by a bench when the server runs without it.
 *
 * This machine's PostgreSQL runs without autovacuum (a CI setting). In production
 * autovacuum clears the dead row versions that appliers and updates leave and refreshes the
 * planner's statistics as tables grow (a session's cached plans are re-planned then).
 * Without it every look-up wades through dead rows, plans made for empty tables scan whole
 * ones, and each run of a bench is slower than the one before. So a bench does that work
 * itself, table by table, when autovacuum's default thresholds say so, on its own
 * connection alongside the measured work as autovacuum's workers would (checked every
 * second, more often than autovacuum's one-minute nap).
 */
export interface AutovacuumConnection {
  query<T>(sql: string): Promise<T[]>;
  exec(sql: string): Promise<unknown>;
}

export interface Autovacuum {
  /** Whether the server lacks autovacuum (the bench then does its work). */
  readonly active: boolean;
  /** Milliseconds spent vacuuming and analysing so far. */
  readonly ms: number;
  /** Stops after the pass in progress. */
  stop(): Promise<void>;
}

/** Vacuums and analyses the tables due, now and then every second, until stopped (nothing when the server runs autovacuum). */
export async function startAutovacuum(db: AutovacuumConnection): Promise<Autovacuum> {
  const [setting] = await db.query<{ autovacuum: string }>(`SELECT current_setting('autovacuum') AS autovacuum`);
  const active = setting!.autovacuum !== "on";
  let ms = 0;
  let running = active;
  const pass = async () => {
    const t = performance.now();
    const due = await db.query<{ name: string; vacuum: boolean; analyze: boolean }>(
      `SELECT s.relname AS name,
         s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) OR s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0) AS vacuum,
         s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) AS analyze
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`,
    );
    for (const t of due) {
      if (t.vacuum || t.analyze) await db.exec(`${t.vacuum ? "VACUUM" : ""}${t.vacuum && t.analyze ? " (ANALYZE)" : t.analyze ? "ANALYZE" : ""} "${t.name}"`);
    }
    ms += performance.now() - t;
  };
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 1000));
      if (running) await pass();
    }
  })();
  return {
    active,
    get ms() {
      return ms;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
