import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { databaseUrl, sharedPglite } from "./driver";
import { Prisma, PrismaClient } from "./generated/client";

export { Prisma };

type PrismaDb = InstanceType<typeof PrismaClient>;

const globalStore = globalThis as unknown as { __mlmPrisma?: Map<string, PrismaDb> };

function createClient(target: string): PrismaDb {
  const adapter = target.startsWith("postgres")
    ? new PrismaPg({ connectionString: target, max: Number(process.env.DB_POOL_SIZE ?? 10) })
    : new PrismaPGlite(sharedPglite(target));
  return new PrismaClient({ adapter });
}

/**
 * The Prisma client for the configured database. Reached through the unit of work
 * (`db()` in unit-of-work.ts), never directly.
 * One per database target per process (kept on globalThis: Next evaluates modules
 * in several graphs and dev mode re-evaluates them).
 */
export function prisma(): PrismaDb {
  const target = databaseUrl() ?? process.env.PGLITE_DIR ?? ".data/pglite";
  globalStore.__mlmPrisma ??= new Map();
  let client = globalStore.__mlmPrisma.get(target);
  if (!client) {
    client = createClient(target);
    globalStore.__mlmPrisma.set(target, client);
  }
  return client;
}
