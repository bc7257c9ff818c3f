import { jsonRows } from "@/server/db/json-rows";
import { db, queryRead, type Read, runRead } from "@/server/db/unit-of-work";
import type { PeriodKindName } from "./volume.rules";
import { toPage, type Page } from "@/server/domain/shared/page";
import type { AppliedEntry, PeriodRecord, VolumeMismatch, VolumeTotalsRecord } from "./volume.types";

const VOLUME_SETTING = "volume.config";
/** Held by the one applier at work on this database, per transaction. */
const APPLIER_LOCK = 720_501;

/** An entry to append (its id comes from the ledger). */
export type NewVolumeEntry = Omit<AppliedEntry, "id">;

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
 * The expected totals per (period, member), recomputed from the ledger entries the applier
 * has folded in (all but those still listed in volume_pending): own PV/BV,
 * GV over the sponsor path, leg volume from the position of each placement ancestor's
 * child on the path. `$1` says whether leg volume is kept (binary placement).
 */
const EXPECTED_TOTALS = `
  own AS (
    SELECT period_id, member_id, sum(pv) AS pv, sum(bv) AS bv FROM volume_entry ve
    WHERE NOT EXISTS (SELECT 1 FROM volume_pending p WHERE p.entry_id = ve.id)
    GROUP BY period_id, member_id
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

/**
 * The per-day rollup member_volume_day as the ledger says it should be (entries not listed
 * as pending): each member's own entries per day, paid and refunded apart, carried up the
 * sponsor path (gv) and to the binary placement parents (legs).
 */
const EXPECTED_DAYS = `
  own_day AS (
    SELECT period_id, member_id, (created_at AT TIME ZONE 'UTC')::date AS day, sum(pv) AS pv,
      coalesce(sum(pv) FILTER (WHERE pv > 0), 0) AS added, coalesce(-sum(pv) FILTER (WHERE pv < 0), 0) AS refunded
    FROM volume_entry ve
    WHERE NOT EXISTS (SELECT 1 FROM volume_pending p WHERE p.entry_id = ve.id)
    GROUP BY 1, 2, 3
  ),
  expected_days AS (
    SELECT member_id, day, period_id, sum(pv) AS pv, sum(gv) AS gv, sum(l) AS left_leg, sum(r) AS right_leg,
      sum(gv_added) AS gv_added, sum(gv_refunded) AS gv_refunded, sum(own_added) AS own_added
    FROM (
      SELECT member_id, day, period_id, pv, 0::numeric AS gv, 0::numeric AS l, 0::numeric AS r, 0::numeric AS gv_added, 0::numeric AS gv_refunded, added AS own_added FROM own_day
      UNION ALL SELECT a.id, o.day, o.period_id, 0, o.pv, 0, 0, o.added, o.refunded, 0
        FROM own_day o JOIN member m ON m.id = o.member_id CROSS JOIN LATERAL unnest(m.sponsor_path) AS a(id)
      UNION ALL SELECT p.placement_parent_id, o.day, o.period_id, 0, 0,
          CASE WHEN p.placement_position = 0 THEN o.pv ELSE 0 END, CASE WHEN p.placement_position = 1 THEN o.pv ELSE 0 END, 0, 0, 0
        FROM own_day o JOIN member m ON m.id = o.member_id JOIN member p ON p.id = ANY(m.placement_path)
        WHERE $1::boolean AND p.placement_parent_id IS NOT NULL AND p.placement_position IN (0, 1)
    ) x GROUP BY member_id, day, period_id
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
   * Appends one ledger entry and lists it for the applier, in one statement; no total is
   * touched here, so paying transactions never queue on the upline's rows. False when the
   * idempotency key was used before (nothing changes then).
   */
  async append(entry: NewVolumeEntry): Promise<boolean> {
    const rows = await db().sql<{ id: string }>`
      WITH e AS (
        INSERT INTO volume_entry (period_id, member_id, order_id, pv, bv, reason, idempotency_key)
        VALUES (${entry.periodId}, ${entry.memberId}, ${entry.orderId}, ${entry.pv}::numeric, ${entry.bv}::numeric, ${entry.reason}, ${entry.idempotencyKey})
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
      )
      INSERT INTO volume_pending (entry_id) SELECT id FROM e RETURNING entry_id::text AS id`;
    return rows.length > 0;
  },

  /** Whether this transaction is the applier (another instance's applier holds it otherwise). */
  async tryApplierLock(): Promise<boolean> {
    const [row] = await db().sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${APPLIER_LOCK}) AS ok`;
    return row!.ok;
  },

  async waitApplierLock(): Promise<void> {
    await db().sql`SELECT true AS ok FROM pg_advisory_xact_lock(${APPLIER_LOCK})`;
  },

  /** Whether any entry is listed for the applier. */
  async anyPending(): Promise<boolean> {
    const [row] = await db().sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM volume_pending) AS any`;
    return row!.any;
  },

  /**
   * Takes up to `limit` listed entries off the list, oldest first (the applier, under its
   * lock). With `minAgeMs`, takes none unless the oldest listed entry was appended at least
   * that long ago: batches then gather that much of a rush whichever instance applies them.
   */
  takePending(limit: number, minAgeMs = 0): Promise<AppliedEntry[]> {
    return db().sql<AppliedEntry>`
      WITH taken AS (
        DELETE FROM volume_pending WHERE entry_id IN (SELECT entry_id FROM volume_pending ORDER BY entry_id LIMIT ${limit})
          AND (${minAgeMs}::int = 0 OR (
            SELECT e.created_at FROM volume_pending p JOIN volume_entry e ON e.id = p.entry_id ORDER BY p.entry_id LIMIT 1
          ) <= clock_timestamp() - ${minAgeMs}::int * interval '1 millisecond')
        RETURNING entry_id
      )
      SELECT e.id::text, e.period_id AS "periodId", e.member_id AS "memberId", e.order_id AS "orderId", e.pv::text, e.bv::text, e.reason, e.idempotency_key AS "idempotencyKey"
      FROM volume_entry e JOIN taken t ON t.entry_id = e.id ORDER BY e.id`;
  },

  /**
   * Folds entries into the totals in one set-based upsert: PV/BV of each buyer, GV of the
   * buyer and every sponsor above, left/right leg volume of every binary placement
   * ancestor; each touched total written once, in (period, member) order. Returns the new
   * totals with the last order (by entry) that changed each.
   */
  async apply(entryIds: readonly string[], binaryLegs: boolean): Promise<(VolumeTotalsRecord & { orderId: number | null })[]> {
    if (entryIds.length === 0) return [];
    const rows = await db().query<TotalsRow & { period_id: number; order_id: number | null }>(
      `WITH e AS (
         SELECT ve.id, ve.period_id, ve.member_id, ve.order_id, ve.pv, ve.bv, (ve.created_at AT TIME ZONE 'UTC')::date AS day,
           m.sponsor_path, m.placement_path
         FROM volume_entry ve JOIN member m ON m.id = ve.member_id WHERE ve.id = ANY($1::bigint[])
       ),
       c AS (
         SELECT period_id, member_id, day, pv, bv, 0::numeric AS gv, 0::numeric AS l, 0::numeric AS r, id AS entry_id FROM e
         UNION ALL SELECT e.period_id, a.id, e.day, 0, 0, e.pv, 0, 0, e.id FROM e CROSS JOIN LATERAL unnest(e.sponsor_path) AS a(id)
         UNION ALL SELECT e.period_id, p.placement_parent_id, e.day, 0, 0, 0,
             CASE WHEN p.placement_position = 0 THEN e.pv ELSE 0 END, CASE WHEN p.placement_position = 1 THEN e.pv ELSE 0 END, e.id
           FROM e JOIN member p ON p.id = ANY(e.placement_path)
           WHERE $2::boolean AND p.placement_parent_id IS NOT NULL AND p.placement_position IN (0, 1)
       ),
       delta AS (
         SELECT period_id, member_id, sum(pv) AS pv, sum(bv) AS bv, sum(gv) AS gv, sum(l) AS l, sum(r) AS r, max(entry_id) AS last_entry
         FROM c GROUP BY period_id, member_id
       ),
       days AS (
         INSERT INTO member_volume_day AS d (member_id, day, period_id, pv, gv, left_leg, right_leg, gv_added, gv_refunded, own_added)
         SELECT member_id, day, period_id, sum(pv), sum(gv), sum(l), sum(r),
           coalesce(sum(gv) FILTER (WHERE gv > 0), 0), coalesce(-sum(gv) FILTER (WHERE gv < 0), 0), coalesce(sum(pv) FILTER (WHERE pv > 0), 0)
         FROM c GROUP BY member_id, day, period_id ORDER BY member_id, day, period_id
         ON CONFLICT (member_id, day, period_id) DO UPDATE SET
           pv = d.pv + EXCLUDED.pv, gv = d.gv + EXCLUDED.gv, left_leg = d.left_leg + EXCLUDED.left_leg, right_leg = d.right_leg + EXCLUDED.right_leg,
           gv_added = d.gv_added + EXCLUDED.gv_added, gv_refunded = d.gv_refunded + EXCLUDED.gv_refunded, own_added = d.own_added + EXCLUDED.own_added
       ),
       up AS (
         INSERT INTO member_volume AS v (period_id, member_id, pv, bv, gv, left_leg, right_leg, revision, updated_at)
         SELECT period_id, member_id, pv, bv, gv, l, r, 1, now() FROM delta ORDER BY period_id, member_id
         ON CONFLICT (period_id, member_id) DO UPDATE SET
           pv = v.pv + EXCLUDED.pv, bv = v.bv + EXCLUDED.bv, gv = v.gv + EXCLUDED.gv,
           left_leg = v.left_leg + EXCLUDED.left_leg, right_leg = v.right_leg + EXCLUDED.right_leg,
           revision = v.revision + 1, updated_at = now()
         RETURNING period_id, member_id, pv::text, bv::text, gv::text, left_leg::text, right_leg::text, revision::int
       )
       SELECT up.*, e.order_id FROM up JOIN delta d USING (period_id, member_id) JOIN e ON e.id = d.last_entry`,
      [entryIds, binaryLegs],
    );
    // Object.assign: a spread followed by a new property is slow on Node 20 (see toSummary).
    return rows.map((r) => Object.assign(toTotals(r.period_id)(r), { orderId: r.order_id }));
  },

  /** The members each entry's volume reached (buyer, sponsors, binary placement ancestors), for webhook payloads. */
  async reached(entryIds: readonly string[], binaryLegs: boolean): Promise<Map<string, number[]>> {
    if (entryIds.length === 0) return new Map();
    const rows = await db().query<{ id: string; reached: number[] }>(
      `SELECT ve.id::text, array(
         SELECT DISTINCT x FROM unnest(m.sponsor_path || ARRAY(
           SELECT c.placement_parent_id FROM member c
           WHERE $2::boolean AND c.id = ANY(m.placement_path) AND c.placement_parent_id IS NOT NULL AND c.placement_position IN (0, 1)
         ) || ve.member_id) AS x
       ) AS reached
       FROM volume_entry ve JOIN member m ON m.id = ve.member_id WHERE ve.id = ANY($1::bigint[])`,
      [entryIds, binaryLegs],
    );
    return new Map(rows.map((r) => [r.id, r.reached]));
  },

  /** How far the applier is behind the ledger: entries not yet folded in, and the oldest one's time. */
  async lag(): Promise<{ entries: number; oldest: Date | null }> {
    const [row] = await db().sql<{ entries: number; oldest: Date | null }>`
      SELECT count(*)::int AS entries, min(e.created_at) AS oldest FROM volume_pending p JOIN volume_entry e ON e.id = p.entry_id`;
    return row!;
  },

  totals(memberId: number, periodId: number): Promise<VolumeTotalsRecord | null> {
    return runRead(volumeRepository.totalsRead(memberId, periodId));
  },

  totalsRead(memberId: number, periodId: number): Read<VolumeTotalsRecord | null> {
    return queryRead<TotalsRow, VolumeTotalsRecord | null>(
      `SELECT member_id, pv::text, bv::text, gv::text, left_leg::text, right_leg::text, revision::int
       FROM member_volume WHERE period_id = $1 AND member_id = $2`,
      [periodId, memberId],
      ([row]) => (row ? toTotals(periodId)(row) : null),
    );
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

  /** Where the per-day rollup differs from the ledger, day by day (empty when all is well). */
  async dayMismatches(binaryLegs: boolean, limit = 100): Promise<(VolumeMismatch & { day: string })[]> {
    return db().query<VolumeMismatch & { day: string }>(
      `WITH ${EXPECTED_DAYS},
       cmp AS (
         SELECT coalesce(e.period_id, k.period_id) AS period_id, coalesce(e.member_id, k.member_id) AS member_id, coalesce(e.day, k.day) AS day,
           ARRAY[coalesce(k.pv, 0), coalesce(k.gv, 0), coalesce(k.left_leg, 0), coalesce(k.right_leg, 0), coalesce(k.gv_added, 0), coalesce(k.gv_refunded, 0), coalesce(k.own_added, 0)] AS kept,
           ARRAY[coalesce(e.pv, 0), coalesce(e.gv, 0), coalesce(e.left_leg, 0), coalesce(e.right_leg, 0), coalesce(e.gv_added, 0), coalesce(e.gv_refunded, 0), coalesce(e.own_added, 0)] AS ledger
         FROM expected_days e FULL JOIN member_volume_day k ON k.member_id = e.member_id AND k.day = e.day AND k.period_id = e.period_id
       )
       SELECT period_id AS "periodId", member_id AS "memberId", day::text AS day, f.field, f.kept::text, f.ledger::text
       FROM cmp CROSS JOIN LATERAL unnest(ARRAY['pv', 'gv', 'leftLeg', 'rightLeg', 'gvAdded', 'gvRefunded', 'ownAdded'], kept, ledger) AS f(field, kept, ledger)
       WHERE f.kept <> f.ledger
       ORDER BY period_id, member_id, day, f.field
       LIMIT $2`,
      [binaryLegs, limit],
    );
  },

  /**
   * Recomputes every kept total from the whole ledger (bulk loads; the check command's
   * repair), listed entries included. Call inside a transaction, under the applier's lock.
   */
  async rebuild(binaryLegs: boolean): Promise<number> {
    const tx = db();
    await tx.execute`DELETE FROM volume_pending`;
    await tx.execute`DELETE FROM member_volume`;
    await tx.execute`DELETE FROM member_volume_day`;
    await tx.query(
      `WITH ${EXPECTED_DAYS}
       INSERT INTO member_volume_day (member_id, day, period_id, pv, gv, left_leg, right_leg, gv_added, gv_refunded, own_added)
       SELECT * FROM expected_days`,
      [binaryLegs],
    );
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
