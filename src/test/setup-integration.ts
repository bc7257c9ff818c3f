import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll } from "vitest";
import { closeSharedPools, pgDriver, pgliteDriver, sharedPglite } from "@/server/db/driver";
import { migrate } from "@/server/db/migrate";

// Each test file gets a fresh database: an in-memory PGlite, or a new PostgreSQL database.
const suffix = randomBytes(6).toString("hex");
process.env.NEXTAUTH_SECRET ??= "integration-test-secret";
delete process.env.REDIS_URL;

if (process.env.TEST_DB === "postgres") {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `mlm_test_${suffix}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  await migrate(pgDriver(pool));
  await pool.end();
  afterAll(async () => {
    const { prisma } = await import("@/server/db/client");
    await prisma().$disconnect();
    await closeSharedPools();
    const again = new pg.Client({ connectionString: adminUrl });
    await again.connect();
    await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await again.end();
  });
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DIR = `memory://${suffix}`;
  await migrate(pgliteDriver(sharedPglite()));
}
