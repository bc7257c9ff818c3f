import pg from "pg";

/**
 * Drops and creates the benchmark database `name` on BENCH_DATABASE_URL / TEST_DATABASE_URL /
 * DATABASE_URL's server (PostgreSQL) and points DATABASE_URL at it; returns its URL.
 */
export async function freshDatabase(name: string): Promise<string> {
  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  process.env.DATABASE_URL = url.toString();
  delete process.env.REDIS_URL;
  return url.toString();
}
