import { hashPassword } from "../../src/server/auth/password";
import { defaultDriver, type SqlDriver } from "../../src/server/db/driver";
import { DEFAULT_PLACEMENT } from "../../src/server/domain/genealogy/placement.rules";
import { volumeService } from "../../src/server/domain/volume/volume.service";
import { seedCommerce } from "./commerce";
import { seedPlan, seedPreviews } from "./commissions";
import { prepareLoyalty } from "./loyalty";
import { seedWallets } from "./wallets";
import { generateNetwork, insertMembers } from "./network";
import { seedAccess } from "./access";

export const DEMO = {
  admin: { email: "admin@demo.test", password: "demo-admin-123" },
  member: { email: "ava@demo.test", password: "demo-member-123" },
  members: 3000,
};

/**
 * A believable company: a founder, Ava directly below with a downline of several
 * levels, and about 3,000 distributors in 12 countries who joined over the past year.
 * Placement follows the default plan (binary, weaker leg).
 */
export async function seedDemo(db: SqlDriver, now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - 365 * 24 * 3600 * 1000);
  const network = await generateNetwork({
    members: DEMO.members,
    seed: 20261122,
    placement: DEFAULT_PLACEMENT,
    since,
    until: now,
    firstId: 2,
    // The founder recruits the first leaders; after that anyone may recruit, with a
    // lean towards longer-standing members. Ava (id 3) leads the largest line.
    pickSponsor: (id, random) => (id <= 6 ? 2 : 3 + Math.floor(Math.pow(random(), 1.2) * (id - 3))),
    emailOf: (i, first, last) =>
      i === 0 ? "olivia.founder@demo.test" : i === 1 ? DEMO.member.email : `${first}.${last}.${i}@demo.test`.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9.@]/g, ""),
  });
  network[0]!.firstName = "Olivia";
  network[0]!.lastName = "Founder";
  network[0]!.country = "US";
  Object.assign(network[1]!, { firstName: "Ava", lastName: "Martin", country: "US", joinedAt: since });
  const [adminHash, memberHash] = await Promise.all([hashPassword(DEMO.admin.password), hashPassword(DEMO.member.password)]);
  await db.query(
    `INSERT INTO member (id, email, password_hash, first_name, last_name, country, phone, referral_code, role,
       sponsor_path, sponsor_depth, placement_path, placement_depth, joined_at, updated_at)
     VALUES (1, $1, $2, 'Adam', 'Admin', 'US', '+12025550199', 'ADMIN001', 'ADMIN', '{}', 0, '{}', 0, $3, $3)`,
    [DEMO.admin.email, adminHash, since.toISOString()],
  );
  await db.query(`INSERT INTO role_assignment (member_id, role_id, granted_at) SELECT 1, id, $1 FROM access_role WHERE key = 'super_admin'`, [since.toISOString()]);
  await insertMembers(db, network, memberHash);
  await seedAccess(db, since);
  await db.query(
    `INSERT INTO setting (key, value, updated_at) VALUES ('genealogy.placement', $1::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [JSON.stringify(DEFAULT_PLACEMENT)],
  );
  const buyers = network.map((m) => ({ id: m.id, country: m.country, joinedAt: m.joinedAt, firstName: m.firstName, lastName: m.lastName }));
  await seedCommerce(db, buyers, now);
  await volumeService.rebuild();
  await seedPlan(db);
  // The loyalty programme's weeks are applied between the wallets' postings (its cashback goes to wallets), in time order.
  const loyalty = await prepareLoyalty(db, since, now);
  await seedWallets(db, network.map((m) => ({ id: m.id, firstName: m.firstName, lastName: m.lastName, country: m.country, sponsorId: m.sponsorId })), now, undefined, loyalty);
  await seedPreviews(db);
  await loyalty.finish();
}

/** Seeds the demo company into an empty database; leaves a database with members alone. */
export async function seedDemoIfEmpty(db: SqlDriver = defaultDriver()): Promise<boolean> {
  const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM member");
  if (row!.n > 0) return false;
  const started = Date.now();
  await seedDemo(db);
  console.log(`> seeded the demo company (${DEMO.members} members) in ${Date.now() - started} ms`);
  return true;
}
