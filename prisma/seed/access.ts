import { hashPassword } from "../../src/server/auth/password";
import type { SqlDriver } from "../../src/server/db/driver";

export const DEMO_SUB_ADMIN = { email: "greta.manager@demo.test", password: "demo-manager-123" };

/**
 * Who may do what in the demo: the admin is super admin (seeded with the network), Greta
 * is a country manager for Germany and Austria (a custom role), Ava leads her own team
 * (built-in leader role); the audit log tells how each came about.
 */
export async function seedAccess(db: SqlDriver, since: Date): Promise<void> {
  const at = (days: number) => new Date(since.getTime() + days * 86_400_000).toISOString();
  const [greta] = await db.query<{ id: number }>(
    `INSERT INTO member (email, password_hash, first_name, last_name, country, phone, referral_code, role,
       sponsor_path, sponsor_depth, placement_path, placement_depth, joined_at, updated_at)
     VALUES ($1, $2, 'Greta', 'Berger', 'DE', '+49 30 5550100', 'STAFFDE01', 'ADMIN', '{}', 0, '{}', 0, $3, $3) RETURNING id`,
    [DEMO_SUB_ADMIN.email, await hashPassword(DEMO_SUB_ADMIN.password), at(30)],
  );
  const permissions = ["members.read", "members.personal", "members.write", "orders.read", "volumes.read", "loyalty.read"];
  const [role] = await db.query<{ id: number }>(
    `INSERT INTO access_role (key, name, description, permissions, created_at, updated_at) VALUES ('country_manager', 'Country manager', 'Looks after the members of their countries.', $1::text[], $2, $2) RETURNING id`,
    [permissions, at(29)],
  );
  await db.query(`INSERT INTO role_assignment (member_id, role_id, countries, granted_by_id, granted_at) VALUES ($1, $2, '{AT,DE}', 1, $3)`, [greta!.id, role!.id, at(30)]);
  await db.query(
    `INSERT INTO role_assignment (member_id, role_id, team_of, granted_by_id, granted_at) SELECT 3, id, 3, 1, $1 FROM access_role WHERE key = 'leader'`,
    [at(90)],
  );
  await db.query(
    `INSERT INTO audit_log (at, actor_id, action, target_type, target_id, before, after, ip) VALUES
       ($1, 1, 'role.create', 'role', $4, NULL, $5::jsonb, '203.0.113.7'),
       ($2, 1, 'role.assign', 'member', $6, NULL, '{"role":"country_manager","countries":["AT","DE"],"teamOf":null}', '203.0.113.7'),
       ($3, 1, 'role.assign', 'member', '3', NULL, '{"role":"leader","countries":[],"teamOf":3}', '203.0.113.7')`,
    [at(29), at(30), at(90), String(role!.id), JSON.stringify({ key: "country_manager", name: "Country manager", permissions }), String(greta!.id)],
  );

  await seedSignIns(db);
}

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0";

/**
 * Ava is signed in on her phone and an old laptop (/profile/security lists them), and once
 * reset her password: the outbox holds that mail and the notice that followed (the link in
 * it has long expired).
 */
async function seedSignIns(db: SqlDriver): Promise<void> {
  const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  const [ava] = await db.query<{ id: number; email: string }>(`SELECT id, email FROM member WHERE email = 'ava@demo.test'`);
  if (!ava) return;
  await db.query(
    `INSERT INTO auth_session (id, member_id, created_at, last_seen_at, ip, user_agent) VALUES
       ('demo-phone', $1, $2, $3, '198.51.100.23', $6), ('demo-laptop', $1, $4, $5, '203.0.113.41', $7)`,
    [ava.id, ago(40), ago(1), ago(25), ago(9), IPHONE, WINDOWS],
  );
  await db.query(
    `INSERT INTO password_reset (member_id, token_hash, created_at, expires_at, used_at, ip) VALUES ($1, 'demo-used-link', $2, $3, $4, '198.51.100.23')`,
    [ava.id, ago(20), ago(20 - 1 / 24), ago(20 - 1 / 96)],
  );
  await db.query(
    `INSERT INTO outbox_mail (member_id, to_address, kind, subject, body, created_at) VALUES
       ($1, $2, 'password_reset', 'Reset your password', $3, $4),
       ($1, $2, 'password_changed', 'Your password was changed', $5, $6)`,
    [
      ava.id, ava.email,
      "Someone (we hope you) asked to reset the password of your account.\n\nChoose a new password here (the link works once, for 60 minutes):\n" +
        "http://localhost:3000/reset-password?token=expired-demo-link\n\nIf it was not you, ignore this mail: your password stays as it is.\n\nAsked from the address 198.51.100.23.",
      ago(20),
      "The password of your account was just changed with a reset link, and every device was signed out.\n\nIf this was not you, reset it again at http://localhost:3000/forgot-password and tell support.",
      ago(20 - 1 / 96),
    ],
  );
}
