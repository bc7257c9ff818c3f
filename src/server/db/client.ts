import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { databaseUrl, sharedPglite } from "./driver";
import { PrismaClient } from "./generated/client";

export type Db = InstanceType<typeof PrismaClient>;

const globalStore = globalThis as unknown as { __mlmPrisma?: Map<string, Db> };

function createClient(target: string): Db {
  const adapter = target.startsWith("postgres")
    ? new PrismaPg({ connectionString: target, max: Number(process.env.DB_POOL_SIZE ?? 10) })
    : new PrismaPGlite(sharedPglite(target));
  return new PrismaClient({ adapter });
}

/**
 * The Prisma client for the configured database. Repositories are its only users.
 * One per database target per process (kept on globalThis: Next evaluates modules
 * in several graphs and dev mode re-evaluates them).
 */
export function prisma(): Db {
  const target = databaseUrl() ?? process.env.PGLITE_DIR ?? ".data/pglite";
  globalStore.__mlmPrisma ??= new Map();
  let client = globalStore.__mlmPrisma.get(target);
  if (!client) {
    client = createClient(target);
    globalStore.__mlmPrisma.set(target, client);
  }
  return client;
}

import { Prisma } from "./generated/client";
export { Prisma };

/** A transaction handle that services pass between repositories (never opened by them). */
export type Tx = Prisma.TransactionClient;

/**
 * Runs fn in one interactive transaction. The waits are generous because short,
 * contended transactions (many orders for one product) queue for the same rows.
 */
export function transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma().$transaction(fn, { maxWait: 30_000, timeout: 60_000 });
}
