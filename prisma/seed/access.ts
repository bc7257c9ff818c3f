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
}
