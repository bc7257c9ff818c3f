import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlDriver } from "./driver";

const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

/**
 * Applies pending SQL migrations from prisma/migrations in name order, each in its own
 * transaction, recording them in Prisma's own `_prisma_migrations` table so that
 * `prisma migrate status` agrees. Runs in-process because PGlite's data directory can
 * be opened by one process only (the app itself).
 */
export function migrate(driver: SqlDriver, dir = MIGRATIONS_DIR): Promise<string[]> {
  return driver.session((db) => migrateOn(db, dir));
}

async function migrateOn(db: SqlDriver, dir: string): Promise<string[]> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
  // Two instances starting at once must not apply the same migration twice.
  const lockKey = 7_311_004;
  const applied: string[] = [];
  if (db.kind === "postgres") await db.query("SELECT pg_advisory_lock($1)", [lockKey]);
  try {
    const done = new Set(
      (
        await db.query<{ migration_name: string }>(
          `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        )
      ).map((r) => r.migration_name),
    );
    const names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      if (done.has(name)) continue;
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      await db.exec(`BEGIN;\n${sql}\n;
        INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
        VALUES ('${randomUUID()}', '${checksum}', now(), '${name.replace(/'/g, "''")}', 1);
        COMMIT;`).catch(async (err) => {
        await db.exec("ROLLBACK").catch(() => undefined);
        throw new Error(`migration ${name} failed: ${(err as Error).message}`);
      });
      applied.push(name);
    }
  } finally {
    if (db.kind === "postgres") await db.query("SELECT pg_advisory_unlock($1)", [lockKey]);
  }
  return applied;
}
