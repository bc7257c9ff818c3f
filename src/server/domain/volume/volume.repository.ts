import { prisma, type Tx } from "@/server/db/client";
import { defaultDriver } from "@/server/db/driver";
import type { PeriodKindName } from "./volume.rules";
import type { PeriodRecord, VolumeTotalsRecord } from "./volume.types";

const VOLUME_SETTING = "volume.config";

interface TotalsRow {
  member_id: number;
  pv: string;
  bv: string;
  gv: string;
  left_leg: string;
  right_leg: string;
  revision: bigint | number | string;
}

const toTotals = (periodId: number) => (r: TotalsRow): VolumeTotalsRecord => ({
  memberId: r.member_id, periodId, pv: r.pv, bv: r.bv, gv: r.gv, leftLeg: r.left_leg, rightLeg: r.right_leg, revision: Number(r.revision),
});

/**
 * The expected totals per (period, member), recomputed from the ledger alone: own PV/BV,
 * GV over the sponsor path, leg volume from the position of each placement ancestor's
 * child on the path. `$1` says whether leg volume is kept (binary placement).
 */
const EXPECTED_TOTALS = `
  own AS (
    SELECT period_id, member_id, sum(pv) AS pv, sum(bv) AS bv FROM volume_entry GROUP BY period_id, member_id
  ),
  gv AS (
    SELECT o.period_id, a.id AS member_id, sum(o.pv) AS gv
    FROM own o JOIN member m ON m.id = o.member_id CROSS JOIN LATERAL unnest(m.sponsor_path) AS a(id)
    GROUP BY o.period_id, a.id
  ),
  legs AS (
    SELECT o.period_id, c.placement_parent_id AS member_id,
      sum(o.pv) FILTER (WHERE c.placement_position = 0) AS l, sum(o.pv) FILTER (WHERE c.placement_position = 1) AS r
    FROM own o JOIN member m ON m.id = o.member_id JOIN member c ON c.id = ANY(m.placement_path)
    WHERE $1::boolean AND c.placement_parent_id IS NOT NULL AND c.placement_position IN (0, 1)
    GROUP BY o.period_id, c.placement_parent_id
  ),
  expected AS (
    SELECT period_id, member_id,
      coalesce(max(pv), 0) AS pv, coalesce(max(bv), 0) AS bv, coalesce(max(gv), 0) AS gv,
      coalesce(max(l), 0) AS left_leg, coalesce(max(r), 0) AS right_leg
    FROM (
      SELECT period_id, member_id, pv, bv, NULL::numeric AS gv, NULL::numeric AS l, NULL::numeric AS r FROM own
      UNION ALL SELECT period_id, member_id, NULL, NULL, gv, NULL, NULL FROM gv
      UNION ALL SELECT period_id, member_id, NULL, NULL, NULL, l, r FROM legs
    ) x GROUP BY period_id, member_id
  )`;

export const volumeRepository = {
  async configSetting(): Promise<unknown> {
    const row = await prisma().setting.findUnique({ where: { key: VOLUME_SETTING } });
    return row?.value ?? null;
  },

  async saveConfigSetting(value: object): Promise<void> {
    await prisma().setting.upsert({ where: { key: VOLUME_SETTING }, create: { key: VOLUME_SETTING, value }, update: { value } });
  },

  /** The period of this kind that starts at startsAt, created open if it is not there yet. */
  async ensurePeriod(kind: PeriodKindName, startsAt: Date, endsAt: Date): Promise<PeriodRecord> {
    const db = prisma();
    await db.$executeRaw`INSERT INTO period (kind, starts_at, ends_at, status) VALUES (${kind}::"PeriodKind", ${startsAt}, ${endsAt}, 'OPEN')
      ON CONFLICT (kind, starts_at) DO NOTHING`;
    return db.period.findUniqueOrThrow({ where: { kind_startsAt: { kind, startsAt } } });
  },

  findPeriod(id: number): Promise<PeriodRecord | null> {
    return prisma().period.findUnique({ where: { id } });
  },

  findPeriodIn(tx: Tx, id: number): Promise<PeriodRecord | null> {
    return tx.period.findUnique({ where: { id } });
  },

  async periodByStart(kind: PeriodKindName, startsAt: Date): Promise<PeriodRecord | null> {
    return prisma().period.findUnique({ where: { kind_startsAt: { kind, startsAt } } });
  },

  /** Newest first. */
  async periods(limit: number, beforeStart: Date | null): Promise<{ rows: PeriodRecord[]; hasNextPage: boolean }> {
    const rows = await prisma().period.findMany({
      where: beforeStart ? { startsAt: { lt: beforeStart } } : {},
      orderBy: [{ startsAt: "desc" }, { id: "desc" }],
      take: limit + 1,
    });
    return { rows: rows.slice(0, limit), hasNextPage: rows.length > limit };
  },

  async closePeriod(id: number): Promise<PeriodRecord> {
    return prisma().period.update({ where: { id }, data: { status: "CLOSED", closedAt: new Date() } });
  },

  /**
   * Appends one ledger entry and moves every total it affects in one set-based statement:
   * PV/BV of the member, GV of the member and every sponsor above, left/right leg volume
   * of every binary placement ancestor. Rows are upserted in member-id order, so two
   * orders touching the same upline lock it in the same order and never deadlock.
   * Returns null when the idempotency key was used before (nothing changes then).
   */
  async post(
    tx: Tx,
    entry: { periodId: number; memberId: number; orderId: number | null; pv: string; bv: string; reason: string; idempotencyKey: string },
    binaryLegs: boolean,
  ): Promise<VolumeTotalsRecord[] | null> {
    const inserted = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO volume_entry (period_id, member_id, order_id, pv, bv, reason, idempotency_key)
      VALUES (${entry.periodId}, ${entry.memberId}, ${entry.orderId}, ${entry.pv}::numeric, ${entry.bv}::numeric, ${entry.reason}, ${entry.idempotencyKey})
      ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`;
    if (inserted.length === 0) return null;
    const [{ rows }] = await tx.$queryRaw<{ rows: TotalsRow[] }[]>`
      WITH buyer AS (SELECT sponsor_path, placement_path FROM member WHERE id = ${entry.memberId}),
      legs AS (
        SELECT c.placement_parent_id AS member_id, c.placement_position AS pos
        FROM buyer JOIN member c ON c.id = ANY(buyer.placement_path)
        WHERE ${binaryLegs} AND c.placement_parent_id IS NOT NULL AND c.placement_position IN (0, 1)
      ),
      delta AS (
        SELECT member_id, sum(pv) AS pv, sum(bv) AS bv, sum(gv) AS gv, sum(l) AS l, sum(r) AS r FROM (
          SELECT ${entry.memberId}::int AS member_id, ${entry.pv}::numeric AS pv, ${entry.bv}::numeric AS bv, 0::numeric AS gv, 0::numeric AS l, 0::numeric AS r
          UNION ALL SELECT unnest(sponsor_path), 0, 0, ${entry.pv}::numeric, 0, 0 FROM buyer
          UNION ALL SELECT member_id, 0, 0, 0,
            CASE WHEN pos = 0 THEN ${entry.pv}::numeric ELSE 0 END, CASE WHEN pos = 1 THEN ${entry.pv}::numeric ELSE 0 END FROM legs
        ) d GROUP BY member_id
      )
      , up AS (
      INSERT INTO member_volume AS v (period_id, member_id, pv, bv, gv, left_leg, right_leg, revision, updated_at)
      SELECT ${entry.periodId}, member_id, pv, bv, gv, l, r, 1, now() FROM delta ORDER BY member_id
      ON CONFLICT (period_id, member_id) DO UPDATE SET
        pv = v.pv + EXCLUDED.pv, bv = v.bv + EXCLUDED.bv, gv = v.gv + EXCLUDED.gv,
        left_leg = v.left_leg + EXCLUDED.left_leg, right_leg = v.right_leg + EXCLUDED.right_leg,
        revision = v.revision + 1, updated_at = now()
      RETURNING member_id, pv::text, bv::text, gv::text, left_leg::text, right_leg::text, revision)
      -- One JSON value instead of a row per ancestor: cheaper to hand back while the
      -- upline's rows stay locked.
      SELECT coalesce(json_agg(up), '[]') AS rows FROM up`;
    return rows.map(toTotals(entry.periodId));
  },

  async totals(memberId: number, periodId: number): Promise<VolumeTotalsRecord | null> {
    const [row] = await defaultDriver().query<TotalsRow>(
      `SELECT member_id, pv::text, bv::text, gv::text, left_leg::text, right_leg::text, revision
       FROM member_volume WHERE period_id = $1 AND member_id = $2`,
      [periodId, memberId],
    );
    return row ? toTotals(periodId)(row) : null;
  },

  /** Totals of many members in one period (members without volume are left out). */
  async totalsOf(memberIds: readonly number[], periodId: number): Promise<VolumeTotalsRecord[]> {
    if (memberIds.length === 0) return [];
    const rows = await defaultDriver().query<TotalsRow>(
      `SELECT member_id, pv::text, bv::text, gv::text, left_leg::text, right_leg::text, revision
       FROM member_volume WHERE period_id = $1 AND member_id = ANY($2::int[])`,
      [periodId, [...memberIds]],
    );
    return rows.map(toTotals(periodId));
  },

  /** Where the kept totals differ from the ledger (empty when all is well). */
  async mismatches(binaryLegs: boolean, limit = 100) {
    return defaultDriver().query<{ period_id: number; member_id: number; field: string; kept: string; ledger: string }>(
      `WITH ${EXPECTED_TOTALS},
       cmp AS (
         SELECT coalesce(e.period_id, v.period_id) AS period_id, coalesce(e.member_id, v.member_id) AS member_id,
           coalesce(v.pv, 0) AS kpv, coalesce(e.pv, 0) AS epv, coalesce(v.bv, 0) AS kbv, coalesce(e.bv, 0) AS ebv,
           coalesce(v.gv, 0) AS kgv, coalesce(e.gv, 0) AS egv, coalesce(v.left_leg, 0) AS kl, coalesce(e.left_leg, 0) AS el,
           coalesce(v.right_leg, 0) AS kr, coalesce(e.right_leg, 0) AS er
         FROM expected e FULL JOIN member_volume v ON v.period_id = e.period_id AND v.member_id = e.member_id
       )
       SELECT period_id, member_id, f.field, f.kept::text, f.ledger::text
       FROM cmp CROSS JOIN LATERAL (VALUES ('pv', kpv, epv), ('bv', kbv, ebv), ('gv', kgv, egv), ('leftLeg', kl, el), ('rightLeg', kr, er)) AS f(field, kept, ledger)
       WHERE f.kept <> f.ledger
       ORDER BY period_id, member_id, f.field
       LIMIT $2`,
      [binaryLegs, limit],
    );
  },

  /** Recomputes every kept total from the ledger (bulk loads; the check command's repair). */
  async rebuild(binaryLegs: boolean): Promise<number> {
    const driver = defaultDriver();
    return driver.session(async (db) => {
      await db.query("BEGIN");
      try {
        await db.query("DELETE FROM member_volume");
        const rows = await db.query<{ n: number }>(
          `WITH ${EXPECTED_TOTALS},
           ins AS (
             INSERT INTO member_volume (period_id, member_id, pv, bv, gv, left_leg, right_leg, revision, updated_at)
             SELECT period_id, member_id, pv, bv, gv, left_leg, right_leg, 1, now() FROM expected RETURNING 1
           )
           SELECT count(*)::int AS n FROM ins`,
          [binaryLegs],
        );
        await db.query("COMMIT");
        return rows[0]!.n;
      } catch (err) {
        await db.query("ROLLBACK");
        throw err;
      }
    });
  },

  /** The member's totals in the last `limit` periods of a kind, oldest first. */
  async history(memberId: number, kind: PeriodKindName, limit: number) {
    const rows = await defaultDriver().query<{ starts_at: Date; pv: string; gv: string }>(
      `SELECT p.starts_at, coalesce(v.pv, 0)::text AS pv, coalesce(v.gv, 0)::text AS gv
       FROM (SELECT * FROM period WHERE kind = $2::"PeriodKind" AND starts_at <= now() ORDER BY starts_at DESC LIMIT $3) p
       LEFT JOIN member_volume v ON v.period_id = p.id AND v.member_id = $1
       ORDER BY p.starts_at`,
      [memberId, kind, limit],
    );
    return rows.map((r) => ({ startsAt: new Date(r.starts_at), pv: r.pv, gv: r.gv }));
  },

  /**
   * PV entered per UTC day in [from, to): the member's own and the whole sponsor
   * downline's (a descendant has the member at position depth + 1 of its path). Scans the
   * ledger by date, so the cost follows the orders in the window, not the team size.
   */
  async groupVolumeByDay(memberId: number, depth: number, from: Date, to: Date) {
    const rows = await defaultDriver().query<{ day: Date; pv: string; own: string }>(
      `SELECT date_trunc('day', e.created_at AT TIME ZONE 'UTC') AS day, sum(e.pv)::text AS pv,
         (sum(e.pv) FILTER (WHERE e.member_id = $1))::text AS own
       FROM volume_entry e JOIN member m ON m.id = e.member_id
       WHERE e.created_at >= $3 AND e.created_at < $4 AND m.sponsor_path[$2 + 1] = $1
       GROUP BY 1 ORDER BY 1`,
      [memberId, depth, from, to],
    );
    return rows.map((r) => ({ day: new Date(r.day), pv: r.pv, own: r.own ?? "0" }));
  },

  /** Personally sponsored members with their totals in a period, best first. */
  async directsWithVolume(memberId: number, periodId: number, orderBy: "gv" | "pv", limit: number) {
    return defaultDriver().query<{ id: number; first_name: string; last_name: string; country: string; joined_at: Date; pv: string; gv: string }>(
      `SELECT m.id, m.first_name, m.last_name, m.country, m.joined_at, coalesce(v.pv, 0)::text AS pv, coalesce(v.gv, 0)::text AS gv
       FROM member m LEFT JOIN member_volume v ON v.member_id = m.id AND v.period_id = $2
       WHERE m.sponsor_id = $1
       ORDER BY coalesce(v.${orderBy}, 0) DESC, m.id LIMIT $3`,
      [memberId, periodId, limit],
    );
  },

  /** Company PV per country in a period. */
  async volumeByCountry(periodId: number) {
    return defaultDriver().query<{ country: string; pv: string; members: number }>(
      `SELECT m.country, sum(v.pv)::text AS pv, count(*) FILTER (WHERE v.pv > 0)::int AS members
       FROM member_volume v JOIN member m ON m.id = v.member_id
       WHERE v.period_id = $1 GROUP BY m.country HAVING sum(v.pv) <> 0 ORDER BY sum(v.pv) DESC`,
      [periodId],
    );
  },

  /** Each first-level team (a leader at sponsor depth 1 and its downline): PV entered this week and the week before. */
  async teamsWeekOverWeek(now: Date, limit: number) {
    const week = 7 * 24 * 3600 * 1000;
    return defaultDriver().query<{ id: number; first_name: string; last_name: string; this_week: string; last_week: string }>(
      `WITH t AS (
         SELECT m.sponsor_path[2] AS leader,
           sum(e.pv) FILTER (WHERE e.created_at >= $2) AS this_week,
           sum(e.pv) FILTER (WHERE e.created_at < $2) AS last_week
         FROM volume_entry e JOIN member m ON m.id = e.member_id
         WHERE e.created_at >= $1 AND e.created_at < $3 AND m.sponsor_depth >= 1
         GROUP BY 1
       )
       SELECT l.id, l.first_name, l.last_name, coalesce(t.this_week, 0)::text AS this_week, coalesce(t.last_week, 0)::text AS last_week
       FROM t JOIN member l ON l.id = t.leader
       ORDER BY coalesce(t.this_week, 0) + coalesce(t.last_week, 0) DESC LIMIT $4`,
      [new Date(now.getTime() - 2 * week), new Date(now.getTime() - week), now, limit],
    );
  },

  /** Members whose PV in a period is in [from, below): close to a threshold. */
  async justBelow(periodId: number, from: number, below: number, limit: number) {
    const [count] = await defaultDriver().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM member_volume WHERE period_id = $1 AND pv >= $2 AND pv < $3`,
      [periodId, from, below],
    );
    const rows = await defaultDriver().query<{ id: number; first_name: string; last_name: string; country: string; pv: string }>(
      `SELECT m.id, m.first_name, m.last_name, m.country, v.pv::text AS pv
       FROM member_volume v JOIN member m ON m.id = v.member_id
       WHERE v.period_id = $1 AND v.pv >= $2 AND v.pv < $3 ORDER BY v.pv DESC, m.id LIMIT $4`,
      [periodId, from, below, limit],
    );
    return { count: count!.n, rows };
  },

  /** Company-wide PV and number of members with volume in a period. */
  async companyTotals(periodId: number) {
    const [row] = await defaultDriver().query<{ pv: string; bv: string; active: number }>(
      `SELECT coalesce(sum(pv), 0)::text AS pv, coalesce(sum(bv), 0)::text AS bv, count(*) FILTER (WHERE pv > 0)::int AS active
       FROM member_volume WHERE period_id = $1`,
      [periodId],
    );
    return row!;
  },
};
