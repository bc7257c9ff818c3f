import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { databaseUrl, defaultDriver, sharedPglite } from "./db/driver";
import { migrate } from "./db/migrate";

/**
 * What every start needs before serving: an auth secret (generated once into .data/
 * for local runs when NEXTAUTH_SECRET is unset) and an up-to-date schema.
 */
export async function prepare(port: number): Promise<void> {
  if (!process.env.NEXTAUTH_SECRET) {
    const file = ".data/auth-secret";
    if (!existsSync(file)) {
      mkdirSync(".data", { recursive: true });
      writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
    }
    process.env.NEXTAUTH_SECRET = readFileSync(file, "utf8").trim();
  }
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  const applied = await migrate(defaultDriver());
  if (applied.length > 0) console.log(`> applied migrations: ${applied.join(", ")}`);
}

/** Starts the background job runner (pg-boss) on the configured database. */
export async function startJobs(): Promise<void> {
  const { startJobRunner } = await import("./jobs/runner");
  const url = databaseUrl();
  if (url) {
    await startJobRunner({ connectionString: url });
    return;
  }
  // Embedded PGlite: one connection, so pg-boss shares it through an adapter. pg-boss sends
  // its schema as scripts of several statements without parameters; PGlite runs those with exec.
  const pglite = sharedPglite();
  await startJobRunner({
    db: {
      async executeSql(text, values) {
        if (values && values.length > 0) return { rows: (await pglite.query(text, values)).rows };
        const results = await pglite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      },
    },
  });
}
