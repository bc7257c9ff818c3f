import { db } from "@/server/db/unit-of-work";
import type { ClaimedDelivery, DeliveryStatus, WebhookDeliveryRecord, WebhookEndpointRecord } from "./webhook.types";

const DELIVERY = `d.id::text, d.endpoint_id AS "endpointId", d.event_id AS "eventId", d.event_type AS "eventType", d.payload, d.status,
  d.attempts, d.next_attempt_at AS "nextAttemptAt", d.last_status AS "lastStatus", d.last_error AS "lastError",
  d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"`;

export const webhookRepository = {
  /** Erasure: the names in the member's sign-up event (kept for replays) become "Erased member". */
  eraseMemberNames(memberId: number): Promise<number> {
    return db().execute`
      UPDATE webhook_delivery SET payload = jsonb_set(jsonb_set(payload, '{firstName}', '"Erased"'), '{lastName}', '"member"')
      WHERE event_id = ${`member.joined:${memberId}`} AND payload ? 'firstName'`;
  },

  /** One delivery per event and active endpoint that wants `type`, in one statement; an event id already there is skipped. */
  async enqueue(type: string, events: readonly { eventId: string; payload: unknown }[]): Promise<number> {
    if (events.length === 0) return 0;
    return db().execute`
      INSERT INTO webhook_delivery (endpoint_id, event_id, event_type, payload)
      SELECT e.id, x.event_id, ${type}, x.payload::jsonb
      FROM webhook_endpoint e, unnest(${events.map((e) => e.eventId)}::text[], ${events.map((e) => JSON.stringify(e.payload))}::text[]) AS x(event_id, payload)
      WHERE e.active AND ${type} = ANY(e.events)
      ON CONFLICT (endpoint_id, event_id) DO NOTHING`;
  },

  async wanted(type: string): Promise<boolean> {
    const [row] = await db().sql<{ ok: boolean }>`SELECT EXISTS (SELECT 1 FROM webhook_endpoint WHERE active AND ${type} = ANY(events)) AS ok`;
    return row!.ok;
  },

  endpoints(): Promise<WebhookEndpointRecord[]> {
    return db().query(`
      SELECT e.id, e.url, e.description, e.events, e.active, e.created_at AS "createdAt",
        (SELECT count(*)::int FROM webhook_delivery d WHERE d.endpoint_id = e.id AND d.status = 'PENDING') AS pending,
        (SELECT count(*)::int FROM webhook_delivery d WHERE d.endpoint_id = e.id AND d.status = 'FAILED') AS failed
      FROM webhook_endpoint e ORDER BY e.id`);
  },

  async endpoint(id: number): Promise<(WebhookEndpointRecord & { secret: string }) | null> {
    const [row] = await db().query<WebhookEndpointRecord & { secret: string }>(
      `SELECT e.id, e.url, e.description, e.events, e.active, e.secret, e.created_at AS "createdAt", 0 AS pending, 0 AS failed FROM webhook_endpoint e WHERE e.id = $1`,
      [id],
    );
    return row ?? null;
  },

  async insertEndpoint(url: string, description: string, secret: string, events: readonly string[], createdById: number | null): Promise<number> {
    const [row] = await db().sql<{ id: number }>`
      INSERT INTO webhook_endpoint (url, description, secret, events, created_by_id) VALUES (${url}, ${description}, ${secret}, ${events as string[]}::text[], ${createdById}) RETURNING id`;
    return row!.id;
  },

  async updateEndpoint(id: number, url: string, description: string, events: readonly string[], active: boolean): Promise<void> {
    await db().execute`UPDATE webhook_endpoint SET url = ${url}, description = ${description}, events = ${events as string[]}::text[], active = ${active} WHERE id = ${id}`;
  },

  async deleteEndpoint(id: number): Promise<void> {
    await db().execute`DELETE FROM webhook_endpoint WHERE id = ${id}`;
  },

  deliveries(filter: { endpointId?: number | null; status?: DeliveryStatus | null }, limit: number, beforeId: string | null): Promise<WebhookDeliveryRecord[]> {
    return db().query(
      `SELECT ${DELIVERY} FROM webhook_delivery d
       WHERE ($1::int IS NULL OR d.endpoint_id = $1) AND ($2::text IS NULL OR d.status = $2) AND ($3::bigint IS NULL OR d.id < $3::bigint)
       ORDER BY d.id DESC LIMIT $4`,
      [filter.endpointId ?? null, filter.status ?? null, beforeId, limit],
    );
  },

  /**
   * Claims due deliveries for `leaseSeconds` (another deliverer skips them meanwhile; a
   * crashed one's lease runs out) and counts the attempt.
   */
  claimDue(now: Date, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return db().query(
      `WITH due AS (
         SELECT id FROM webhook_delivery
         WHERE status = 'PENDING' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
         ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE webhook_delivery d SET locked_until = $1::timestamptz + make_interval(secs => $3), attempts = d.attempts + 1
       FROM due, webhook_endpoint e WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING ${DELIVERY}, e.url, e.secret`,
      [now.toISOString(), limit, leaseSeconds],
    );
  },

  async markDelivered(id: string, status: number, at: Date): Promise<void> {
    await db().execute`UPDATE webhook_delivery SET status = 'DELIVERED', last_status = ${status}, last_error = NULL, delivered_at = ${at}, locked_until = NULL WHERE id = ${id}::bigint`;
  },

  async markFailed(id: string, status: number | null, error: string, nextAttemptAt: Date | null): Promise<void> {
    await db().execute`
      UPDATE webhook_delivery SET status = ${nextAttemptAt ? "PENDING" : "FAILED"}, last_status = ${status}, last_error = ${error.slice(0, 500)},
        next_attempt_at = coalesce(${nextAttemptAt}::timestamptz, next_attempt_at), locked_until = NULL
      WHERE id = ${id}::bigint`;
  },

  /** Sends a delivery again from now (its attempts start over). */
  async replay(id: string): Promise<WebhookDeliveryRecord | null> {
    const [row] = await db().query<WebhookDeliveryRecord>(
      `UPDATE webhook_delivery d SET status = 'PENDING', attempts = 0, next_attempt_at = now(), locked_until = NULL WHERE d.id = $1::bigint RETURNING ${DELIVERY}`,
      [id],
    );
    return row ?? null;
  },
};
