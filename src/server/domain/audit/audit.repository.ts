import { jsonRows } from "@/server/db/json-rows";
import { db } from "@/server/db/unit-of-work";
import type { AuditFilter, AuditRecord } from "./audit.types";

export type NewAuditRow = Omit<AuditRecord, "id" | "at" | "actorName">;

function where(filter: AuditFilter, params: unknown[]): string {
  const parts: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    parts.push(sql.replace("?", `$${params.length}`));
  };
  if (filter.actorId != null) add("a.actor_id = ?", filter.actorId);
  if (filter.action) add("a.action = ?", filter.action);
  if (filter.targetType) add("a.target_type = ?", filter.targetType);
  if (filter.targetId) add("a.target_id = ?", filter.targetId);
  if (filter.from) add("a.at >= ?", filter.from.toISOString());
  if (filter.until) add("a.at < ?", filter.until.toISOString());
  for (const word of (filter.search ?? "").trim().split(/\s+/).filter(Boolean).slice(0, 4)) {
    add("(a.action || ' ' || a.target_type || ' ' || coalesce(a.target_id, '') || ' ' || coalesce(a.before::text, '') || ' ' || coalesce(a.after::text, '')) ILIKE ?", `%${word.replace(/[%_\\]/g, "\\$&")}%`);
  }
  return parts.length ? `WHERE ${parts.join(" AND ")}` : "";
}

const COLUMNS = `a.id::text, a.at, a.actor_id AS "actorId", nullif(trim(coalesce(m.first_name, '') || ' ' || coalesce(m.last_name, '')), '') AS "actorName",
  a.api_key_id AS "apiKeyId", a.action, a.target_type AS "targetType", a.target_id AS "targetId", a.before, a.after, a.ip`;

export const auditRepository = {
  /** The lines about the member and the lines of what they did. */
  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      auditAboutYou: await jsonRows(
        `SELECT id::text, at, actor_id, action, target_type, target_id, before, after FROM audit_log a WHERE a.target_type = 'member' AND a.target_id = $1 ORDER BY a.id`, [String(memberId)]),
      auditByYou: await jsonRows(
        `SELECT id::text, at, action, target_type, target_id, before, after, ip FROM audit_log a WHERE a.actor_id = $1 ORDER BY a.id`, [memberId]),
    };
  },

  /**
   * Erasure: the values in the lines about a member become "[erased]" (the keys stay,
   * so each line still says what changed). The append-only trigger allows exactly this,
   * in a transaction that says so.
   */
  async redactAbout(memberId: number): Promise<number> {
    await db().query(`SELECT set_config('mlm.audit_redact', 'on', true)`);
    const n = await db().execute`
      UPDATE audit_log SET
        before = CASE WHEN jsonb_typeof(before) = 'object' THEN (SELECT jsonb_object_agg(k, '"[erased]"'::jsonb) FROM jsonb_object_keys(before) k) ELSE before END,
        after = CASE WHEN jsonb_typeof(after) = 'object' THEN (SELECT jsonb_object_agg(k, '"[erased]"'::jsonb) FROM jsonb_object_keys(after) k) ELSE after END
      WHERE target_type = 'member' AND target_id = ${String(memberId)}
        AND (jsonb_typeof(before) = 'object' OR jsonb_typeof(after) = 'object')`;
    await db().query(`SELECT set_config('mlm.audit_redact', 'off', true)`);
    return n;
  },

  async insert(rows: readonly NewAuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    await db().query(
      `INSERT INTO audit_log (actor_id, api_key_id, action, target_type, target_id, before, after, ip)
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[])`,
      [
        rows.map((r) => r.actorId), rows.map((r) => r.apiKeyId), rows.map((r) => r.action), rows.map((r) => r.targetType),
        rows.map((r) => r.targetId), rows.map((r) => (r.before === undefined ? null : JSON.stringify(r.before))),
        rows.map((r) => (r.after === undefined ? null : JSON.stringify(r.after))), rows.map((r) => r.ip),
      ],
    );
  },

  /** Newest first, keyset-paginated on id. */
  async search(filter: AuditFilter, limit: number, beforeId: string | null): Promise<{ rows: AuditRecord[]; totalCount: number }> {
    const params: unknown[] = [];
    const w = where(filter, params);
    const page = [...params, beforeId, limit + 1];
    const [rows, [count]] = await Promise.all([
      db().query<AuditRecord>(
        `SELECT ${COLUMNS} FROM audit_log a LEFT JOIN member m ON m.id = a.actor_id
         ${w ? `${w} AND` : "WHERE"} ($${params.length + 1}::bigint IS NULL OR a.id < $${params.length + 1}::bigint)
         ORDER BY a.id DESC LIMIT $${params.length + 2}`,
        page,
      ),
      db().query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log a ${w}`, params),
    ]);
    return { rows, totalCount: count!.n };
  },

  /** Every matching line, oldest first, `batch` at a time (for CSV exports). */
  async *each(filter: AuditFilter, batch = 2000): AsyncGenerator<AuditRecord[]> {
    let afterId = "0";
    for (;;) {
      const params: unknown[] = [];
      const w = where(filter, params);
      const rows = await db().query<AuditRecord>(
        `SELECT ${COLUMNS} FROM audit_log a LEFT JOIN member m ON m.id = a.actor_id
         ${w ? `${w} AND` : "WHERE"} a.id > $${params.length + 1}::bigint ORDER BY a.id LIMIT $${params.length + 2}`,
        [...params, afterId, batch],
      );
      if (rows.length === 0) return;
      yield rows;
      afterId = rows[rows.length - 1]!.id;
    }
  },
};
