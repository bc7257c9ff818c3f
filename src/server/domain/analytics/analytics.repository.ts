import { db, mapRead, queryRead, sqlRead, type Read } from "@/server/db/unit-of-work";
import type {
  CompanyVolume, CountryVolume, DayVolume, DirectContribution, MemberPv, PeriodVolumePoint, SalesTotal, TeamTrend, TopProduct,
  VolumeSoFar,
} from "./analytics.types";

// Report queries read across the tables other domains write (members, volumes, orders):
// analytics is a read model and changes nothing. Set-based SQL, one statement a report.
// The dashboard's parts are reads (`…Read`), run together in one round trip.

const WEEK_MS = 7 * 24 * 3600 * 1000;

export const analyticsRepository = {
  /** The member's totals in the last `limit` periods of a kind that have started, oldest first. */
  periodHistoryRead(memberId: number, kind: string, limit: number, now: Date): Read<PeriodVolumePoint[]> {
    return sqlRead<PeriodVolumePoint>`
      SELECT p.starts_at AS "startsAt", coalesce(v.pv, 0)::text AS pv, coalesce(v.gv, 0)::text AS gv
      FROM (SELECT * FROM period WHERE kind = ${kind}::"PeriodKind" AND starts_at <= ${now} ORDER BY starts_at DESC LIMIT ${limit}) p
      LEFT JOIN member_volume v ON v.period_id = p.id AND v.member_id = ${memberId}
      ORDER BY p.starts_at`;
  },

  /**
   * PV entered per UTC day from `from`'s day to `to` by the member and its whole sponsor
   * downline, with refunds apart: the member's per-day rollup (kept by the volume applier),
   * so the cost follows the days shown, not the company's orders.
   */
  groupVolumeByDayRead(memberId: number, from: Date, to: Date): Read<DayVolume[]> {
    return sqlRead<DayVolume>`
      SELECT day::timestamp AT TIME ZONE 'UTC' AS day, sum(gv_added)::text AS added, sum(gv_refunded)::text AS refunded, sum(own_added)::text AS own
      FROM member_volume_day
      WHERE member_id = ${memberId} AND day >= (${from}::timestamptz AT TIME ZONE 'UTC')::date AND day <= (${to}::timestamptz AT TIME ZONE 'UTC')::date
      GROUP BY day ORDER BY day`;
  },

  /**
   * Where the member's PV, GV and leg volume in a period stood at `before`, from the
   * member's per-day rollup alone: the whole days before `before`'s own day, and that day's
   * totals pro rata for the part of it that had passed (9:00 counts 9/24 of the day), to
   * the cent. Summing that part of the day from the ledger instead meant scanning every
   * entry the whole company made that day (100,000 at a month-end) on every dashboard.
   */
  volumeSoFarRead(memberId: number, periodId: number, before: Date): Read<VolumeSoFar> {
    return mapRead(sqlRead<VolumeSoFar>`
      WITH d AS (SELECT (${before}::timestamptz AT TIME ZONE 'UTC') AS t),
      parts AS (
        SELECT day < d.t::date AS whole, sum(pv) AS pv, sum(gv) AS gv, sum(left_leg) AS l, sum(right_leg) AS r
        FROM member_volume_day, d
        WHERE member_id = ${memberId} AND period_id = ${periodId} AND day <= d.t::date
        GROUP BY 1
      ),
      f AS (SELECT extract(epoch FROM d.t - date_trunc('day', d.t)) AS s FROM d)
      SELECT round(coalesce(sum(CASE WHEN whole THEN pv ELSE pv * f.s / 86400 END), 0), 2)::text AS pv,
        round(coalesce(sum(CASE WHEN whole THEN gv ELSE gv * f.s / 86400 END), 0), 2)::text AS gv,
        round(coalesce(sum(CASE WHEN whole THEN l ELSE l * f.s / 86400 END), 0), 2)::text AS "leftLeg",
        round(coalesce(sum(CASE WHEN whole THEN r ELSE r * f.s / 86400 END), 0), 2)::text AS "rightLeg"
      FROM f LEFT JOIN parts ON true`,
    ([row]) => row!);
  },

  /** Personally sponsored members with their totals in a period, best first. */
  directsWithVolumeRead(memberId: number, periodId: number, orderBy: "gv" | "pv", limit: number): Read<DirectContribution[]> {
    return queryRead<DirectContribution>(
      `SELECT m.id, m.first_name AS "firstName", m.last_name AS "lastName", m.country, m.joined_at AS "joinedAt",
         coalesce(v.pv, 0)::text AS pv, coalesce(v.gv, 0)::text AS gv
       FROM member m LEFT JOIN member_volume v ON v.member_id = m.id AND v.period_id = $2
       WHERE m.sponsor_id = $1
       ORDER BY coalesce(v.${orderBy === "gv" ? "gv" : "pv"}, 0) DESC, m.id LIMIT $3`,
      [memberId, periodId, limit],
    );
  },

  /** Company PV per country in a period. */
  volumeByCountry(periodId: number): Promise<CountryVolume[]> {
    return db().sql<CountryVolume>`
      SELECT m.country, sum(v.pv)::text AS pv, (count(*) FILTER (WHERE v.pv > 0))::int AS members
      FROM member_volume v JOIN member m ON m.id = v.member_id
      WHERE v.period_id = ${periodId} GROUP BY m.country HAVING sum(v.pv) <> 0 ORDER BY sum(v.pv) DESC`;
  },

  /** Each first-level team (a leader at sponsor depth 1 and its downline): PV entered this week and the week before. */
  teamsWeekOverWeek(now: Date, limit: number): Promise<TeamTrend[]> {
    const weekAgo = new Date(now.getTime() - WEEK_MS);
    const twoWeeksAgo = new Date(now.getTime() - 2 * WEEK_MS);
    return db().sql<TeamTrend>`
      WITH t AS (
        SELECT m.sponsor_path[2] AS leader,
          sum(e.pv) FILTER (WHERE e.created_at >= ${weekAgo}) AS this_week,
          sum(e.pv) FILTER (WHERE e.created_at < ${weekAgo}) AS last_week
        FROM volume_entry e JOIN member m ON m.id = e.member_id
        WHERE e.created_at >= ${twoWeeksAgo} AND e.created_at < ${now} AND m.sponsor_depth >= 1
        GROUP BY 1
      )
      SELECT l.id, l.first_name AS "firstName", l.last_name AS "lastName",
        coalesce(t.this_week, 0)::text AS "thisWeek", coalesce(t.last_week, 0)::text AS "lastWeek"
      FROM t JOIN member l ON l.id = t.leader
      ORDER BY coalesce(t.this_week, 0) + coalesce(t.last_week, 0) DESC LIMIT ${limit}`;
  },

  /** Members whose PV in a period is in [from, below): close to a threshold. */
  async justBelow(periodId: number, from: number, below: number, limit: number): Promise<{ count: number; rows: MemberPv[] }> {
    const [count] = await db().sql<{ n: number }>`
      SELECT count(*)::int AS n FROM member_volume WHERE period_id = ${periodId} AND pv >= ${from} AND pv < ${below}`;
    const rows = await db().sql<MemberPv>`
      SELECT m.id, m.first_name AS "firstName", m.last_name AS "lastName", m.country, v.pv::text AS pv
      FROM member_volume v JOIN member m ON m.id = v.member_id
      WHERE v.period_id = ${periodId} AND v.pv >= ${from} AND v.pv < ${below} ORDER BY v.pv DESC, m.id LIMIT ${limit}`;
    return { count: count!.n, rows };
  },

  /** Company-wide PV and BV, and the number of members with volume, in a period. */
  async companyVolume(periodId: number): Promise<CompanyVolume> {
    const [row] = await db().sql<CompanyVolume>`
      SELECT coalesce(sum(pv), 0)::text AS pv, coalesce(sum(bv), 0)::text AS bv, (count(*) FILTER (WHERE pv > 0))::int AS active
      FROM member_volume WHERE period_id = ${periodId}`;
    return row!;
  },

  /** Company-wide volume a period had reached by `before`, from the ledger (to compare like with like). */
  async companyVolumeSoFar(periodId: number, before: Date): Promise<CompanyVolume> {
    const [row] = await db().sql<CompanyVolume>`
      SELECT coalesce(sum(pv), 0)::text AS pv, coalesce(sum(bv), 0)::text AS bv, (count(*) FILTER (WHERE pv > 0))::int AS active
      FROM (SELECT sum(pv) AS pv, sum(bv) AS bv FROM volume_entry WHERE period_id = ${periodId} AND created_at < ${before} GROUP BY member_id) m`;
    return row!;
  },

  /** Paid sales in [from, to) per currency: orders, gross total, refunds. */
  salesBetween(from: Date, to: Date): Promise<SalesTotal[]> {
    return db().sql<SalesTotal>`
      SELECT currency, count(*)::int AS orders, sum(total)::text AS total, sum(refunded_total)::text AS refunded
      FROM sales_order WHERE paid_at >= ${from} AND paid_at < ${to} GROUP BY currency ORDER BY sum(total) DESC`;
  },

  /** Best sellers by units (refunds taken off) among orders paid in [from, to). */
  topProducts(from: Date, to: Date, limit: number): Promise<TopProduct[]> {
    return db().sql<TopProduct>`
      SELECT l.product_id AS "productId", l.sku, l.name, sum(l.quantity - l.refunded_quantity)::int AS units,
        sum((l.quantity - l.refunded_quantity) * l.unit_pv)::text AS pv
      FROM sales_order o JOIN order_line l ON l.order_id = o.id
      WHERE o.paid_at >= ${from} AND o.paid_at < ${to}
      GROUP BY l.product_id, l.sku, l.name HAVING sum(l.quantity - l.refunded_quantity) > 0
      ORDER BY units DESC, l.product_id LIMIT ${limit}`;
  },
};
