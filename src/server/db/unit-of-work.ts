import { AsyncLocalStorage } from "node:async_hooks";
import { Prisma, prisma } from "./client";
import { CopyNumberReader, CopyTextWriter, type CopyRow } from "./copy-text";
import { databaseUrl, defaultDriver, type SqlDriver } from "./driver";

/** Prisma's models on one connection (the client itself, or an open transaction). */
export type Orm = Prisma.TransactionClient;

/**
 * The one way to reach the database: Prisma models and raw SQL on the same connection
 * and, inside `transaction()`, the same transaction. Repositories call `db()`; only
 * services open a transaction.
 *
 * Raw SQL must cast numeric and bigint results (`::text`, `::int`): the two drivers and
 * Prisma return those types differently, so a query that forgets gets an error at once
 * (in every environment) instead of a number that is sometimes a string.
 */
export interface Db {
  readonly orm: Orm;
  /** Rows of a statement written as a tagged template; values are bound as parameters. */
  sql<T>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]>;
  /** Rows of a statement with $1… parameters (for text built from trusted fragments such as column names). */
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** The number of rows a statement changed. */
  execute(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  /**
   * Writes many rows by COPY and then runs `then` (a statement recording that they are
   * written, or null), both in one transaction of its own: all or nothing. PostgreSQL
   * only; false where COPY is not available (PGlite, or inside a transaction): the caller
   * inserts otherwise.
   * `write` puts each row's values, in the columns' order, straight into the stream
   * (copy-text.ts): no string is made per value or row.
   */
  copyRows<T>(table: string, columns: readonly string[], rows: Iterable<T>, write: (row: T, out: CopyRow) => void, then: { sql: string; params: unknown[] } | null): Promise<boolean>;
  /**
   * The rows of `query` (no parameters: inline only trusted values such as numbers and
   * dates), every value a number or null, streamed by COPY and read straight from its
   * bytes into one row of numbers (NaN for null) handed to `each`: the same array for
   * every row, so read it before the next. A million rows without a string per value
   * (strings per value cost a run's loading more than the database took to send them).
   * PostgreSQL outside a transaction; false elsewhere, before reading anything (the caller
   * reads with `query`).
   */
  copyOutNumbers(query: string, columns: number, each: (row: Float64Array) => void): Promise<boolean>;
  /**
   * Runs independent reads together: outside a transaction in one round trip (one
   * script of several statements); inside one, one after the other. Each read's
   * result in order.
   */
  all<const R extends readonly Read<unknown>[]>(reads: R): Promise<{ -readonly [K in keyof R]: R[K] extends Read<infer T> ? T : never }>;
  readonly inTransaction: boolean;
}

/**
 * A read a repository prepares without running it: its statement and how its rows become
 * the record it returns. A service runs several with `db().all` in one round trip (a
 * screen that needs six answers pays one wait, not six).
 */
export interface Read<T> {
  readonly text: string;
  readonly params: readonly unknown[];
  readonly map: (rows: never[]) => T;
}

/** A read written as a tagged template (values bound like `db().sql`); its rows as they come. */
export function sqlRead<Row>(strings: TemplateStringsArray, ...values: unknown[]): Read<Row[]> {
  const s = Prisma.sql(strings, ...values);
  return { text: s.text, params: s.values, map: (rows) => rows as Row[] };
}

/** A read with $1… parameters (text built from trusted fragments), mapped by `map`. */
export function queryRead<Row, T = Row[]>(text: string, params: readonly unknown[], map?: (rows: Row[]) => T): Read<T> {
  return { text, params, map: (rows) => (map ? map(rows as Row[]) : (rows as unknown as T)) };
}

/** Runs one read on the current unit of work. */
export async function runRead<T>(read: Read<T>): Promise<T> {
  const [result] = await db().all([read] as const);
  return result as T;
}

/** The same read with its result mapped further. */
export function mapRead<A, B>(read: Read<A>, fn: (a: A) => B): Read<B> {
  return { text: read.text, params: read.params, map: (rows) => fn(read.map(rows)) };
}

interface Scope {
  db: Db;
  afterCommit: (() => void)[];
}

const store = globalThis as unknown as { __mlmUnitOfWork?: AsyncLocalStorage<Scope> };
// One store per process: Next evaluates server modules in more than one module graph.
const scopes = (store.__mlmUnitOfWork ??= new AsyncLocalStorage<Scope>());

// Built-in type ids of numeric and int8, which the drivers return as strings and Prisma
// as Decimal and bigint.
const INEXACT_TYPE_IDS = new Set([1700, 20]);

class UncastColumn extends Error {
  constructor(column: string, sql: string) {
    super(`raw SQL returned numeric or bigint column "${column}" uncast; cast it to text or int: ${sql.slice(0, 120)}`);
    this.name = "UncastColumn";
  }
}

function checkRows<T>(rows: T[], sql: string): T[] {
  const first = rows[0] as Record<string, unknown> | undefined;
  if (first) {
    for (const [key, value] of Object.entries(first)) {
      if (typeof value === "bigint" || Prisma.Decimal.isDecimal(value)) throw new UncastColumn(key, sql);
    }
  }
  return rows;
}

function driverDb(driver: SqlDriver): Db {
  const query = async <T>(text: string, params: readonly unknown[] = []) => {
    const { rows, fields } = await driver.run<T>(text, params);
    const uncast = fields.find((f) => INEXACT_TYPE_IDS.has(f.dataTypeID));
    if (uncast) throw new UncastColumn(uncast.name, text);
    return rows;
  };
  return {
    orm: prisma(),
    inTransaction: false,
    query,
    sql<T>(strings: TemplateStringsArray, ...values: unknown[]) {
      const s = Prisma.sql(strings, ...values);
      return query<T>(s.text, s.values);
    },
    async execute(strings, ...values) {
      const s = Prisma.sql(strings, ...values);
      return (await driver.run(s.text, s.values)).rowCount;
    },
    async copyOutNumbers(query, columns, each) {
      if (!driver.copyOut) return false;
      const reader = new CopyNumberReader(columns, each);
      for await (const chunk of driver.copyOut(`COPY (${query}) TO STDOUT`)) reader.read(chunk);
      reader.end();
      return true;
    },
    async all(reads) {
      if (reads.length === 0) return [] as never;
      if (reads.length === 1) return [reads[0]!.map((await query(reads[0]!.text, reads[0]!.params)) as never[])] as never;
      const results = await driver.script(reads);
      if (results.length !== reads.length) throw new Error(`a script of ${reads.length} reads answered ${results.length} results`);
      return reads.map((r, i) => {
        const uncast = results[i]!.fields.find((f) => INEXACT_TYPE_IDS.has(f.dataTypeID));
        if (uncast) throw new UncastColumn(uncast.name, r.text);
        return r.map(results[i]!.rows as never[]);
      }) as never;
    },
    async copyRows(table, columns, rows, write, then) {
      if (!driver.copyIn) return false;
      // One connection for the whole: COPY and the statement after it commit together.
      return driver.session(async (one) => {
        await one.exec("BEGIN");
        try {
          await one.copyIn!(`COPY ${table} (${columns.join(", ")}) FROM STDIN`, (function* () {
            const out = new CopyTextWriter();
            for (const row of rows) {
              // Written at once: a caller may hand the same object refilled for every row.
              write(row, out);
              out.endRow();
              if (out.ready) yield* out.take();
            }
            yield* out.finish();
          })());
          if (then) await one.run(then.sql, then.params);
          await one.exec("COMMIT");
          return true;
        } catch (err) {
          await one.exec("ROLLBACK").catch(() => undefined);
          throw err;
        }
      });
    },
  };
}

function transactionDb(tx: Orm): Db {
  const query = async <T>(text: string, params: readonly unknown[] = []) =>
    checkRows(await tx.$queryRawUnsafe<T[]>(text, ...params), text);
  return {
    orm: tx,
    inTransaction: true,
    query,
    sql<T>(strings: TemplateStringsArray, ...values: unknown[]) {
      const s = Prisma.sql(strings, ...values);
      return query<T>(s.text, s.values);
    },
    execute(strings, ...values) {
      const s = Prisma.sql(strings, ...values);
      return tx.$executeRawUnsafe(s.text, ...s.values);
    },
    async copyRows() {
      return false;
    },
    async copyOutNumbers() {
      return false;
    },
    async all(reads) {
      const out: unknown[] = [];
      for (const r of reads) out.push(r.map((await query(r.text, r.params)) as never[]));
      return out as never;
    },
  };
}

/**
 * The current unit of work: the open transaction when called inside `transaction()`,
 * else single statements on the shared connection pool (plain driver for raw SQL:
 * Prisma adds 1–3 ms to each of the hot sub-millisecond reads).
 */
export function db(): Db {
  return scopes.getStore()?.db ?? driverDb(defaultDriver());
}

export interface TransactionOptions {
  /** How long to wait for a connection (ms). */
  maxWait?: number;
  /** How long the transaction may run (ms). */
  timeout?: number;
  /**
   * SQL only, on the plain driver: no Prisma round trip per statement (the hot paths, such
   * as placing and paying an order, where Prisma's query engine cost more CPU than the
   * statements). `db().orm` throws inside one on PostgreSQL; on PGlite (one connection,
   * whose transactions Prisma's adapter serialises) it is an ordinary transaction.
   */
  lean?: boolean;
}

/**
 * Runs fn in one database transaction; everything fn does through `db()` (in any
 * domain) joins it. Called inside another transaction, fn joins the outer one.
 * Callbacks given to `afterCommit` run once the outermost transaction has committed.
 * The waits are generous because short, contended transactions (many orders for one
 * product) queue for the same rows.
 */
export async function transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  if (scopes.getStore()?.db.inTransaction) return fn();
  if (options.lean && databaseUrl()) return leanTransaction(fn);
  const afterCommit: (() => void)[] = [];
  const result = await prisma().$transaction(
    (tx) => scopes.run({ db: transactionDb(tx), afterCommit }, fn),
    { maxWait: options.maxWait ?? 30_000, timeout: options.timeout ?? 60_000 },
  );
  // Outside the scope: a callback that reads the database sees the committed state.
  for (const cb of afterCommit) runSafely(cb);
  return result;
}

/** A transaction on one connection of the plain driver's pool: BEGIN, fn, COMMIT (ROLLBACK on error). */
async function leanTransaction<T>(fn: () => Promise<T>): Promise<T> {
  const afterCommit: (() => void)[] = [];
  const result = await defaultDriver().session(async (one) => {
    await one.exec("BEGIN");
    try {
      const txDb: Db = {
        ...driverDb(one),
        inTransaction: true,
        get orm(): Orm {
          throw new Error("Prisma inside a lean transaction: write this statement as SQL (db().sql), or open an ordinary transaction.");
        },
        copyOutNumbers: async () => false,
        copyRows: async () => false,
      };
      const value = await scopes.run({ db: txDb, afterCommit }, fn);
      await one.exec("COMMIT");
      return value;
    } catch (err) {
      await one.exec("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
  for (const cb of afterCommit) runSafely(cb);
  return result;
}

/**
 * Runs cb after the current transaction commits (never if it rolls back); outside a
 * transaction, at once. For announcements: an event never tells of a change that did
 * not happen.
 */
export function afterCommit(cb: () => void): void {
  const scope = scopes.getStore();
  if (scope?.db.inTransaction) scope.afterCommit.push(cb);
  else runSafely(cb);
}

function runSafely(cb: () => void): void {
  try {
    cb();
  } catch (err) {
    console.error("[db] after-commit callback failed", err);
  }
}

/**
 * Whether independent statements outside a transaction can run side by side, each on its
 * own connection (PostgreSQL's pool). PGlite is one connection: there they take turns.
 */
export function hasConnectionPool(): boolean {
  return databaseUrl() !== undefined;
}

/** Whether err is a unique-constraint violation (optionally on a constraint or column named like `hint`). */
export function isUniqueViolation(err: unknown, hint?: string): boolean {
  const e = err as { code?: string; message?: string };
  const unique = e?.code === "P2002" || e?.code === "23505" || /unique constraint/i.test(e?.message ?? "");
  return unique && (hint == null || JSON.stringify(err).includes(hint) || (e?.message ?? "").includes(hint));
}
