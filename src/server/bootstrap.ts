import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { defaultDriver } from "./db/driver";
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
