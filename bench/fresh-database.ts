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

/**
 * The benchmark database `name` on the same server, created if missing (and dropped first
 * with `rebuild`): large networks are built once and kept for later runs. Returns its URL
 * and whether it was there already.
 */
export async function keptDatabase(name: string, rebuild: boolean): Promise<{ url: string; existed: boolean }> {
  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
  if (exists && rebuild) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  if (!exists || rebuild) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return { url: url.toString(), existed: exists && !rebuild };
}
