import { createHash } from "node:crypto";
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
  /**
   * Runs several statements with their parameters in one round trip (the simple protocol:
   * each value written in as a literal, see `inline`): each one's rows and column types.
   */
  script(statements: readonly Statement[]): Promise<RunResult<unknown>[]>;
  /** Runs fn on one connection (session-level locks, multi-statement transactions). */
  session<T>(fn: (db: SqlDriver) => Promise<T>): Promise<T>;
  /**
   * Streams rows (COPY text format: lines, each ending in a newline, in chunks that may cut
   * a line anywhere) into `table`'s columns on one connection: PostgreSQL only (null on
   * PGlite, which has no COPY FROM STDIN).
   */
  copyIn?(sql: string, chunks: Iterable<string | Uint8Array>): Promise<void>;
  /** Streams `COPY (query) TO STDOUT` in text format, chunk by chunk, on one connection: PostgreSQL only. */
  copyOut?(sql: string): AsyncIterable<Buffer>;
}

export interface Statement {
  text: string;
  params: readonly unknown[];
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
    async script(statements) {
      const results = await db.exec(statements.map((st) => inline(st.text, st.params)).join(";\n"));
      return results.map((r) => ({ rows: r.rows, fields: r.fields, rowCount: r.affectedRows ?? 0 }));
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
      return (await onConnection(pool, (c) => c.query(statement(c, sql, params ?? [])))).rows;
    },
    async run(sql, params) {
      const r = await onConnection(pool, (c) => c.query(statement(c, sql, params ?? [])));
      return { rows: r.rows, fields: r.fields, rowCount: r.rowCount ?? 0 };
    },
    async exec(sql) {
      await pool.query(sql);
    },
    script(statements) {
      return onConnection(pool, (c) => preparedScript(c, statements));
    },
    async copyIn(sql, chunks) {
      const client = pool instanceof pg.Pool ? await pool.connect() : pool;
      try {
        await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
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
      return onConnection(pool, (client) => fn(pgDriver(client as pg.PoolClient)));
    },
  };
}

/** Runs fn on a connection of the pool (or on the connection given), as pool.query does. */
async function onConnection<T>(pool: pg.Pool | pg.PoolClient, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!(pool instanceof pg.Pool)) return fn(pool);
  const client = await pool.connect();
  let broken: Error | undefined;
  // The connection failing while in our hands (pg emits it besides failing the query).
  const onError = (err: Error) => void (broken = err);
  client.on("error", onError);
  try {
    return await fn(client);
  } finally {
    // A statement's error leaves the connection usable, with its prepared statements
    // (pool.query retired it); a connection that failed is retired (pg-pool also drops
    // one that is no longer queryable).
    client.removeListener("error", onError);
    client.release(broken);
  }
}

/**
 * Prepared statements, once per connection. PostgreSQL plans every statement it is sent
 * unnamed, and for the short reads of a page planning costs more than running: the nine
 * statements of a distributor's dashboard cost PostgreSQL 4.2 ms planned each time and
 * 0.6 ms prepared (pgbench, 8 clients, 2 cores: 480 against 3,370 sets a second). Each
 * statement text gets a name (a hash of the text); a connection prepares it the first
 * time it runs it, then only binds and executes, and PostgreSQL keeps a generic plan where
 * it costs no more than the plans it made for the values seen (plan_cache_mode auto).
 * Those plans are re-made when the tables' statistics change (autovacuum's analyze): a
 * server without autovacuum keeps plans made for tables as they first were. At most
 * 1,000 statements per connection (texts beyond run unnamed, as before); only SELECT,
 * WITH, INSERT, UPDATE and DELETE. DB_PREPARE=0 turns it off (a pooler in transaction
 * mode, such as PgBouncer before 1.21, cannot keep statements for a client).
 */
const MAX_PREPARED = 1_000;
const MAX_NAMED_TEXTS = 20_000;
const PREPARABLE = /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i;
const names = new Map<string, string | null>();
const preparedOn = new WeakMap<pg.ClientBase, Set<string>>();

/** The name of `text`'s prepared statement (null: it runs unnamed). */
function nameOf(text: string): string | null {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_NAMED_TEXTS) return null;
    name = process.env.DB_PREPARE === "0" || !PREPARABLE.test(text) ? null : createHash("sha1").update(text).digest("hex").slice(0, 24);
    names.set(text, name);
  }
  return name;
}

/** The statements `client` has prepared (by the extended protocol: p…, by PREPARE: s…). */
function preparedSet(client: pg.ClientBase): Set<string> {
  let set = preparedOn.get(client);
  if (!set) preparedOn.set(client, (set = new Set()));
  return set;
}

/** A query config: named (prepared once on this connection) when it may be. */
function statement(client: pg.ClientBase, text: string, params: readonly unknown[]): pg.QueryConfig {
  const base = nameOf(text);
  if (base) {
    const name = `p${base}`;
    const set = preparedSet(client);
    if (set.has(name) || set.size < MAX_PREPARED) {
      set.add(name); // pg prepares it on first use (and again if that use failed)
      return { name, text, values: params as unknown[] };
    }
  }
  return { text, values: params as unknown[] };
}

/**
 * Several statements in one round trip: each prepared on this connection (PREPARE at the
 * head of the script the first time) and then run as EXECUTE with its values as literals;
 * a statement that cannot be prepared runs with its values written in (inline).
 */
async function preparedScript(client: pg.ClientBase, statements: readonly Statement[]): Promise<RunResult<unknown>[]> {
  const set = preparedSet(client);
  const head: string[] = [];
  const fresh: string[] = [];
  const body = statements.map((st) => {
    const base = nameOf(st.text);
    if (!base) return inline(st.text, st.params);
    const name = `s${base}`;
    if (!set.has(name)) {
      if (set.size >= MAX_PREPARED) return inline(st.text, st.params);
      head.push(`PREPARE ${name} AS ${st.text}`);
      fresh.push(name);
      set.add(name);
    }
    return execute(name, st.params);
  });
  let results: pg.QueryResult | pg.QueryResult[];
  try {
    results = (await client.query([...head, ...body].join(";\n"))) as pg.QueryResult | pg.QueryResult[];
  } catch (err) {
    // PREPARE is not undone by the failure, but those after a failing one never ran:
    // ask the connection which of this script's statements it holds.
    if (fresh.length > 0) {
      for (const name of fresh) set.delete(name);
      const held = await client.query<{ name: string }>("SELECT name FROM pg_prepared_statements WHERE name = ANY($1)", [fresh]).catch(() => null);
      for (const { name } of held?.rows ?? []) set.add(name);
    }
    throw err;
  }
  return (Array.isArray(results) ? results : [results]).slice(head.length).map((x) => ({ rows: x.rows, fields: x.fields, rowCount: x.rowCount ?? 0 }));
}

const execute = (name: string, params: readonly unknown[]) => (params.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${params.map((v, i) => literal(v, i + 1)).join(", ")})`);

// pg's own conversion of a parameter to the text it sends (not in its type declarations).
const { prepareValue } = (pg as unknown as { utils: { prepareValue(v: unknown): unknown } }).utils;

/** A parameter as a quoted, escaped, untyped literal of the text the driver would have sent. */
function literal(v: unknown, n: number): string {
  const prepared = prepareValue(v);
  if (prepared == null) return "NULL";
  if (typeof prepared !== "string") throw new Error(`parameter $${n} cannot be written as a literal`);
  return pg.escapeLiteral(prepared);
}

/**
 * A statement with its parameters written in as literals, for a script of several
 * statements (the simple protocol takes no parameters). Each value is the text the driver
 * would have sent (pg's own prepareValue) as a quoted, escaped, untyped literal, which
 * PostgreSQL types from its context exactly as it types an untyped parameter. A
 * statement's text must hold `$n` only as parameters (not inside a quoted literal).
 */
export function inline(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n);
    if (i > params.length) throw new Error(`statement uses $${n} but has ${params.length} parameters`);
    return literal(params[i - 1], i);
  });
}

/** The driver for the configured database: PostgreSQL when DATABASE_URL is set, else PGlite. */
export function defaultDriver(): SqlDriver {
  const url = databaseUrl();
  return url ? pgDriver(sharedPgPool(url)) : pgliteDriver(sharedPglite());
}
