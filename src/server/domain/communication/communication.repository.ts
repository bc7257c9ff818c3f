import { jsonRows } from "@/server/db/json-rows";
import { db } from "@/server/db/unit-of-work";
import type { MailRecord, NewMail, OutboxFilter } from "./communication.types";

const COLUMNS = `id, member_id AS "memberId", to_address AS "to", kind, subject, body, created_at AS "createdAt"`;

export const communicationRepository = {
  async personalData(memberId: number): Promise<Record<string, string>> {
    return { mails: await jsonRows(`SELECT to_address, kind, subject, body, created_at FROM outbox_mail WHERE member_id = $1 ORDER BY id`, [memberId]) };
  },

  async insert(m: NewMail): Promise<void> {
    await db().execute`
      INSERT INTO outbox_mail (member_id, to_address, kind, subject, body)
      VALUES (${m.memberId}, ${m.to}, ${m.kind}, ${m.subject}, ${m.body})`;
  },

  /** Newest first, keyset-paginated on id. */
  async search(filter: OutboxFilter, limit: number, beforeId: number | null): Promise<{ rows: MailRecord[]; totalCount: number }> {
    const to = filter.to?.trim() ? `%${filter.to.trim().toLowerCase().replace(/[%_\\]/g, "\\$&")}%` : null;
    const kind = filter.kind?.trim() || null;
    const where = `($1::text IS NULL OR lower(to_address) LIKE $1) AND ($2::text IS NULL OR kind = $2)`;
    const [rows, [count]] = await Promise.all([
      db().query<MailRecord>(
        `SELECT ${COLUMNS} FROM outbox_mail WHERE ${where} AND ($3::int IS NULL OR id < $3::int) ORDER BY id DESC LIMIT $4`,
        [to, kind, beforeId, limit + 1],
      ),
      db().query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_mail WHERE ${where}`, [to, kind]),
    ]);
    return { rows, totalCount: count!.n };
  },

  /** Forgets the mails sent to a member (erasure): how many. */
  deleteForMember(memberId: number): Promise<number> {
    return db().execute`DELETE FROM outbox_mail WHERE member_id = ${memberId}`;
  },
};
