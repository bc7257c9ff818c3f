import { jsonRows } from "@/server/db/json-rows";
import { db, mapRead, runRead, sqlRead, type Read } from "@/server/db/unit-of-work";
import type { ScopeTarget } from "@/server/domain/shared/access";
import type { ApiKeyRecord, AssignmentRecord, MemberSelection, RoleRecord, SelectionPreview, SessionRecord } from "./access.types";

export interface HeldRole {
  key: string;
  builtIn: boolean;
  permissions: string[];
  countries: string[];
  teamOf: number | null;
}

/** SQL (and its parameters, from $offset+1) for the members a selection names. */
function selection(s: MemberSelection, offset: number): { sql: string; params: unknown[] } {
  return {
    sql: `(cardinality($${offset + 1}::text[]) = 0 OR m.country = ANY($${offset + 1}::text[]))
          AND ($${offset + 2}::int IS NULL OR m.placement_path @> ARRAY[$${offset + 2}::int] OR m.sponsor_path @> ARRAY[$${offset + 2}::int])`,
    params: [s.countries ?? [], s.teamOf ?? null],
  };
}

const ROLE_COLUMNS = `r.id, r.key, r.name, r.description, r.built_in AS "builtIn", r.permissions,
  (SELECT count(*)::int FROM role_assignment a WHERE a.role_id = r.id) AS holders`;

const ASSIGNMENT_COLUMNS = `a.id, a.member_id AS "memberId", m.first_name || ' ' || m.last_name AS "memberName", m.country::text AS "memberCountry",
  a.role_id AS "roleId", r.key AS "roleKey", r.name AS "roleName", a.countries, a.team_of AS "teamOf",
  CASE WHEN t.id IS NULL THEN NULL ELSE t.first_name || ' ' || t.last_name END AS "teamOfName",
  a.granted_by_id AS "grantedById", a.granted_at AS "grantedAt"`;

const ASSIGNMENT_FROM = `role_assignment a JOIN member m ON m.id = a.member_id JOIN access_role r ON r.id = a.role_id LEFT JOIN member t ON t.id = a.team_of`;

/** An API key's columns, of the table or of the alias `k.`. */
const keyColumns = (k = "") => `${k}id, ${k}name, ${k}prefix, ${k}scopes, ${k}created_by_id AS "createdById", ${k}created_at AS "createdAt",
  ${k}expires_at AS "expiresAt", ${k}last_used_at AS "lastUsedAt", ${k}revoked_at AS "revokedAt", ${k}rotated_to_id AS "rotatedToId"`;
const KEY_COLUMNS = keyColumns();

export const accessRepository = {
  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      roles: await jsonRows(
        `SELECT r.key AS role, r.name, a.countries, a.team_of, a.granted_at FROM role_assignment a JOIN access_role r ON r.id = a.role_id WHERE a.member_id = $1 ORDER BY a.id`, [memberId]),
      sessions: await jsonRows(`SELECT created_at, last_seen_at, ip, user_agent, revoked_at FROM auth_session WHERE member_id = $1 ORDER BY created_at`, [memberId]),
      twoFactor: await jsonRows(`SELECT enabled_at, created_at FROM two_factor WHERE member_id = $1`, [memberId]),
      passwordResets: await jsonRows(`SELECT created_at, expires_at, used_at, ip FROM password_reset WHERE member_id = $1 ORDER BY id`, [memberId]),
      apiKeysCreated: await jsonRows(`SELECT id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at FROM api_key WHERE created_by_id = $1 ORDER BY id`, [memberId]),
    };
  },

  /** Erasure: sign-in secrets, sessions, reset links and roles go. */
  /** Erasure: sessions, resets, two-factor and roles go; the sessions it ended. */
  async forgetAccess(memberId: number): Promise<string[]> {
    const sessions = await db().sql<{ id: string }>`DELETE FROM auth_session WHERE member_id = ${memberId} RETURNING id`;
    await db().execute`DELETE FROM password_reset WHERE member_id = ${memberId}`;
    await db().execute`DELETE FROM recovery_code WHERE member_id = ${memberId}`;
    await db().execute`DELETE FROM two_factor WHERE member_id = ${memberId}`;
    await db().execute`DELETE FROM role_assignment WHERE member_id = ${memberId}`;
    return sessions.map((s) => s.id);
  },

  heldRoles(memberId: number): Promise<HeldRole[]> {
    return runRead(accessRepository.heldRolesRead(memberId));
  },

  heldRolesRead(memberId: number): Read<HeldRole[]> {
    return sqlRead<HeldRole>`
      SELECT r.key, r.built_in AS "builtIn", r.permissions, a.countries, a.team_of AS "teamOf"
      FROM role_assignment a JOIN access_role r ON r.id = a.role_id WHERE a.member_id = ${memberId}`;
  },

  async scopeTarget(memberId: number): Promise<ScopeTarget | null> {
    const [row] = await db().sql<ScopeTarget>`
      SELECT id, country::text AS country, sponsor_path AS "sponsorPath", placement_path AS "placementPath" FROM member WHERE id = ${memberId}`;
    return row ?? null;
  },

  roles(): Promise<Omit<RoleRecord, "ownTeam">[]> {
    return db().query(`SELECT ${ROLE_COLUMNS} FROM access_role r ORDER BY r.built_in DESC, r.id`);
  },

  async role(id: number): Promise<Omit<RoleRecord, "ownTeam"> | null> {
    const [row] = await db().query<Omit<RoleRecord, "ownTeam">>(`SELECT ${ROLE_COLUMNS} FROM access_role r WHERE r.id = $1`, [id]);
    return row ?? null;
  },

  async roleIdByKey(key: string): Promise<number | null> {
    const [row] = await db().sql<{ id: number }>`SELECT id FROM access_role WHERE key = ${key}`;
    return row?.id ?? null;
  },

  async insertRole(key: string, name: string, description: string, permissions: readonly string[]): Promise<number> {
    const [row] = await db().sql<{ id: number }>`
      INSERT INTO access_role (key, name, description, permissions) VALUES (${key}, ${name}, ${description}, ${permissions as string[]}::text[]) RETURNING id`;
    return row!.id;
  },

  async updateRole(id: number, name: string, description: string, permissions: readonly string[]): Promise<void> {
    await db().execute`UPDATE access_role SET name = ${name}, description = ${description}, permissions = ${permissions as string[]}::text[], updated_at = now() WHERE id = ${id}`;
  },

  async deleteRole(id: number): Promise<void> {
    await db().execute`DELETE FROM access_role WHERE id = ${id} AND NOT built_in`;
  },

  assignments(filter: { roleId?: number | null; memberId?: number | null }, limit: number): Promise<AssignmentRecord[]> {
    return db().query(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM ${ASSIGNMENT_FROM}
       WHERE ($1::int IS NULL OR a.role_id = $1) AND ($2::int IS NULL OR a.member_id = $2) ORDER BY a.id DESC LIMIT $3`,
      [filter.roleId ?? null, filter.memberId ?? null, limit],
    );
  },

  async assignment(memberId: number, roleId: number): Promise<AssignmentRecord | null> {
    const [row] = await db().query<AssignmentRecord>(`SELECT ${ASSIGNMENT_COLUMNS} FROM ${ASSIGNMENT_FROM} WHERE a.member_id = $1 AND a.role_id = $2`, [memberId, roleId]);
    return row ?? null;
  },

  async upsertAssignment(memberId: number, roleId: number, countries: readonly string[], teamOf: number | null, grantedById: number | null): Promise<void> {
    await db().execute`
      INSERT INTO role_assignment (member_id, role_id, countries, team_of, granted_by_id) VALUES (${memberId}, ${roleId}, ${countries as string[]}::text[], ${teamOf}, ${grantedById})
      ON CONFLICT (member_id, role_id) DO UPDATE SET countries = excluded.countries, team_of = excluded.team_of, granted_by_id = excluded.granted_by_id, granted_at = now()`;
  },

  deleteAssignment(memberId: number, roleId: number): Promise<number> {
    return db().execute`DELETE FROM role_assignment WHERE member_id = ${memberId} AND role_id = ${roleId}`;
  },

  async holdersOf(roleId: number): Promise<number> {
    const [row] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM role_assignment a JOIN member m ON m.id = a.member_id WHERE a.role_id = ${roleId} AND m.status = 'ACTIVE'`;
    return row!.n;
  },

  async preview(s: MemberSelection, sample: number): Promise<SelectionPreview> {
    const w = selection(s, 0);
    const [count, rows] = await Promise.all([
      db().query<{ n: number }>(`SELECT count(*)::int AS n FROM member m WHERE m.status = 'ACTIVE' AND ${w.sql}`, w.params),
      db().query<{ id: number; name: string; country: string }>(
        `SELECT m.id, m.first_name || ' ' || m.last_name AS name, m.country::text AS country FROM member m WHERE m.status = 'ACTIVE' AND ${w.sql} ORDER BY m.id LIMIT $3`,
        [...w.params, sample],
      ),
    ]);
    return { count: count[0]!.n, sample: rows };
  },

  /** Gives the role to every active member of the selection; the number newly given. */
  async assignSelection(s: MemberSelection, roleId: number, countries: readonly string[], teamOf: number | null, ownTeam: boolean, grantedById: number | null): Promise<number> {
    const w = selection(s, 0);
    return (await db().query<{ n: number }>(
      `WITH added AS (
         INSERT INTO role_assignment (member_id, role_id, countries, team_of, granted_by_id)
         SELECT m.id, $3, $4::text[], CASE WHEN $6 THEN m.id ELSE $5::int END, $7 FROM member m WHERE m.status = 'ACTIVE' AND ${w.sql}
         ON CONFLICT (member_id, role_id) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM added`,
      [...w.params, roleId, countries, teamOf, ownTeam, grantedById],
    ))[0]!.n;
  },

  /** Takes the role from every member of the selection; the number taken. */
  async revokeSelection(s: MemberSelection, roleId: number): Promise<number> {
    const w = selection(s, 0);
    return (await db().query<{ n: number }>(
      `WITH gone AS (DELETE FROM role_assignment a USING member m WHERE a.member_id = m.id AND a.role_id = $3 AND ${w.sql} RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [...w.params, roleId],
    ))[0]!.n;
  },

  // API keys

  async insertKey(name: string, prefix: string, hash: string, scopes: readonly string[], createdById: number, expiresAt: Date | null): Promise<ApiKeyRecord> {
    const [row] = await db().query<ApiKeyRecord>(
      `INSERT INTO api_key (name, prefix, hash, scopes, created_by_id, expires_at) VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING ${KEY_COLUMNS}`,
      [name, prefix, hash, scopes, createdById, expiresAt?.toISOString() ?? null],
    );
    return row!;
  },

  async keyByHash(hash: string): Promise<(ApiKeyRecord & { creatorActive: boolean }) | null> {
    const [row] = await db().query<ApiKeyRecord & { creatorActive: boolean }>(
      `SELECT ${keyColumns("k.")}, m.status = 'ACTIVE' AS "creatorActive" FROM api_key k JOIN member m ON m.id = k.created_by_id WHERE k.hash = $1`,
      [hash],
    );
    return row ?? null;
  },

  async key(id: number): Promise<ApiKeyRecord | null> {
    const [row] = await db().query<ApiKeyRecord>(`SELECT ${KEY_COLUMNS} FROM api_key WHERE id = $1`, [id]);
    return row ?? null;
  },

  keys(includeRevoked: boolean): Promise<ApiKeyRecord[]> {
    return db().query(`SELECT ${KEY_COLUMNS} FROM api_key WHERE $1 OR revoked_at IS NULL ORDER BY id DESC LIMIT 500`, [includeRevoked]);
  },

  /** Marks a key used (at most once a minute, so a busy key does not write on every request). */
  async touchKey(id: number): Promise<void> {
    await db().execute`UPDATE api_key SET last_used_at = now() WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`;
  },

  async revokeKey(id: number, rotatedToId: number | null): Promise<number> {
    return db().execute`UPDATE api_key SET revoked_at = now(), rotated_to_id = coalesce(${rotatedToId}::int, rotated_to_id) WHERE id = ${id} AND revoked_at IS NULL`;
  },

  // two-factor sign-in

  twoFactor(memberId: number): Promise<{ secret: string; enabledAt: Date | null; lastStep: number | null } | null> {
    return runRead(accessRepository.twoFactorRead(memberId));
  },

  twoFactorRead(memberId: number): Read<{ secret: string; enabledAt: Date | null; lastStep: number | null } | null> {
    return mapRead(
      sqlRead<{ secret: string; enabledAt: Date | null; lastStep: number | null }>`
        SELECT secret, enabled_at AS "enabledAt", last_step::float8 AS "lastStep" FROM two_factor WHERE member_id = ${memberId}`,
      ([row]) => row ?? null,
    );
  },

  async savePendingTwoFactor(memberId: number, secret: string): Promise<void> {
    await db().execute`
      INSERT INTO two_factor (member_id, secret) VALUES (${memberId}, ${secret})
      ON CONFLICT (member_id) DO UPDATE SET secret = excluded.secret, enabled_at = NULL, last_step = NULL, created_at = now()`;
  },

  async enableTwoFactor(memberId: number, step: number, codeHashes: readonly string[]): Promise<void> {
    await db().execute`UPDATE two_factor SET enabled_at = now(), last_step = ${step} WHERE member_id = ${memberId}`;
    await db().execute`DELETE FROM recovery_code WHERE member_id = ${memberId}`;
    await db().query(`INSERT INTO recovery_code (member_id, hash) SELECT $1, unnest($2::text[])`, [memberId, codeHashes]);
  },

  async deleteTwoFactor(memberId: number): Promise<void> {
    await db().execute`DELETE FROM two_factor WHERE member_id = ${memberId}`;
    await db().execute`DELETE FROM recovery_code WHERE member_id = ${memberId}`;
  },

  /** Accepts a time step once: false when this step (or a later one) was used already. */
  async useStep(memberId: number, step: number): Promise<boolean> {
    return (await db().execute`UPDATE two_factor SET last_step = ${step} WHERE member_id = ${memberId} AND (last_step IS NULL OR last_step < ${step})`) > 0;
  },

  async useRecoveryCode(memberId: number, hash: string): Promise<boolean> {
    return (await db().execute`UPDATE recovery_code SET used_at = now() WHERE member_id = ${memberId} AND hash = ${hash} AND used_at IS NULL`) > 0;
  },

  async recoveryCodesLeft(memberId: number): Promise<number> {
    const [row] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM recovery_code WHERE member_id = ${memberId} AND used_at IS NULL`;
    return row!.n;
  },

  // sign-in sessions

  async insertSession(id: string, memberId: number, ip: string | null, userAgent: string | null): Promise<void> {
    await db().execute`INSERT INTO auth_session (id, member_id, ip, user_agent) VALUES (${id}, ${memberId}, ${ip}, ${userAgent})`;
  },

  /** Forgets a member's sessions that ended or have not been used for `days` days. */
  async pruneSessions(memberId: number, days: number): Promise<void> {
    await db().execute`
      DELETE FROM auth_session WHERE member_id = ${memberId}
        AND (revoked_at IS NOT NULL OR last_seen_at < now() - make_interval(days => ${days}::int))`;
  },

  /** Whether the session is live (not signed out, used within `days` days); notes the use, at most once a minute. */
  touchSessionRead(id: string, memberId: number, days: number): Read<boolean> {
    return mapRead(sqlRead<{ live: boolean }>`
      WITH s AS (
        SELECT id, last_seen_at FROM auth_session
        WHERE id = ${id} AND member_id = ${memberId} AND revoked_at IS NULL
          AND last_seen_at > now() - make_interval(days => ${days}::int)
      ), touched AS (
        UPDATE auth_session a SET last_seen_at = now() FROM s
        WHERE a.id = s.id AND s.last_seen_at < now() - interval '1 minute'
      )
      SELECT count(*) > 0 AS live FROM s`, ([row]) => !!row?.live);
  },

  sessions(memberId: number, days: number): Promise<SessionRecord[]> {
    return db().sql<SessionRecord>`
      SELECT id, member_id AS "memberId", created_at AS "createdAt", last_seen_at AS "lastSeenAt", ip, user_agent AS "userAgent"
      FROM auth_session
      WHERE member_id = ${memberId} AND revoked_at IS NULL AND last_seen_at > now() - make_interval(days => ${days}::int)
      ORDER BY last_seen_at DESC LIMIT 100`;
  },

  async sessionOwner(id: string): Promise<number | null> {
    const [row] = await db().sql<{ memberId: number }>`SELECT member_id AS "memberId" FROM auth_session WHERE id = ${id} AND revoked_at IS NULL`;
    return row?.memberId ?? null;
  },

  async revokeSession(id: string): Promise<number> {
    return db().execute`UPDATE auth_session SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL`;
  },

  /** Signs out every session of the member but `keep` (null: all of them); the sessions it ended. */
  async revokeSessions(memberId: number, keep: string | null): Promise<string[]> {
    const rows = await db().sql<{ id: string }>`
      UPDATE auth_session SET revoked_at = now()
      WHERE member_id = ${memberId} AND revoked_at IS NULL AND (${keep}::text IS NULL OR id <> ${keep}::text) RETURNING id`;
    return rows.map((r) => r.id);
  },

  // password reset links

  async insertReset(memberId: number, tokenHash: string, minutes: number, ip: string | null): Promise<void> {
    await db().execute`
      INSERT INTO password_reset (member_id, token_hash, expires_at, ip)
      VALUES (${memberId}, ${tokenHash}, now() + make_interval(mins => ${minutes}::int), ${ip})`;
  },

  /** Uses a link once: its member, or null when it is unknown, used or expired. */
  async useReset(tokenHash: string): Promise<number | null> {
    const [row] = await db().sql<{ memberId: number }>`
      UPDATE password_reset SET used_at = now()
      WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > now()
      RETURNING member_id AS "memberId"`;
    return row?.memberId ?? null;
  },

  /** Whether a link would still work (the reset page asks before showing the form). */
  async resetIsOpen(tokenHash: string): Promise<boolean> {
    const [row] = await db().sql<{ n: number }>`
      SELECT count(*)::int AS n FROM password_reset WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > now()`;
    return row!.n > 0;
  },

  /** Every other open link of the member stops working. */
  async closeResets(memberId: number): Promise<void> {
    await db().execute`UPDATE password_reset SET used_at = now() WHERE member_id = ${memberId} AND used_at IS NULL`;
  },
};
