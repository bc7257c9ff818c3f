import { parseArgs } from "node:util";
import { hashPassword } from "../src/server/auth/password";
import { defaultDriver, type SqlDriver } from "../src/server/db/driver";
import { migrate } from "../src/server/db/migrate";
import { generateNetwork, insertMembers } from "./seed/network";

/**
 * A large network for benchmarks: `npm run seed:large -- --members 1000000 [--reset]`.
 * Unilevel placement (the placement tree equals the sponsor tree), sponsors drawn
 * uniformly from earlier members (a random recursive tree: depth about 2.7·ln N at
 * most), join dates over the past year. Every member's password is "large-network-1".
 */
export async function seedLarge(db: SqlDriver, members: number, log = console.log): Promise<void> {
  const started = Date.now();
  const now = new Date();
  const network = await generateNetwork({
    members,
    seed: 424242,
    placement: { type: "UNILEVEL" },
    since: new Date(now.getTime() - 365 * 24 * 3600 * 1000),
    until: now,
    pickSponsor: (id, random) => 1 + Math.floor(random() * (id - 1)),
    emailOf: (i) => `m${i}@large.test`,
  });
  log(`generated ${members} members in ${Date.now() - started} ms`);
  const insertStarted = Date.now();
  await insertMembers(db, network, await hashPassword("large-network-1"), 10_000);
  await db.query(
    `INSERT INTO setting (key, value, updated_at) VALUES ('genealogy.placement', '{"type":"UNILEVEL"}'::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
  );
  log(`inserted in ${Date.now() - insertStarted} ms`);
  await db.exec("VACUUM ANALYZE member");
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({ options: { members: { type: "string", default: "100000" }, reset: { type: "boolean", default: false } } });
  const members = Number(values.members);
  if (!Number.isInteger(members) || members < 1) throw new Error("--members must be a positive integer");
  const db = defaultDriver();
  await migrate(db);
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM member");
  if (n > 0 && !values.reset) {
    console.error(`The database already has ${n} members. Pass --reset to replace them.`);
    process.exit(1);
  }
  if (n > 0) await db.exec("TRUNCATE profile_change, member RESTART IDENTITY CASCADE");
  await seedLarge(db, members);
  process.exit(0);
}
