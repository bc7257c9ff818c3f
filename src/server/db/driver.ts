import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";

/** The smallest SQL surface the migration runner and bulk loaders need. */
export interface SqlDriver {
  readonly kind: "postgres" | "pglite";
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Rows, column types and the number of rows changed (the unit of work checks the types). */
  run<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<RunResult<T>>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs several statements (no parameters) in one round trip: each one's rows and column types. */
  script(sql: string): Promise<RunResult<unknown>[]>;
  /** Runs fn on one connection (session-level locks, multi-statement transactions). */
  session<T>(fn: (db: SqlDriver) => Promise<T>): Promise<T>;
  /**
   * Streams rows (COPY text format lines, each ending in a newline) into `table`'s columns
   * on one connection: PostgreSQL only (null on PGlite, which has no COPY FROM STDIN).
   */
  copyIn?(sql: string, lines: Iterable<string>): Promise<void>;
  /** Streams `COPY (query) TO STDOUT` in text format, chunk by chunk, on one connection: PostgreSQL only. */
  copyOut?(sql: string): AsyncIterable<Buffer>;
}

export interface RunResult<T> {
  rows: T[];
  fields: { name: string; dataTypeID: number }[];
  rowCount: number;
}

export function databaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

export function pgliteDir(): string {
  return process.env.PGLITE_DIR ?? ".data/pglite";
}

const globalStore = globalThis as unknown as {
  __mlmPglite?: Map<string, PGlite>;
  __mlmPgPool?: Map<string, pg.Pool>;
};

/**
 * One PGlite per data directory per process: PGlite is single-connection and a data
 * directory may be opened by one instance only. Kept on globalThis because Next
 * evaluates server modules in more than one module graph.
 */
export function sharedPglite(dir = pgliteDir()): PGlite {
  globalStore.__mlmPglite ??= new Map();
  let db = globalStore.__mlmPglite.get(dir);
  if (!db) {
    if (!dir.startsWith("memory://")) mkdirSync(dir, { recursive: true });
    db = new PGlite(dir);
    globalStore.__mlmPglite.set(dir, db);
  }
  return db;
}

export function sharedPgPool(url: string): pg.Pool {
  globalStore.__mlmPgPool ??= new Map();
  let pool = globalStore.__mlmPgPool.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: Number(process.env.DB_POOL_SIZE ?? 10) });
    // An idle connection the server closes (restart, failover) must not crash the process.
    pool.on("error", (err) => console.error("[db] idle connection error:", err.message));
    globalStore.__mlmPgPool.set(url, pool);
  }
  return pool;
}

/** Ends the shared PostgreSQL pools (tests and scripts that drop their database). */
export async function closeSharedPools(): Promise<void> {
  const pools = [...(globalStore.__mlmPgPool?.values() ?? [])];
  globalStore.__mlmPgPool?.clear();
  await Promise.all(pools.map((p) => p.end()));
}

export function pgliteDriver(db: PGlite): SqlDriver {
  return {
    kind: "pglite",
    async query(sql, params) {
      return (await db.query(sql, params)).rows as never;
    },
    async run(sql, params) {
      const r = await db.query(sql, params as unknown[]);
      return { rows: r.rows as never, fields: r.fields, rowCount: r.affectedRows ?? 0 };
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async script(sql) {
      return (await db.exec(sql)).map((r) => ({ rows: r.rows, fields: r.fields, rowCount: r.affectedRows ?? 0 }));
    },
    session(fn) {
      return fn(this);
    },
  };
}

export function pgDriver(pool: pg.Pool | pg.PoolClient): SqlDriver {
  return {
    kind: "postgres",
    async query(sql, params) {
      return (await pool.query(sql, params as unknown[])).rows;
    },
    async run(sql, params) {
      const r = await pool.query(sql, params as unknown[]);
      return { rows: r.rows, fields: r.fields, rowCount: r.rowCount ?? 0 };
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async script(sql) {
      const r = (await pool.query(sql)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(r) ? r : [r]).map((x) => ({ rows: x.rows, fields: x.fields, rowCount: x.rowCount ?? 0 }));
    },
    async copyIn(sql, lines) {
      const client = pool instanceof pg.Pool ? await pool.connect() : pool;
      try {
        await pipeline(Readable.from(lines), client.query(copyFrom(sql)));
      } finally {
        if (pool instanceof pg.Pool) (client as pg.PoolClient).release();
      }
    },
    async *copyOut(sql) {
      const client = pool instanceof pg.Pool ? await pool.connect() : pool;
      let finished = false;
      try {
        yield* client.query(copyTo(sql)) as AsyncIterable<Buffer>;
        finished = true;
      } finally {
        // A connection left mid-COPY (an error, a reader that stopped early) is not reused.
        if (pool instanceof pg.Pool) (client as pg.PoolClient).release(finished ? undefined : true);
      }
    },
    async session(fn) {
      if (!(pool instanceof pg.Pool)) return fn(this);
      const client = await pool.connect();
      try {
        return await fn(pgDriver(client));
      } finally {
        client.release();
      }
    },
  };
}

/** The driver for the configured database: PostgreSQL when DATABASE_URL is set, else PGlite. */
export function defaultDriver(): SqlDriver {
  const url = databaseUrl();
  return url ? pgDriver(sharedPgPool(url)) : pgliteDriver(sharedPglite());
}
