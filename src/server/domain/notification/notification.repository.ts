import { jsonRows } from "@/server/db/json-rows";
import { db } from "@/server/db/unit-of-work";
import type { NewNotification, NotificationRecord } from "./notification.types";

export const notificationRepository = {
  async personalData(memberId: number): Promise<Record<string, string>> {
    return { notifications: await jsonRows(`SELECT * FROM notification WHERE member_id = $1 ORDER BY id`, [memberId]) };
  },

  forget(memberId: number): Promise<number> {
    return db().execute`DELETE FROM notification WHERE member_id = ${memberId}`;
  },

  async insert(list: readonly NewNotification[]): Promise<void> {
    if (list.length === 0) return;
    await db().query(
      `INSERT INTO notification (member_id, kind, title, body, created_at)
       SELECT member_id, kind, title, body, coalesce(at, now()) FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS n(member_id, kind, title, body, at)`,
      [list.map((n) => n.memberId), list.map((n) => n.kind), list.map((n) => n.title), list.map((n) => n.body), list.map((n) => n.at?.toISOString() ?? null)],
    );
  },

  /** Newest first by when each happened (ties by id); `beforeId`: the page after that notification. */
  async list(memberId: number, limit: number, beforeId: string | null): Promise<NotificationRecord[]> {
    const rows = await db().query<Omit<NotificationRecord, "kind"> & { kind: NotificationRecord["kind"] }>(
      `SELECT id::text, member_id AS "memberId", kind, title, body, created_at AS "createdAt", read_at AS "readAt"
       FROM notification n
       WHERE n.member_id = $1
         AND ($2::bigint IS NULL OR (n.created_at, n.id) < (SELECT b.created_at, b.id FROM notification b WHERE b.id = $2::bigint AND b.member_id = $1))
       ORDER BY n.created_at DESC, n.id DESC LIMIT $3`,
      [memberId, beforeId, limit],
    );
    return rows;
  },

  async unreadCount(memberId: number): Promise<number> {
    const [row] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM notification WHERE member_id = ${memberId} AND read_at IS NULL`;
    return row!.n;
  },

  /** Marks read all of the member's notifications, or `upToId` and those listed after it (older). */
  async markRead(memberId: number, upToId: string | null): Promise<number> {
    return db().execute`
      UPDATE notification n SET read_at = now() WHERE n.member_id = ${memberId} AND n.read_at IS NULL
        AND (${upToId}::bigint IS NULL OR (n.created_at, n.id) <= (SELECT b.created_at, b.id FROM notification b WHERE b.id = ${upToId}::bigint AND b.member_id = ${memberId}))`;
  },
};
