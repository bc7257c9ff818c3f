import { jsonRows } from "@/server/db/json-rows";
import { db } from "@/server/db/unit-of-work";
import type { Segment } from "./program.rules";
import type {
  NewLoyaltyEvent, PointsMovement, RedemptionRecord, RedemptionStatus, RewardFilter, RewardKind, RewardRecord,
} from "./loyalty.types";

/** A member's programme state, locked for the applier or a redemption. */
export interface MemberState {
  memberId: number;
  country: string;
  sponsorId: number | null;
  firstName: string;
  tier: string | null;
  tierSince: Date | null;
  tierFloor: string | null;
  belowSince: Date | null;
  paidOrders: number;
  recruits: number;
  activeMonths: number;
  lastActiveMonth: string | null;
  /** The compensation plan's ranks achieved, and the highest of them. */
  ranks: string[];
  rank: string | null;
  revision: number;
}

export interface StoredEvent {
  id: string;
  key: string;
  memberId: number;
  type: NewLoyaltyEvent["event"]["type"];
  payload: Record<string, unknown>;
  occurredAt: Date;
}

export interface LotRow {
  id: string;
  memberId: number;
  pointType: string;
  key: string;
  rule: string;
  status: "PENDING" | "ACTIVE" | "CLOSED";
  amount: number;
  remaining: number;
  redeemed: number;
  expired: number;
  reversed: number;
  earnedAt: Date;
  releaseAt: Date | null;
  expiresAt: Date | null;
  referenceId: string | null;
}

/** Cashback an order earned (minor units), pending until the return window passes. */
export interface CashbackRow {
  id: string;
  key: string;
  memberId: number;
  orderId: number;
  rule: string;
  currency: string;
  amount: number;
  reversed: number;
  status: "PENDING" | "PAID" | "CANCELLED";
  earnedAt: Date;
  releaseAt: Date;
}
export type NewCashback = Omit<CashbackRow, "id" | "reversed" | "status">;
const CASHBACK_COLUMNS = `id::text, key, member_id AS "memberId", order_id AS "orderId", rule, currency, amount::int, reversed::int, status,
  earned_at AS "earnedAt", release_at AS "releaseAt"`;

export interface NewLot {
  memberId: number;
  pointType: string;
  key: string;
  rule: string;
  eventId: string | null;
  referenceType: string | null;
  referenceId: string | null;
  description: string;
  status: "PENDING" | "ACTIVE";
  amount: number;
  earnedAt: Date;
  releaseAt: Date | null;
  expiresAt: Date | null;
}

const LOT_COLUMNS = `id::text, member_id AS "memberId", point_type AS "pointType", key, rule, status, amount, remaining, redeemed, expired, reversed,
  earned_at AS "earnedAt", release_at AS "releaseAt", expires_at AS "expiresAt", reference_id AS "referenceId"`;

const REWARD_COLUMNS = `r.id, r.name, r.description, r.kind, r.point_type AS "pointType", r.points_cost AS "pointsCost", r.tier_costs AS "tierCosts",
  r.min_tier AS "minTier", r.segment, r.stock, r.countries, r.valid_from AS "validFrom", r.valid_until AS "validUntil",
  r.cashback_amount::int AS "cashbackAmount", r.cashback_currency AS "cashbackCurrency", r.active`;

const REDEMPTION_COLUMNS = `d.id, d.reward_id AS "rewardId", r.name AS "rewardName", r.kind AS "rewardKind", d.member_id AS "memberId",
  m.first_name || ' ' || m.last_name AS "memberName", d.point_type AS "pointType", d.points, d.status, d.voucher_code AS "voucherCode",
  d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

/** Serialises the programme's writers (applier, releases, expiry, tier reviews) across instances, per transaction and shard. */
const APPLIER_LOCK = 720_431;
/**
 * The applier's shards: a holder's events are applied by the shard of their id, one applier
 * per shard at a time, so two appliers never take the same holder's events and the shards
 * run side by side. A constant: every instance must agree on it (an instance counting
 * shards otherwise would take other shards' events; markProcessed refuses those anyway).
 */
export const APPLIER_SHARDS = 2;
export const shardOf = (holder: number): number => ((holder % APPLIER_SHARDS) + APPLIER_SHARDS) % APPLIER_SHARDS;
/** Held while a programme version is read and the next one written (two saves never lose each other's change). */
const PROGRAM_LOCK = 720_432;

export const loyaltyRepository = {
  /** Active members born on this day of the year ("MM-DD"; on 28 February of a common year, 29 February counts too). */
  async bornOn(monthDay: string, leapDayToo: boolean): Promise<number[]> {
    const rows = await db().sql<{ id: number }>`
      SELECT id FROM member WHERE status = 'ACTIVE' AND birth_date IS NOT NULL
        AND (to_char(birth_date, 'MM-DD') = ${monthDay} OR (${leapDayToo} AND to_char(birth_date, 'MM-DD') = '02-29'))
      ORDER BY id`;
    return rows.map((r) => r.id);
  },

  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      loyalty: await jsonRows(`SELECT * FROM loyalty_member WHERE member_id = $1`, [memberId]),
      loyaltyEvents: await jsonRows(`SELECT * FROM loyalty_event WHERE member_id = $1 ORDER BY id`, [memberId]),
      pointsLots: await jsonRows(`SELECT * FROM points_lot WHERE member_id = $1 ORDER BY id`, [memberId]),
      badges: await jsonRows(`SELECT * FROM badge_award WHERE member_id = $1 ORDER BY earned_at`, [memberId]),
      missions: await jsonRows(`SELECT * FROM mission_completion WHERE member_id = $1 ORDER BY completed_at`, [memberId]),
      unlocks: await jsonRows(`SELECT * FROM loyalty_unlock WHERE member_id = $1 ORDER BY id`, [memberId]),
      redemptions: await jsonRows(`SELECT * FROM redemption WHERE member_id = $1 ORDER BY id`, [memberId]),
    };
  },

  // ---- programme versions ----
  async latestVersion(): Promise<{ id: number; number: number; document: unknown } | null> {
    const [row] = await db().sql<{ id: number; number: number; document: unknown }>`
      SELECT id, number, document FROM loyalty_program_version ORDER BY number DESC LIMIT 1`;
    return row ?? null;
  },

  versions(limit: number) {
    return db().sql<{ id: number; number: number; document: unknown; comment: string; authorId: number | null; createdAt: Date }>`
      SELECT id, number, document, comment, author_id AS "authorId", created_at AS "createdAt"
      FROM loyalty_program_version ORDER BY number DESC LIMIT ${limit}`;
  },

  async insertVersion(document: unknown, comment: string, authorId: number | null): Promise<number> {
    const [row] = await db().sql<{ id: number }>`
      INSERT INTO loyalty_program_version (number, document, comment, author_id)
      SELECT coalesce(max(number), 0) + 1, ${JSON.stringify(document)}::jsonb, ${comment}, ${authorId} FROM loyalty_program_version
      RETURNING id`;
    return row!.id;
  },

  // ---- events ----
  async appendEvents(events: readonly NewLoyaltyEvent[]): Promise<void> {
    if (events.length === 0) return;
    await db().query(
      `INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::jsonb[], $5::timestamptz[])
       ON CONFLICT (key) DO NOTHING`,
      [events.map((e) => e.key), events.map((e) => e.memberId), events.map((e) => e.event.type),
        events.map((e) => JSON.stringify(e.event.payload)), events.map((e) => e.occurredAt.toISOString())],
    );
  },

  /** One GRANT event per member matching the filter, in one statement; returns how many. */
  async appendGrants(grantId: string, filter: { country: string | null; tier: string | null; memberIds: number[] | null }, payload: object, at: Date): Promise<number> {
    return db().execute`
      INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
      SELECT ${grantId} || ':' || m.id, m.id, 'GRANT', ${JSON.stringify(payload)}::jsonb, ${at}
      FROM member m LEFT JOIN loyalty_member l ON l.member_id = m.id
      WHERE m.status = 'ACTIVE' AND m.role = 'DISTRIBUTOR'
        AND (${filter.country}::text IS NULL OR m.country = ${filter.country})
        AND (${filter.tier}::text IS NULL OR l.tier = ${filter.tier})
        AND (${filter.memberIds}::int[] IS NULL OR m.id = ANY(${filter.memberIds}::int[]))
      ON CONFLICT (key) DO NOTHING`;
  },

  async grantProgress(grantId: string): Promise<{ total: number; applied: number }> {
    const [row] = await db().sql<{ total: number; applied: number }>`
      SELECT count(*)::int AS total, count(processed_at)::int AS applied FROM loyalty_event WHERE key LIKE ${grantId + ":%"}`;
    return row!;
  },

  /** Whether this transaction may write as the programme's applier (another holds it otherwise). */
  async lockProgram(): Promise<void> {
    await db().sql`SELECT true AS ok FROM pg_advisory_xact_lock(${PROGRAM_LOCK})`;
  },

  /** This shard's applier lock, if no one holds it (another applier is at the shard's events). */
  async tryApplierLock(shard: number): Promise<boolean> {
    const [row] = await db().sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${APPLIER_LOCK}::int, ${shard}::int) AS ok`;
    return row!.ok;
  },

  /** Every shard's applier lock, in shard order: the programme's other writers wait for the appliers. */
  async waitApplierLock(): Promise<void> {
    for (let k = 0; k < APPLIER_SHARDS; k++) await db().sql`SELECT true AS ok FROM pg_advisory_xact_lock(${APPLIER_LOCK}::int, ${k}::int)`;
  },

  /** A shard's events not yet applied that happened by `until` (a later one waits for its time), in the order appended. */
  unprocessedEvents(limit: number, until: Date, shard: number): Promise<StoredEvent[]> {
    return db().sql<StoredEvent>`
      SELECT id::text, key, member_id AS "memberId", type, payload, occurred_at AS "occurredAt"
      FROM loyalty_event WHERE processed_at IS NULL AND occurred_at <= ${until}
        AND (member_id % ${APPLIER_SHARDS}::int + ${APPLIER_SHARDS}::int) % ${APPLIER_SHARDS}::int = ${shard}::int
      ORDER BY loyalty_event.id LIMIT ${limit}`;
  },

  async eventByKey(key: string): Promise<{ id: string; processedAt: Date | null; outcome: unknown } | null> {
    const [row] = await db().sql<{ id: string; processedAt: Date | null; outcome: unknown }>`
      SELECT id::text, processed_at AS "processedAt", outcome FROM loyalty_event WHERE key = ${key}`;
    return row ?? null;
  },

  async unprocessedCount(): Promise<number> {
    const [row] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM loyalty_event WHERE processed_at IS NULL`;
    return row!.n;
  },

  /**
   * Marks events applied, with what applying them did. Refuses (throws, so the batch rolls
   * back) if any of them was applied meanwhile: an event is applied once, whoever took it.
   */
  async markProcessed(ids: readonly string[], outcomes: readonly unknown[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    const rowCount = await db().execute`
      UPDATE loyalty_event e SET processed_at = ${at.toISOString()}::timestamptz, outcome = o.outcome
      FROM unnest(${ids}::bigint[], ${outcomes.map((o) => JSON.stringify(o))}::jsonb[]) AS o(id, outcome) WHERE e.id = o.id AND e.processed_at IS NULL`;
    if (rowCount !== ids.length) throw new Error(`loyalty applier: ${ids.length - rowCount} of ${ids.length} events were applied by another applier meanwhile`);
  },

  // ---- members ----
  /** Locks the members' rows in id order (no deadlock between lockers), enrolling first those who are not yet. */
  async lockMembers(ids: readonly number[]): Promise<Map<number, MemberState>> {
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    if (sorted.length === 0) return new Map();
    const lock = (ids: number[]) => db().query<MemberState>(
      `SELECT l.member_id AS "memberId", coalesce(m.country, c.country) AS country, m.sponsor_id AS "sponsorId", coalesce(m.first_name, c.first_name) AS "firstName",
         l.tier, l.tier_since AS "tierSince",
         l.tier_floor AS "tierFloor", l.below_since AS "belowSince", l.paid_orders AS "paidOrders", l.recruits,
         l.active_months AS "activeMonths", l.last_active_month AS "lastActiveMonth", coalesce(l.ranks, '{}') AS ranks, l.rank, l.revision
       FROM loyalty_member l LEFT JOIN member m ON m.id = l.member_ref LEFT JOIN customer c ON c.id = l.customer_ref
       WHERE l.member_id = ANY($1::int[]) ORDER BY l.member_id FOR UPDATE OF l`,
      [ids],
    );
    const rows = await lock(sorted);
    // Enrolled on first sight: the few not enrolled yet are inserted, then locked like the rest.
    if (rows.length < sorted.length) {
      const have = new Set(rows.map((r) => r.memberId));
      const missing = sorted.filter((id) => !have.has(id));
      await db().query(`INSERT INTO loyalty_member (member_id) SELECT unnest($1::int[]) ON CONFLICT (member_id) DO NOTHING`, [missing]);
      rows.push(...(await lock(missing)));
    }
    return new Map(rows.map((r) => [r.memberId, r]));
  },

  /** A holder's state (a member, or a retail customer by minus their id), enrolled or not; null if they do not exist. */
  async memberState(holder: number): Promise<MemberState | null> {
    const [row] = await db().sql<MemberState>`
      SELECT ${holder}::int AS "memberId", h.country, h.sponsor_id AS "sponsorId", h.first_name AS "firstName", l.tier, l.tier_since AS "tierSince",
        l.tier_floor AS "tierFloor", l.below_since AS "belowSince", coalesce(l.paid_orders, 0) AS "paidOrders", coalesce(l.recruits, 0) AS recruits,
        coalesce(l.active_months, 0) AS "activeMonths", l.last_active_month AS "lastActiveMonth", coalesce(l.ranks, '{}') AS ranks, l.rank, coalesce(l.revision, 0) AS revision
      FROM (SELECT country, sponsor_id, first_name FROM member WHERE id = ${holder}
            UNION ALL SELECT country, NULL, first_name FROM customer WHERE id = ${-holder}) h
      LEFT JOIN loyalty_member l ON l.member_id = ${holder}`;
    return row ?? null;
  },

  /** The distributor a retail customer buys through (null: no such customer). */
  async distributorOf(customerId: number): Promise<number | null> {
    const [row] = await db().sql<{ id: number }>`SELECT distributor_id AS id FROM customer WHERE id = ${customerId}`;
    return row?.id ?? null;
  },

  async saveMembers(states: readonly MemberState[]): Promise<void> {
    if (states.length === 0) return;
    await db().query(
      `UPDATE loyalty_member l SET tier = s.tier, tier_since = s.tier_since, tier_floor = s.tier_floor, below_since = s.below_since,
         paid_orders = s.paid_orders, recruits = s.recruits, active_months = s.active_months, last_active_month = s.last_active_month, rank = s.rank,
         ranks = coalesce((SELECT array_agg(x) FROM jsonb_array_elements_text(s.ranks) x), '{}'), revision = l.revision + 1
       FROM unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::timestamptz[], $6::int[], $7::int[], $8::text[], $9::jsonb[], $10::int[], $11::text[])
         AS s(member_id, tier, tier_since, tier_floor, below_since, paid_orders, recruits, rank, ranks, active_months, last_active_month)
       WHERE l.member_id = s.member_id`,
      [states.map((s) => s.memberId), states.map((s) => s.tier), states.map((s) => s.tierSince?.toISOString() ?? null),
        states.map((s) => s.tierFloor), states.map((s) => s.belowSince?.toISOString() ?? null), states.map((s) => s.paidOrders), states.map((s) => s.recruits),
        states.map((s) => s.rank), states.map((s) => JSON.stringify(s.ranks)), states.map((s) => s.activeMonths), states.map((s) => s.lastActiveMonth)],
    );
  },

  /** Holders with a tier (for the period-end and daily reviews), after `afterId` (customers' negative ids come first). */
  async tieredMemberIds(afterId: number, limit: number): Promise<number[]> {
    const rows = await db().sql<{ id: number }>`
      SELECT member_id AS id FROM loyalty_member WHERE (tier IS NOT NULL OR below_since IS NOT NULL) AND member_id > ${afterId} ORDER BY member_id LIMIT ${limit}`;
    return rows.map((r) => r.id);
  },

  /**
   * Per member: the basis points earned since `windowStart` (active points only: pending
   * ones do not count until the return window passes) and, per point type, all points
   * ever earned (net of refunds).
   */
  async earned(memberIds: readonly number[], basis: string | null, windowStart: Date | null): Promise<Map<number, { window: number; byType: Record<string, number> }>> {
    const out = new Map<number, { window: number; byType: Record<string, number> }>();
    for (const id of memberIds) out.set(id, { window: 0, byType: {} });
    if (memberIds.length === 0) return out;
    const rows = await db().query<{ memberId: number; pointType: string; total: number; window: number }>(
      `SELECT member_id AS "memberId", point_type AS "pointType", sum(amount - reversed)::int AS total,
         coalesce(sum(amount - reversed) FILTER (WHERE point_type = $2::text AND ($3::timestamptz IS NULL OR earned_at >= $3::timestamptz)), 0)::int AS window
       FROM points_lot WHERE member_id = ANY($1::int[]) AND status <> 'PENDING' GROUP BY member_id, point_type`,
      [memberIds, basis, windowStart?.toISOString() ?? null],
    );
    for (const r of rows) {
      const e = out.get(r.memberId)!;
      e.byType[r.pointType] = r.total;
      if (r.pointType === basis) e.window = r.window;
    }
    return out;
  },

  /** Points each (member, rule) got since each start (for caps). */
  async ruleUsage(keys: readonly { memberId: number; rule: string; since: Date }[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const rows = await db().query<{ i: number; used: number }>(
      `SELECT k.i::int, coalesce((SELECT sum(p.amount - p.reversed) FROM points_lot p
          WHERE p.member_id = k.member_id AND p.rule = k.rule AND p.earned_at >= k.since), 0)::int AS used
       FROM unnest($1::int[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS k(member_id, rule, since, i)`,
      [keys.map((k) => k.memberId), keys.map((k) => k.rule), keys.map((k) => k.since.toISOString())],
    );
    const used = new Array<number>(keys.length).fill(0);
    for (const r of rows) used[r.i - 1] = r.used;
    return used;
  },

  async badgesOf(memberIds: readonly number[]): Promise<{ memberId: number; badge: string; earnedAt: Date }[]> {
    if (memberIds.length === 0) return [];
    return db().query(`SELECT member_id AS "memberId", badge, earned_at AS "earnedAt" FROM badge_award WHERE member_id = ANY($1::int[]) ORDER BY earned_at, badge`, [memberIds]);
  },

  async insertBadges(rows: readonly { memberId: number; badge: string; earnedAt: Date }[]): Promise<void> {
    if (rows.length === 0) return;
    await db().query(
      `INSERT INTO badge_award (member_id, badge, earned_at) SELECT * FROM unnest($1::int[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.memberId), rows.map((r) => r.badge), rows.map((r) => r.earnedAt.toISOString())],
    );
  },

  /** Product categories by id (an order event carries ids; rules match categories). */
  /** Each product's category and labels, as they are now (rules match on them). */
  async products(productIds: readonly number[]): Promise<Map<number, { category: string; labels: string[] }>> {
    if (productIds.length === 0) return new Map();
    const rows = await db().query<{ id: number; category: string; labels: string[] | null }>(`SELECT id, category, labels FROM product WHERE id = ANY($1::int[])`, [[...new Set(productIds)]]);
    return new Map(rows.map((r) => [r.id, { category: r.category, labels: r.labels ?? [] }]));
  },

  async referralCodeOf(memberId: number): Promise<string | null> {
    const [row] = await db().sql<{ code: string }>`SELECT referral_code AS code FROM member WHERE id = ${memberId}`;
    return row?.code ?? null;
  },

  /** What a share card shows of an active member found by referral code (first name, initial, tier, badges). */
  async shareFacts(referralCode: string): Promise<{ memberId: number; firstName: string; lastName: string; referralCode: string; tier: string | null; badges: { badge: string; earnedAt: Date }[] } | null> {
    const [m] = await db().sql<{ memberId: number; firstName: string; lastName: string; referralCode: string; tier: string | null }>`
      SELECT m.id AS "memberId", m.first_name AS "firstName", m.last_name AS "lastName", m.referral_code AS "referralCode", l.tier
      FROM member m LEFT JOIN loyalty_member l ON l.member_id = m.id WHERE m.referral_code = ${referralCode} AND m.status = 'ACTIVE'`;
    if (!m) return null;
    const badges = await db().sql<{ badge: string; earnedAt: Date }>`SELECT badge, earned_at AS "earnedAt" FROM badge_award WHERE member_id = ${m.memberId}`;
    return { ...m, badges };
  },

  // ---- segments, budgets, missions ----

  /** Of these members (all when null), those in each segment now: conditions are read live from orders, lots, recruits and ranks. */
  async segmentMembers(segments: readonly Segment[], memberIds: readonly number[] | null, now: Date): Promise<Map<string, Set<number>>> {
    const out = new Map<string, Set<number>>();
    for (const seg of segments) {
      const { where, params } = segmentWhere(seg, now, memberIds ? [[...memberIds]] : []);
      const rows = await db().query<{ id: number }>(
        `SELECT m.id FROM member m LEFT JOIN loyalty_member l ON l.member_id = m.id
         WHERE m.status = 'ACTIVE' ${memberIds ? "AND m.id = ANY($1::int[])" : ""} AND ${where}`, params);
      out.set(seg.code, new Set(rows.map((r) => r.id)));
    }
    return out;
  },

  /** How many members each segment holds now. */
  async segmentCount(seg: Segment, now: Date): Promise<number> {
    const { where, params } = segmentWhere(seg, now, []);
    const [row] = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM member m LEFT JOIN loyalty_member l ON l.member_id = m.id WHERE m.status = 'ACTIVE' AND ${where}`, params);
    return row!.n;
  },

  /**
   * Points each budgeted rule has granted so far (0 when it never granted). `lock`: their
   * rows stay locked to the end of the transaction (no one else grants under them
   * meanwhile); without it the grants are checked when they are added (addBudgetsUsed).
   */
  async budgetsUsed(rules: readonly string[], lock: boolean): Promise<Map<string, number>> {
    const out = new Map(rules.map((r) => [r, 0]));
    if (rules.length === 0) return out;
    const rows = await db().query<{ rule: string; used: number }>(`SELECT rule, used::int FROM loyalty_budget WHERE rule = ANY($1::text[])${lock ? " FOR UPDATE" : ""}`, [[...rules]]);
    for (const r of rows) out.set(r.rule, r.used);
    return out;
  },

  /** Adds what a batch granted under budgeted rules; returns the rules whose total is now above `budgets`. */
  async addBudgetsUsed(added: ReadonlyMap<string, number>, budgets: ReadonlyMap<string, number>): Promise<string[]> {
    // In rule order: appliers adding to the same rules lock their rows in the same order.
    const list = [...added].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (list.length === 0) return [];
    const rows = await db().query<{ rule: string; used: number }>(
      `INSERT INTO loyalty_budget (rule, used) SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (rule) DO UPDATE SET used = loyalty_budget.used + excluded.used
       RETURNING rule, used::float8 AS used`,
      [list.map(([r]) => r), list.map(([, n]) => n)],
    );
    return rows.filter((r) => added.get(r.rule)! > 0 && budgets.has(r.rule) && r.used > budgets.get(r.rule)!).map((r) => r.rule);
  },

  /**
   * What each member did between since and until (null: open), as missions count it: orders
   * paid and custom events applied, members they sponsored who joined, points earned by type
   * (mission rewards not counted, so one mission never completes another).
   */
  async activity(memberIds: readonly number[], since: Date | null, until: Date | null): Promise<Map<number, { orders: number; recruits: number; earnedByType: Record<string, number>; events: Record<string, number> }>> {
    const out = new Map(memberIds.map((id) => [id, { orders: 0, recruits: 0, earnedByType: {} as Record<string, number>, events: {} as Record<string, number> }]));
    if (memberIds.length === 0) return out;
    const range = [[...memberIds], since?.toISOString() ?? null, until?.toISOString() ?? null];
    const inRange = (col: string) => `($2::timestamptz IS NULL OR ${col} >= $2::timestamptz) AND ($3::timestamptz IS NULL OR ${col} < $3::timestamptz)`;
    const [events, recruits, earned] = await Promise.all([
      db().query<{ memberId: number; type: string; name: string | null; n: number }>(
        `SELECT member_id AS "memberId", type, CASE WHEN type = 'CUSTOM' THEN payload->>'name' END AS name, count(*)::int AS n
         FROM loyalty_event e WHERE member_id = ANY($1::int[]) AND processed_at IS NOT NULL AND type IN ('ORDER_PAID', 'CUSTOM') AND ${inRange("occurred_at")}
           AND NOT (type = 'ORDER_PAID' AND ${refundedInFull("e")})
         GROUP BY 1, 2, 3`, range),
      db().query<{ memberId: number; n: number }>(
        `SELECT sponsor_id AS "memberId", count(*)::int AS n FROM member WHERE sponsor_id = ANY($1::int[]) AND ${inRange("joined_at")} GROUP BY 1`, range),
      db().query<{ memberId: number; pointType: string; n: number }>(
        `SELECT member_id AS "memberId", point_type AS "pointType", sum(amount - reversed)::int AS n FROM points_lot
         WHERE member_id = ANY($1::int[]) AND rule NOT LIKE 'MISSION:%' AND ${inRange("earned_at")} GROUP BY 1, 2`, range),
    ]);
    for (const e of events) {
      const a = out.get(e.memberId)!;
      if (e.type === "ORDER_PAID") a.orders += e.n;
      else if (e.name) a.events[e.name] = (a.events[e.name] ?? 0) + e.n;
    }
    for (const r of recruits) out.get(r.memberId)!.recruits = r.n;
    for (const r of earned) out.get(r.memberId)!.earnedByType[r.pointType] = r.n;
    return out;
  },

  async completions(memberIds: readonly number[]): Promise<{ memberId: number; mission: string; completedAt: Date }[]> {
    if (memberIds.length === 0) return [];
    return db().query(`SELECT member_id AS "memberId", mission, completed_at AS "completedAt" FROM mission_completion WHERE member_id = ANY($1::int[])`, [[...memberIds]]);
  },

  async insertCompletions(rows: readonly { memberId: number; mission: string; completedAt: Date }[]): Promise<void> {
    if (rows.length === 0) return;
    await db().query(
      `INSERT INTO mission_completion (member_id, mission, completed_at) SELECT * FROM unnest($1::int[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.memberId), rows.map((r) => r.mission), rows.map((r) => r.completedAt.toISOString())],
    );
  },

  /** Completions per mission, with the points their rewards granted (admin report). */
  completionCounts(): Promise<{ mission: string; completions: number; last: Date | null; points: number }[]> {
    return db().query(`SELECT c.mission, count(*)::int AS completions, max(c.completed_at) AS last,
        coalesce((SELECT sum(amount - reversed) FROM points_lot p WHERE p.rule = 'MISSION:' || c.mission), 0)::int AS points
      FROM mission_completion c GROUP BY c.mission ORDER BY c.mission`);
  },

  // ---- lots ----
  async insertLots(lots: readonly NewLot[]): Promise<void> {
    if (lots.length === 0) return;
    const col = <T>(f: (l: NewLot) => T) => lots.map(f);
    await db().query(
      `INSERT INTO points_lot (member_id, point_type, key, rule, event_id, reference_type, reference_id, description, status, amount, remaining, earned_at, release_at, expires_at)
       SELECT member_id, point_type, key, rule, event_id, reference_type, reference_id, description, status, amount,
         CASE WHEN status = 'ACTIVE' THEN amount ELSE 0 END, earned_at, release_at, expires_at
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[],
         $11::timestamptz[], $12::timestamptz[], $13::timestamptz[])
         AS l(member_id, point_type, key, rule, event_id, reference_type, reference_id, description, status, amount, earned_at, release_at, expires_at)`,
      [col((l) => l.memberId), col((l) => l.pointType), col((l) => l.key), col((l) => l.rule), col((l) => l.eventId), col((l) => l.referenceType),
        col((l) => l.referenceId), col((l) => l.description), col((l) => l.status), col((l) => l.amount), col((l) => l.earnedAt.toISOString()),
        col((l) => l.releaseAt?.toISOString() ?? null), col((l) => l.expiresAt?.toISOString() ?? null)],
    );
  },

  async saveLots(lots: readonly LotRow[]): Promise<void> {
    if (lots.length === 0) return;
    const col = <T>(f: (l: LotRow) => T) => lots.map(f);
    await db().query(
      `UPDATE points_lot p SET status = s.status, remaining = s.remaining, redeemed = s.redeemed, expired = s.expired, reversed = s.reversed, expires_at = s.expires_at
       FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::timestamptz[])
         AS s(id, status, remaining, redeemed, expired, reversed, expires_at)
       WHERE p.id = s.id`,
      [col((l) => l.id), col((l) => l.status), col((l) => l.remaining), col((l) => l.redeemed), col((l) => l.expired), col((l) => l.reversed),
        col((l) => l.expiresAt?.toISOString() ?? null)],
    );
  },

  /** The lots an order earned (for a refund), locked. */
  lotsOfOrder(orderId: number): Promise<LotRow[]> {
    return db().query<LotRow>(`SELECT ${LOT_COLUMNS} FROM points_lot WHERE reference_type = 'ORDER' AND reference_id = $1 ORDER BY points_lot.id FOR UPDATE`, [String(orderId)]);
  },

  /** A member's active lots of a type with points left, oldest first, locked. */
  openLots(memberId: number, pointType: string): Promise<LotRow[]> {
    return db().query<LotRow>(
      `SELECT ${LOT_COLUMNS} FROM points_lot WHERE member_id = $1 AND point_type = $2 AND status = 'ACTIVE' AND remaining > 0
       ORDER BY earned_at, points_lot.id FOR UPDATE`,
      [memberId, pointType],
    );
  },

  /** Pending lots whose return window has passed. */
  dueReleases(now: Date, limit: number): Promise<LotRow[]> {
    return db().query<LotRow>(`SELECT ${LOT_COLUMNS} FROM points_lot WHERE status = 'PENDING' AND release_at <= $1 ORDER BY release_at, points_lot.id LIMIT $2 FOR UPDATE`, [now.toISOString(), limit]);
  },

  /** Makes a member's pending points due now (an admin releasing them early). */
  async releaseNow(memberId: number | null, now: Date): Promise<number> {
    await db().execute`UPDATE loyalty_cashback SET release_at = ${now} WHERE status = 'PENDING' AND (${memberId}::int IS NULL OR member_id = ${memberId}) AND release_at > ${now}`;
    return db().execute`UPDATE points_lot SET release_at = ${now} WHERE status = 'PENDING' AND (${memberId}::int IS NULL OR member_id = ${memberId}) AND release_at > ${now}`;
  },

  // ---- cashback ----
  async insertCashbacks(rows: readonly NewCashback[]): Promise<void> {
    if (rows.length === 0) return;
    await db().query(
      `INSERT INTO loyalty_cashback (key, member_id, order_id, rule, currency, amount, status, earned_at, release_at)
       SELECT k, m, o, r, c, a, 'PENDING', e, rl FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::bigint[], $7::timestamptz[], $8::timestamptz[])
         AS t(k, m, o, r, c, a, e, rl)
       ON CONFLICT (key) DO NOTHING`,
      [rows.map((r) => r.key), rows.map((r) => r.memberId), rows.map((r) => r.orderId), rows.map((r) => r.rule), rows.map((r) => r.currency),
        rows.map((r) => r.amount), rows.map((r) => r.earnedAt.toISOString()), rows.map((r) => r.releaseAt.toISOString())],
    );
  },

  /** An order's cashback still pending, locked (a refund takes its share back). */
  pendingCashbacksOfOrder(orderId: number): Promise<CashbackRow[]> {
    return db().query<CashbackRow>(`SELECT ${CASHBACK_COLUMNS} FROM loyalty_cashback WHERE order_id = $1 AND status = 'PENDING' ORDER BY loyalty_cashback.id FOR UPDATE`, [orderId]);
  },

  dueCashbacks(now: Date, limit: number): Promise<CashbackRow[]> {
    return db().query<CashbackRow>(`SELECT ${CASHBACK_COLUMNS} FROM loyalty_cashback WHERE status = 'PENDING' AND release_at <= $1 ORDER BY release_at, loyalty_cashback.id LIMIT $2 FOR UPDATE`, [now.toISOString(), limit]);
  },

  async saveCashbacks(rows: readonly CashbackRow[], paidAt: Date | null): Promise<void> {
    if (rows.length === 0) return;
    await db().query(
      `UPDATE loyalty_cashback c SET reversed = t.reversed, status = t.status, paid_at = CASE WHEN t.status = 'PAID' THEN $4::timestamptz ELSE c.paid_at END
       FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS t(id, reversed, status) WHERE c.id = t.id`,
      [rows.map((r) => r.id), rows.map((r) => r.reversed), rows.map((r) => r.status), paidAt?.toISOString() ?? null],
    );
  },

  /** A member's cashback by currency: pending (what a refund may still take) and paid to the wallet, in minor units. */
  cashbackSummary(memberId: number): Promise<{ currency: string; pending: number; paid: number }[]> {
    return db().query(
      `SELECT currency, coalesce(sum(amount - reversed) FILTER (WHERE status = 'PENDING'), 0)::int AS pending,
         coalesce(sum(amount - reversed) FILTER (WHERE status = 'PAID'), 0)::int AS paid
       FROM loyalty_cashback WHERE member_id = $1 GROUP BY currency ORDER BY currency`,
      [memberId],
    );
  },

  dueExpiries(now: Date, limit: number): Promise<LotRow[]> {
    return db().query<LotRow>(
      `SELECT ${LOT_COLUMNS} FROM points_lot WHERE status = 'ACTIVE' AND expires_at <= $1 AND remaining > 0 ORDER BY expires_at, points_lot.id LIMIT $2 FOR UPDATE`,
      [now.toISOString(), limit],
    );
  },

  /** Per member and type, points expiring before `until` not yet warned about; marks them warned. */
  async takeExpiryWarnings(until: Date, now: Date, limit: number): Promise<{ memberId: number; pointType: string; points: number; first: Date }[]> {
    return db().query(
      `WITH due AS (
         SELECT id FROM points_lot WHERE status = 'ACTIVE' AND remaining > 0 AND expires_at <= $1 AND warned_at IS NULL ORDER BY expires_at LIMIT $3 FOR UPDATE
       ), marked AS (
         UPDATE points_lot p SET warned_at = $2 FROM due WHERE p.id = due.id RETURNING p.member_id, p.point_type, p.remaining, p.expires_at
       )
       SELECT member_id AS "memberId", point_type AS "pointType", sum(remaining)::int AS points, min(expires_at) AS first
       FROM marked GROUP BY member_id, point_type ORDER BY member_id`,
      [until.toISOString(), now.toISOString(), limit],
    );
  },

  /** Per type: pending points, and active points expiring before `until` with the first date. */
  async lotSummary(memberId: number, until: Date): Promise<{ pointType: string; pending: number; expiring: number; nextExpiry: Date | null }[]> {
    return db().query(
      `SELECT point_type AS "pointType",
         coalesce(sum(amount - reversed) FILTER (WHERE status = 'PENDING'), 0)::int AS pending,
         coalesce(sum(remaining) FILTER (WHERE status = 'ACTIVE' AND expires_at <= $2), 0)::int AS expiring,
         min(expires_at) FILTER (WHERE status = 'ACTIVE' AND remaining > 0) AS "nextExpiry"
       FROM points_lot WHERE member_id = $1 GROUP BY point_type`,
      [memberId, until.toISOString()],
    );
  },

  /** Points a member's orders earned them (for the purchase history), by order id. */
  async pointsOfOrders(memberId: number, orderIds: readonly number[]): Promise<{ orderId: number; pointType: string; points: number; pending: boolean }[]> {
    if (orderIds.length === 0) return [];
    return db().query(
      `SELECT reference_id::int AS "orderId", point_type AS "pointType", sum(amount - reversed)::int AS points, bool_or(status = 'PENDING') AS pending
       FROM points_lot WHERE member_id = $1 AND reference_type = 'ORDER' AND reference_id = ANY($2::text[]) GROUP BY reference_id, point_type`,
      [memberId, orderIds.map(String)],
    );
  },

  async insertUnlocks(rows: readonly { memberId: number; orderId: number; kind: "BADGE" | "TIER"; code: string; at: Date }[]): Promise<void> {
    if (rows.length === 0) return;
    await db().query(
      `INSERT INTO loyalty_unlock (member_id, order_id, kind, code, at) SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::timestamptz[])`,
      [rows.map((r) => r.memberId), rows.map((r) => r.orderId), rows.map((r) => r.kind), rows.map((r) => r.code), rows.map((r) => r.at.toISOString())],
    );
  },

  unlocksOfOrders(memberId: number, orderIds: readonly number[]): Promise<{ orderId: number; kind: "BADGE" | "TIER"; code: string }[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return db().query(`SELECT order_id AS "orderId", kind, code FROM loyalty_unlock WHERE member_id = $1 AND order_id = ANY($2::int[]) ORDER BY id`, [memberId, [...orderIds]]);
  },

  /** A member's point movements, newest first, from the ledger postings of their points accounts. */
  history(accountIds: readonly number[], limit: number, beforeId: string | null): Promise<PointsMovement[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return db().query<PointsMovement>(
      `SELECT p.id::text, p.unit AS "pointType", p.amount::int AS amount, CASE WHEN a.kind = 'POINTS_PENDING' THEN 'PENDING' ELSE 'ACTIVE' END AS bucket,
         t.reason, coalesce(p.memo, t.memo, '') AS description, coalesce(p.reference_type, t.reference_type) AS "referenceType",
         coalesce(p.reference_id, t.reference_id) AS "referenceId", p.created_at AS at
       FROM ledger_posting p JOIN ledger_transaction t ON t.id = p.transaction_id JOIN ledger_account a ON a.id = p.account_id
       WHERE p.account_id = ANY($1::int[]) AND ($2::bigint IS NULL OR p.id < $2::bigint)
         -- A release moves points from pending to active: the member sees the active side.
         AND NOT (t.reason = 'POINTS_RELEASED' AND a.kind = 'POINTS_PENDING')
       ORDER BY p.id DESC LIMIT $3`,
      [accountIds, beforeId, limit],
    );
  },

  // ---- rewards ----
  /** A page of rewards (after `afterId`, `limit` of them) and how many match in all. */
  async rewards(filter: RewardFilter & { country?: string | null; tierRank?: string[] | null; segments?: string[] | null; now?: Date }, limit: number, afterId: number | null): Promise<{ rows: RewardRecord[]; total: number }> {
    const where = `($1::boolean OR r.active) AND ($2::text IS NULL OR r.kind = $2)
         AND ($3::text IS NULL OR cardinality(r.countries) = 0 OR $3 = ANY(r.countries))
         AND ($4::timestamptz IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $4) AND (r.valid_until IS NULL OR r.valid_until >= $4) AND (r.stock IS NULL OR r.stock > 0)))
         AND ($5::text[] IS NULL OR r.min_tier IS NULL OR r.min_tier = ANY($5::text[]))
         AND ($6::text[] IS NULL OR r.segment IS NULL OR r.segment = ANY($6::text[]))`;
    const params = [filter.includeInactive ?? false, filter.kind ?? null, filter.country ?? null, filter.now?.toISOString() ?? null, filter.tierRank ?? null, filter.segments ?? null];
    const [rows, [count]] = await Promise.all([
      db().query<RewardRecord>(`SELECT ${REWARD_COLUMNS} FROM reward r WHERE ${where} AND ($7::int IS NULL OR r.id > $7) ORDER BY r.id LIMIT $8`, [...params, afterId, limit]),
      db().query<{ n: number }>(`SELECT count(*)::int AS n FROM reward r WHERE ${where}`, params),
    ]);
    return { rows, total: count!.n };
  },

  async reward(id: number): Promise<RewardRecord | null> {
    const [row] = await db().query<RewardRecord>(`SELECT ${REWARD_COLUMNS} FROM reward r WHERE r.id = $1`, [id]);
    return row ?? null;
  },

  async saveReward(r: Omit<RewardRecord, "id"> & { id: number | null }): Promise<number> {
    const values = [r.name, r.description, r.kind, r.pointType, r.pointsCost, JSON.stringify(r.tierCosts), r.minTier, r.stock, r.countries,
      r.validFrom?.toISOString() ?? null, r.validUntil?.toISOString() ?? null, r.cashbackAmount, r.cashbackCurrency, r.active, r.segment];
    if (r.id == null) {
      const [row] = await db().query<{ id: number }>(
        `INSERT INTO reward (name, description, kind, point_type, points_cost, tier_costs, min_tier, stock, countries, valid_from, valid_until, cashback_amount, cashback_currency, active, segment)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::text[], $10, $11, $12, $13, $14, $15) RETURNING id`,
        values,
      );
      return row!.id;
    }
    await db().query(
      `UPDATE reward SET name = $1, description = $2, kind = $3, point_type = $4, points_cost = $5, tier_costs = $6::jsonb, min_tier = $7, stock = $8,
         countries = $9::text[], valid_from = $10, valid_until = $11, cashback_amount = $12, cashback_currency = $13, active = $14, segment = $15 WHERE id = $16`,
      [...values, r.id],
    );
    return r.id;
  },

  /** Takes one from a reward's stock if there is one left (unlimited stock always gives). */
  async takeStock(rewardId: number): Promise<boolean> {
    const changed = await db().execute`UPDATE reward SET stock = stock - CASE WHEN stock IS NULL THEN NULL ELSE 1 END WHERE id = ${rewardId} AND (stock IS NULL OR stock > 0)`;
    return changed === 1;
  },

  async giveBackStock(rewardId: number): Promise<void> {
    await db().execute`UPDATE reward SET stock = stock + 1 WHERE id = ${rewardId} AND stock IS NOT NULL`;
  },

  // ---- redemptions ----
  async redemptionByKey(memberId: number, key: string): Promise<RedemptionRecord | null> {
    const [row] = await db().query<RedemptionRecord>(
      `SELECT ${REDEMPTION_COLUMNS} FROM redemption d JOIN reward r ON r.id = d.reward_id JOIN member m ON m.id = d.member_id
       WHERE d.member_id = $1 AND d.idempotency_key = $2`,
      [memberId, key],
    );
    return row ?? null;
  },

  async redemption(id: number, lock = false): Promise<RedemptionRecord | null> {
    const [row] = await db().query<RedemptionRecord>(
      `SELECT ${REDEMPTION_COLUMNS} FROM redemption d JOIN reward r ON r.id = d.reward_id JOIN member m ON m.id = d.member_id WHERE d.id = $1${lock ? " FOR UPDATE OF d" : ""}`,
      [id],
    );
    return row ?? null;
  },

  async insertRedemption(r: { rewardId: number; memberId: number; idempotencyKey: string; pointType: string; points: number; status: RedemptionStatus; voucherCode: string | null }): Promise<number> {
    const [row] = await db().sql<{ id: number }>`
      INSERT INTO redemption (reward_id, member_id, idempotency_key, point_type, points, status, voucher_code)
      VALUES (${r.rewardId}, ${r.memberId}, ${r.idempotencyKey}, ${r.pointType}, ${r.points}, ${r.status}, ${r.voucherCode}) RETURNING id`;
    return row!.id;
  },

  async setRedemptionStatus(id: number, status: RedemptionStatus): Promise<void> {
    await db().execute`UPDATE redemption SET status = ${status}, updated_at = now() WHERE id = ${id}`;
  },

  /** A page of redemptions, newest first (before `beforeId`), and how many match in all. */
  async redemptions(filter: { memberId?: number | null; status?: RedemptionStatus | null; kind?: RewardKind | null }, limit: number, beforeId: number | null): Promise<{ rows: RedemptionRecord[]; total: number }> {
    const where = `($1::int IS NULL OR d.member_id = $1) AND ($2::text IS NULL OR d.status = $2) AND ($3::text IS NULL OR r.kind = $3)`;
    const params = [filter.memberId ?? null, filter.status ?? null, filter.kind ?? null];
    const [rows, [count]] = await Promise.all([
      db().query<RedemptionRecord>(
        `SELECT ${REDEMPTION_COLUMNS} FROM redemption d JOIN reward r ON r.id = d.reward_id JOIN member m ON m.id = d.member_id
         WHERE ${where} AND ($4::int IS NULL OR d.id < $4) ORDER BY d.id DESC LIMIT $5`,
        [...params, beforeId, limit],
      ),
      db().query<{ n: number }>(`SELECT count(*)::int AS n FROM redemption d JOIN reward r ON r.id = d.reward_id WHERE ${where}`, params),
    ]);
    return { rows, total: count!.n };
  },

  // ---- reports ----
  /** Per point type: issued, redeemed, expired, reversed, pending and outstanding points, from the lots. */
  report(): Promise<{ pointType: string; issued: number; redeemed: number; expired: number; reversed: number; pending: number; outstanding: number }[]> {
    return db().sql`
      SELECT point_type AS "pointType", sum(amount)::bigint::float8 AS issued, sum(redeemed)::bigint::float8 AS redeemed, sum(expired)::bigint::float8 AS expired,
        sum(reversed)::bigint::float8 AS reversed, coalesce(sum(amount - reversed) FILTER (WHERE status = 'PENDING'), 0)::bigint::float8 AS pending,
        sum(remaining)::bigint::float8 AS outstanding
      FROM points_lot GROUP BY point_type ORDER BY point_type`;
  },

  tierDistribution(): Promise<{ tier: string | null; members: number }[]> {
    return db().sql`SELECT tier, count(*)::int AS members FROM loyalty_member GROUP BY tier ORDER BY count(*) DESC`;
  },

  /** Per month: paid orders, points earned and points redeemed (a member's, or everyone's): buying against points. */
  monthly(memberId: number | null, since: Date): Promise<{ month: string; orders: number; earned: number; redeemed: number }[]> {
    return db().query(
      `SELECT to_char(m, 'YYYY-MM') AS month,
         (SELECT count(*) FROM sales_order WHERE ($1::int IS NULL OR member_id = $1) AND paid_at >= m AND paid_at < m + interval '1 month')::int AS orders,
         coalesce((SELECT sum(amount - reversed) FROM points_lot WHERE ($1::int IS NULL OR member_id = $1) AND earned_at >= m AND earned_at < m + interval '1 month'), 0)::int AS earned,
         coalesce((SELECT sum(points) FROM redemption WHERE ($1::int IS NULL OR member_id = $1) AND status <> 'CANCELLED' AND created_at >= m AND created_at < m + interval '1 month'), 0)::int AS redeemed
       FROM generate_series(date_trunc('month', $2::timestamptz), date_trunc('month', now()), interval '1 month') AS m ORDER BY m`,
      [memberId, since.toISOString()],
    );
  },
};

const DAY_MS = 86_400_000;

/**
 * A segment's conditions as SQL over member m and loyalty_member l, with its parameters
 * after the ones given. Orders are the programme's own record of paid orders (its
 * ORDER_PAID events, refunded ones included), counted once applied: a batch sees the
 * segments as they were before it. Balances are active lots.
 */
/** SQL: the ORDER_PAID event aliased `e` is of an order refunded in full since (it counts as no order). */
const refundedInFull = (e: string) => `EXISTS (SELECT 1 FROM loyalty_event rf WHERE rf.member_id = ${e}.member_id AND rf.type = 'ORDER_REFUNDED' AND rf.processed_at IS NOT NULL
  AND rf.payload->>'orderId' = ${e}.payload->>'orderId' AND (rf.payload->>'refunded')::bigint >= (rf.payload->>'total')::bigint)`;

function segmentWhere(seg: Segment, now: Date, params: unknown[]): { where: string; params: unknown[] } {
  const p = [...params];
  const arg = (v: unknown, cast: string) => {
    p.push(v);
    return `$${p.length}::${cast}`;
  };
  const ago = (days: number) => arg(new Date(now.getTime() - days * DAY_MS).toISOString(), "timestamptz");
  const paidSince = (since: string) =>
    `EXISTS (SELECT 1 FROM loyalty_event e WHERE e.member_id = m.id AND e.type = 'ORDER_PAID' AND e.processed_at IS NOT NULL AND e.occurred_at >= ${since} AND NOT ${refundedInFull("e")})`;
  const w = seg.when;
  const parts: string[] = [];
  if (w.tiers) parts.push(`l.tier = ANY(${arg(w.tiers, "text[]")})`);
  if (w.countries) parts.push(`m.country = ANY(${arg(w.countries, "text[]")})`);
  if (w.tags) parts.push(`m.tags && ${arg(w.tags, "text[]")}`);
  if (w.ranks) parts.push(`l.rank = ANY(${arg(w.ranks, "text[]")})`);
  if (w.minBalance) {
    parts.push(`coalesce((SELECT sum(remaining) FROM points_lot pl WHERE pl.member_id = m.id AND pl.point_type = ${arg(w.minBalance.pointType, "text")} AND pl.status = 'ACTIVE'), 0) >= ${arg(w.minBalance.points, "int")}`);
  }
  if (w.orderedWithinDays) parts.push(paidSince(ago(w.orderedWithinDays)));
  if (w.noOrderForDays) parts.push(`${paidSince("'-infinity'::timestamptz")} AND NOT ${paidSince(ago(w.noOrderForDays))}`);
  if (w.bought) {
    parts.push(`(SELECT count(DISTINCT e.id) FROM loyalty_event e CROSS JOIN LATERAL jsonb_array_elements(e.payload->'lines') x JOIN product pr ON pr.id = (x->>'productId')::int
      WHERE e.member_id = m.id AND e.type = 'ORDER_PAID' AND e.processed_at IS NOT NULL AND e.occurred_at >= ${ago(w.bought.withinDays)} AND pr.category = ANY(${arg(w.bought.categories, "text[]")})
        AND NOT ${refundedInFull("e")}) >= ${arg(w.bought.orders, "int")}`);
  }
  if (w.recruited) parts.push(`(SELECT count(*) FROM member r WHERE r.sponsor_id = m.id AND r.joined_at >= ${ago(w.recruited.withinDays)}) >= ${arg(w.recruited.count, "int")}`);
  return { where: parts.length ? parts.join(" AND ") : "TRUE", params: p };
}
