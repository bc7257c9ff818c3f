import { jsonRows } from "@/server/db/json-rows";
import { db } from "@/server/db/unit-of-work";
import type { PeriodKindName } from "./volume.rules";
import { toPage, type Page } from "@/server/domain/shared/page";
import type { PeriodRecord, VolumeMismatch, VolumeTotalsRecord } from "./volume.types";

const VOLUME_SETTING = "volume.config";

interface TotalsRow {
  member_id: number;
  pv: string;
  bv: string;
  gv: string;
  left_leg: string;
  right_leg: string;
  revision: number;
}

const toTotals = (periodId: number) => (r: TotalsRow): VolumeTotalsRecord => ({
  memberId: r.member_id, periodId, pv: r.pv, bv: r.bv, gv: r.gv, leftLeg: r.left_leg, rightLeg: r.right_leg, revision: r.revision,
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
  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      volumes: await jsonRows(`SELECT v.*, p.kind AS period_kind, p.starts_at, p.ends_at FROM member_volume v JOIN period p ON p.id = v.period_id WHERE v.member_id = $1 ORDER BY p.starts_at`, [memberId]),
    };
  },

  async configSetting(): Promise<unknown> {
    const row = await db().orm.setting.findUnique({ where: { key: VOLUME_SETTING } });
    return row?.value ?? null;
  },

  /** The period of this kind that starts at startsAt, created open if it is not there yet. */
  async ensurePeriod(kind: PeriodKindName, startsAt: Date, endsAt: Date): Promise<PeriodRecord> {
    const { orm, execute } = db();
    await execute`INSERT INTO period (kind, starts_at, ends_at, status) VALUES (${kind}::"PeriodKind", ${startsAt}, ${endsAt}, 'OPEN')
      ON CONFLICT (kind, starts_at) DO NOTHING`;
    return orm.period.findUniqueOrThrow({ where: { kind_startsAt: { kind, startsAt } } });
  },

  findPeriod(id: number): Promise<PeriodRecord | null> {
    return db().orm.period.findUnique({ where: { id } });
  },

  async periodByStart(kind: PeriodKindName, startsAt: Date): Promise<PeriodRecord | null> {
    return db().orm.period.findUnique({ where: { kind_startsAt: { kind, startsAt } } });
  },

  /** Newest first. */
  async periods(limit: number, beforeStart: Date | null): Promise<Page<PeriodRecord>> {
    const { orm } = db();
    const [rows, totalCount] = await Promise.all([
      orm.period.findMany({
        where: beforeStart ? { startsAt: { lt: beforeStart } } : {},
        orderBy: [{ startsAt: "desc" }, { id: "desc" }],
        take: limit + 1,
      }),
      orm.period.count(),
    ]);
    return toPage(rows, limit, totalCount);
  },

  async closePeriod(id: number): Promise<PeriodRecord> {
    return db().orm.period.update({ where: { id }, data: { status: "CLOSED", closedAt: new Date() } });
  },

  /**
   * Appends one ledger entry and moves every total it affects in one set-based statement:
   * PV/BV of the member, GV of the member and every sponsor above, left/right leg volume
   * of every binary placement ancestor. Rows are upserted in member-id order, so two
   * orders touching the same upline lock it in the same order and never deadlock.
   * Returns null when the idempotency key was used before (nothing changes then).
   */
  async post(
    entry: { periodId: number; memberId: number; orderId: number | null; pv: string; bv: string; reason: string; idempotencyKey: string },
    binaryLegs: boolean,
  ): Promise<VolumeTotalsRecord[] | null> {
    const tx = db();
    const inserted = await tx.sql<{ id: string }>`
      INSERT INTO volume_entry (period_id, member_id, order_id, pv, bv, reason, idempotency_key)
      VALUES (${entry.periodId}, ${entry.memberId}, ${entry.orderId}, ${entry.pv}::numeric, ${entry.bv}::numeric, ${entry.reason}, ${entry.idempotencyKey})
      ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::text`;
    if (inserted.length === 0) return null;
    const [{ rows }] = await tx.sql<{ rows: TotalsRow[] }>`
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
      RETURNING member_id, pv::text, bv::text, gv::text, left_leg::text, right_leg::text, revision::int)
      -- One JSON value instead of a row per ancestor: cheaper to hand back while the
      -- upline's rows stay locked.
      SELECT coalesce(json_agg(up), '[]') AS rows FROM up`;
    return rows.map(toTotals(entry.periodId));
  },

  async totals(memberId: number, periodId: number): Promise<VolumeTotalsRecord | null> {
    const [row] = await db().query<TotalsRow>(
      `SELECT member_id, pv::text, bv::text, gv::text, left_leg::text, right_leg::text, revision::int
       FROM member_volume WHERE period_id = $1 AND member_id = $2`,
      [periodId, memberId],
    );
    return row ? toTotals(periodId)(row) : null;
  },

  /** Totals of many members in one period (members without volume are left out). */
  async totalsOf(memberIds: readonly number[], periodId: number): Promise<VolumeTotalsRecord[]> {
    if (memberIds.length === 0) return [];
    const rows = await db().query<TotalsRow>(
      `SELECT member_id, pv::text, bv::text, gv::text, left_leg::text, right_leg::text, revision::int
       FROM member_volume WHERE period_id = $1 AND member_id = ANY($2::int[])`,
      [periodId, [...memberIds]],
    );
    return rows.map(toTotals(periodId));
  },

  /** Where the kept totals differ from the ledger (empty when all is well). */
  async mismatches(binaryLegs: boolean, limit = 100): Promise<VolumeMismatch[]> {
    return db().query<VolumeMismatch>(
      `WITH ${EXPECTED_TOTALS},
       cmp AS (
         SELECT coalesce(e.period_id, v.period_id) AS period_id, coalesce(e.member_id, v.member_id) AS member_id,
           coalesce(v.pv, 0) AS kpv, coalesce(e.pv, 0) AS epv, coalesce(v.bv, 0) AS kbv, coalesce(e.bv, 0) AS ebv,
           coalesce(v.gv, 0) AS kgv, coalesce(e.gv, 0) AS egv, coalesce(v.left_leg, 0) AS kl, coalesce(e.left_leg, 0) AS el,
           coalesce(v.right_leg, 0) AS kr, coalesce(e.right_leg, 0) AS er
         FROM expected e FULL JOIN member_volume v ON v.period_id = e.period_id AND v.member_id = e.member_id
       )
       SELECT period_id AS "periodId", member_id AS "memberId", f.field, f.kept::text, f.ledger::text
       FROM cmp CROSS JOIN LATERAL (VALUES ('pv', kpv, epv), ('bv', kbv, ebv), ('gv', kgv, egv), ('leftLeg', kl, el), ('rightLeg', kr, er)) AS f(field, kept, ledger)
       WHERE f.kept <> f.ledger
       ORDER BY period_id, member_id, f.field
       LIMIT $2`,
      [binaryLegs, limit],
    );
  },

  /** Recomputes every kept total from the ledger (bulk loads; the check command's repair). Call inside a transaction. */
  async rebuild(binaryLegs: boolean): Promise<number> {
    const tx = db();
    await tx.execute`DELETE FROM member_volume`;
    const [row] = await tx.query<{ n: number }>(
      `WITH ${EXPECTED_TOTALS},
       ins AS (
         INSERT INTO member_volume (period_id, member_id, pv, bv, gv, left_leg, right_leg, revision, updated_at)
         SELECT period_id, member_id, pv, bv, gv, left_leg, right_leg, 1, now() FROM expected RETURNING 1
       )
       SELECT count(*)::int AS n FROM ins`,
      [binaryLegs],
    );
    return row!.n;
  },

};
