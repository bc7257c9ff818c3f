import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * npm run db:migration -- <name>
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that turns the
 * schema at git HEAD into prisma/schema.prisma (Prisma's offline `migrate diff`; no
 * shadow database needed). Review it, add what Prisma's schema cannot express.
 */
const name = (process.argv[2] ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
const before = path.join(mkdtempSync(path.join(tmpdir(), "schema-")), "schema.prisma");
writeFileSync(before, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" }));
const sql = execFileSync(
  "npx",
  ["prisma", "migrate", "diff", "--from-schema-datamodel", before, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  // An in-memory database for the CLI's adapter: diffing two schema files needs none,
  // and an open PGlite data directory kept the CLI from exiting.
  { encoding: "utf8", env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: "memory://migration-diff" } },
);
if (/^-- This is an empty migration/m.test(sql) || sql.trim() === "") {
  console.log("prisma/schema.prisma matches HEAD: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`wrote ${dir}/migration.sql`);
