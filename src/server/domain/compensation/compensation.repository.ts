import { jsonRows } from "@/server/db/json-rows";
import { db } from "@/server/db/unit-of-work";
import { toPage, type Page } from "@/server/domain/shared/page";
import type { CommissionLineRecord, LineKind, PlanVersionRecord, RunModeName, RunRecord, RunStatusName, RunSummary } from "./compensation.types";

/** One line as written (amounts in minor units, basis in hundredths or minor units). */
export interface LineRow {
  periodId: number;
  memberId: number;
  bonusIndex: number;
  sourceMemberId: number;
  level: number;
  bonusType: string;
  kind: LineKind;
  basis: number;
  ratePpm: number;
  uncapped: number;
  amount: number;
  rankIndex: number;
  path: number[];
  detail: object | null;
}

/** A member's commissions of one paid period, by bonus (amounts in minor units). */
export interface PeriodTotal {
  periodId: number;
  startsAt: Date;
  currency: string;
  byBonus: { bonusIndex: number; bonusType: string; amount: number; lines: number }[];
  total: number;
}

/** A line's stored columns that its explanation is made of. */
export interface LineRaw {
  basis: string;
  ratePpm: number;
  uncapped: string;
  rankIndex: number;
  path: number[];
  detail: unknown;
  planVersionId: number;
  planVersionNumber: number;
  document: unknown;
  summary: unknown;
}

/** What was paid for a period per (member, bonus, source, level), all committed runs together. */
export interface PaidRow {
  memberId: number;
  bonusIndex: number;
  sourceMemberId: number;
  level: number;
  amount: number;
}

const versionSelect = `
  SELECT v.id, v.number, v.document, v.comment, v.author_id AS "authorId", v.created_at AS "createdAt",
         CASE WHEN m.id IS NULL THEN NULL ELSE m.first_name || ' ' || m.last_name END AS "authorName",
         coalesce((SELECT array_agg(a.from_starts_at ORDER BY a.activated_at DESC) FROM comp_plan_activation a WHERE a.version_id = v.id), '{}') AS "activeFrom"
  FROM comp_plan_version v LEFT JOIN member m ON m.id = v.author_id`;

const runSelect = `
  SELECT r.id, r.period_id AS "periodId", p.starts_at AS "periodStartsAt", r.mode, r.status, r.plan_version_id AS "planVersionId",
         v.number AS "planVersionNumber", r.simulation, r.progress, r.stage, r.currency, r.total_paid::text AS "totalPaid",
         r.line_count AS "lineCount", r.lines_written AS "linesWritten", r.hash, r.summary, r.error, r.created_at AS "createdAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt"
  FROM commission_run r JOIN period p ON p.id = r.period_id JOIN comp_plan_version v ON v.id = r.plan_version_id`;

type RunRow = Omit<RunRecord, "totalPaid" | "activeFrom"> & { totalPaid: string | null };
const toRun = (r: RunRow): RunRecord => ({ ...r, totalPaid: r.totalPaid === null ? null : Number(r.totalPaid), summary: r.summary as RunSummary | null });

/** A date as an SQL literal (for the parameterless statements COPY streams). */
const timestamp = (d: Date): string => `'${d.toISOString()}'::timestamptz`;

/**
 * Each row of a parameterless query whose columns are all numbers (as text, each with its
 * own name: the query path reads them by position from an object), as numbers (NaN for
 * null) in one array reused for every row: streamed by COPY where the database offers it (a
 * million rows without a million objects), else read by query.
 */
async function eachNumberRow(sql: string, columns: number, each: (row: Float64Array) => void): Promise<void> {
  if (await db().copyOutNumbers(sql, columns, each)) return;
  const row = new Float64Array(columns);
  for (const r of await db().query<Record<string, string | null>>(sql)) {
    Object.values(r).forEach((v, i) => (row[i] = v === null ? NaN : Number(v)));
    each(row);
  }
}

export const compensationRepository = {
  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      commissionLines: await jsonRows(
        `SELECT l.* FROM commission_line l JOIN commission_run r ON r.id = l.run_id WHERE l.member_id = $1 AND r.mode = 'COMMIT' AND r.status = 'COMPLETED' ORDER BY l.period_id, l.run_id`, [memberId]),
      ranks: await jsonRows(`SELECT * FROM member_rank WHERE member_id = $1 ORDER BY period_id`, [memberId]),
    };
  },

  // ---- plan versions ----------------------------------------------------------------

  async versions(): Promise<PlanVersionRecord[]> {
    return db().query<PlanVersionRecord>(`${versionSelect} ORDER BY v.number DESC`);
  },

  async version(id: number): Promise<PlanVersionRecord | null> {
    return (await db().query<PlanVersionRecord>(`${versionSelect} WHERE v.id = $1`, [id]))[0] ?? null;
  },

  async versionByNumber(number: number): Promise<PlanVersionRecord | null> {
    return (await db().query<PlanVersionRecord>(`${versionSelect} WHERE v.number = $1`, [number]))[0] ?? null;
  },

  /** Adds a version numbered one past the highest (the caller holds the plan lock). */
  async insertVersion(document: unknown, comment: string, authorId: number | null): Promise<number> {
    const rows = await db().sql<{ id: number }>`
      INSERT INTO comp_plan_version (number, document, comment, author_id)
      VALUES ((SELECT coalesce(max(number), 0) + 1 FROM comp_plan_version), ${JSON.stringify(document)}::jsonb, ${comment}, ${authorId})
      RETURNING id`;
    return rows[0]!.id;
  },

  /** Serialises plan edits (version numbers, activations) for the rest of the transaction. */
  async lockPlans(): Promise<void> {
    await db().sql`SELECT pg_advisory_xact_lock(hashtext('comp_plan'))::text AS locked`;
  },

  async activate(versionId: number, fromStartsAt: Date, actorId: number | null): Promise<void> {
    await db().execute`INSERT INTO comp_plan_activation (version_id, from_starts_at, activated_by_id) VALUES (${versionId}, ${fromStartsAt}, ${actorId})`;
  },

  /** The version in force for a period starting at `startsAt`. */
  async versionIdFor(startsAt: Date): Promise<number | null> {
    const rows = await db().sql<{ versionId: number }>`
      SELECT version_id AS "versionId" FROM comp_plan_activation WHERE from_starts_at <= ${startsAt}
      ORDER BY from_starts_at DESC, activated_at DESC, id DESC LIMIT 1`;
    return rows[0]?.versionId ?? null;
  },

  // ---- runs -------------------------------------------------------------------------

  async insertRun(r: { periodId: number; mode: RunModeName; planVersionId: number; simulation: boolean; currency: string; startedById: number | null }): Promise<number> {
    const rows = await db().sql<{ id: number }>`
      INSERT INTO commission_run (period_id, mode, plan_version_id, simulation, currency, started_by_id)
      VALUES (${r.periodId}, ${r.mode}::"RunMode", ${r.planVersionId}, ${r.simulation}, ${r.currency}, ${r.startedById}) RETURNING id`;
    return rows[0]!.id;
  },

  async run(id: number): Promise<RunRecord | null> {
    const rows = await db().query<RunRow>(`${runSelect} WHERE r.id = $1`, [id]);
    return rows[0] ? toRun(rows[0]) : null;
  },

  async runs(filter: { periodId?: number | null }, first: number, after: number | null): Promise<Page<RunRecord>> {
    const rows = await db().query<RunRow>(
      `${runSelect} WHERE ($1::int IS NULL OR r.period_id = $1) AND ($2::int IS NULL OR r.id < $2) ORDER BY r.id DESC LIMIT $3`,
      [filter.periodId ?? null, after, first + 1],
    );
    const total = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM commission_run WHERE ($1::int IS NULL OR period_id = $1)`, [filter.periodId ?? null]);
    return toPage(rows.map(toRun), first, total[0]!.n);
  },

  /** Runs not finished (to dispatch again after a restart); failed ones wait for a retry. */
  async unfinishedRunIds(): Promise<number[]> {
    return (await db().sql<{ id: number }>`SELECT id FROM commission_run WHERE status IN ('QUEUED', 'RUNNING') ORDER BY id`).map((r) => r.id);
  },

  /**
   * Takes a queued or failed run (a retry), or a running one whose worker stopped renewing
   * its heartbeat for `leaseMs` (it crashed): RUNNING, with the volume cut-off fixed the first time. Null
   * when it is finished or another worker holds it.
   */
  async claim(id: number, leaseMs: number): Promise<{ cutoffEntryId: number } | null> {
    const rows = await db().sql<{ cutoff: string }>`
      UPDATE commission_run SET status = 'RUNNING', started_at = coalesce(started_at, now()), heartbeat_at = now(), error = NULL,
        cutoff_entry_id = coalesce(cutoff_entry_id, (SELECT coalesce(max(id), 0) FROM volume_entry))
      WHERE id = ${id} AND (status IN ('QUEUED', 'FAILED') OR (status = 'RUNNING' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => ${leaseMs / 1000}))))
      RETURNING cutoff_entry_id::text AS cutoff`;
    return rows[0] ? { cutoffEntryId: Number(rows[0].cutoff) } : null;
  },

  async progress(id: number, progress: number, stage: string): Promise<void> {
    await db().execute`UPDATE commission_run SET progress = ${progress}, stage = ${stage}, heartbeat_at = now() WHERE id = ${id} AND status = 'RUNNING'`;
  },

  async finish(id: number, r: { status: RunStatusName; totalPaid?: number | null; lineCount?: number | null; hash?: string | null; summary?: RunSummary | null; error?: string | null }): Promise<void> {
    await db().execute`
      UPDATE commission_run SET status = ${r.status}::"RunStatus", progress = ${r.status === "COMPLETED" ? 1 : 0}, stage = ${r.status === "COMPLETED" ? "done" : "failed"},
        total_paid = ${r.totalPaid ?? null}, line_count = ${r.lineCount ?? null}, hash = ${r.hash ?? null},
        summary = ${r.summary ? JSON.stringify(r.summary) : null}::jsonb, error = ${r.error ?? null}, finished_at = now()
      WHERE id = ${id}`;
  },

  // ---- inputs -----------------------------------------------------------------------

  /**
   * Members who had joined by the period's end, by id: id, sponsor id, placement parent id,
   * placement position and a fifth number, as numbers (NaN for none): when joined (ms since
   * 1970) for `"joinedAt"`, else 1 for a member who joined before `joinedBefore` (0 for the
   * others, and for all when it is null). No names: a run shows a handful (read through the
   * member service), and a million strings held through the engine's run made every
   * collection it triggered mark them (the compute step took twice as long). Numbers as the
   * database writes them, without a cast to text or a 13-digit time a member unless asked
   * (a third of the bytes of a million rows).
   */
  members(endsAt: Date, fifth: "joinedAt" | { joinedBefore: Date | null }, each: (row: Float64Array) => void): Promise<void> {
    // (Decimals and bigints as text: the query's fallback without COPY refuses them uncast.)
    const last = fifth === "joinedAt" ? "(extract(epoch FROM joined_at) * 1000)::bigint::text"
      : fifth.joinedBefore ? `(joined_at < ${timestamp(fifth.joinedBefore)})::int` : "0";
    return eachNumberRow(
      `SELECT id, sponsor_id, placement_parent_id, placement_position, ${last} FROM member m WHERE joined_at < ${timestamp(endsAt)} ORDER BY m.id`,
      5,
      each,
    );
  },

  /**
   * A period's commission volume per member (member id, PV, BV): the volume of the
   * orders credited to it, net of their refunds up to the cut-off wherever those landed (a
   * refund after the period closed lands in a later one), without other periods' refunds
   * that landed here.
   */
  volumes(periodId: number, endsAt: Date, cutoff: number, each: (row: Float64Array) => void): Promise<void> {
    const [p, c] = [Math.trunc(periodId), Math.trunc(cutoff)];
    // The kept totals (one row a member) streamed as they are, joined to the few members
    // whose refunds moved between periods: grouping a million totals with them spilled to
    // disk and sorted (1.9 s of a 1,000,000-member run's loading).
    return eachNumberRow(
      `WITH moved AS (
        SELECT member_id, sum(pv) AS pv, sum(bv) AS bv FROM (
          SELECT e.member_id, -e.pv AS pv, -e.bv AS bv FROM volume_entry e JOIN sales_order o ON o.id = e.order_id
          WHERE e.period_id = ${p} AND e.reason <> 'ORDER_PAID' AND o.period_id <> ${p}
          UNION ALL
          SELECT e.member_id, e.pv, e.bv FROM volume_entry e JOIN sales_order o ON o.id = e.order_id
          WHERE e.created_at >= ${timestamp(endsAt)} AND e.reason <> 'ORDER_PAID' AND e.id <= ${c} AND e.period_id <> ${p} AND o.period_id = ${p}
        ) r GROUP BY member_id
      )
      SELECT coalesce(v.member_id, m.member_id) AS member, (coalesce(v.pv, 0) + coalesce(m.pv, 0))::text AS pv, (coalesce(v.bv, 0) + coalesce(m.bv, 0))::text AS bv
      FROM (SELECT member_id, pv, bv FROM member_volume WHERE period_id = ${p}) v FULL JOIN moved m ON m.member_id = v.member_id`,
      3,
      each,
    );
  },

  /** Per member: plan volume of retail customers' orders, and of own orders within `days` of joining. */
  async orderVolumes(periodId: number, cutoff: number, volume: "PV" | "BV", fastStartDays: number): Promise<{ memberId: number; retail: string; fastStart: string }[]> {
    const col = volume === "PV" ? "pv" : "bv";
    return db().query(
      `SELECT e.member_id AS "memberId",
              coalesce(sum(e.${col}) FILTER (WHERE o.customer_id IS NOT NULL), 0)::text AS retail,
              coalesce(sum(e.${col}) FILTER (WHERE o.paid_at < m.joined_at + make_interval(days => $3)), 0)::text AS "fastStart"
       FROM volume_entry e JOIN sales_order o ON o.id = e.order_id JOIN member m ON m.id = e.member_id
       WHERE o.period_id = $1 AND e.id <= $2 GROUP BY e.member_id`,
      [periodId, cutoff, fastStartDays],
    );
  },

  /** Binary carry out of the first completed commit run of a period: member id, left, right, unqualified periods. */
  carries(periodId: number, each: (row: Float64Array) => void): Promise<void> {
    return eachNumberRow(
      `SELECT member_id::text AS member, "left"::text AS l, "right"::text AS r, unqualified::text AS u FROM commission_carry
       WHERE run_id = (SELECT id FROM commission_run WHERE period_id = ${Math.trunc(periodId)} AND mode = 'COMMIT' AND status = 'COMPLETED' ORDER BY id LIMIT 1)`,
      4,
      each,
    );
  },

  /**
   * The latest period before `startsAt` with a completed commit: every member who joined
   * before its end was in its run, and its ranks (`achievedRanks`) are what members had
   * reached. Achieved ranks only grow from period to period, so that period's are each
   * member's highest so far; reading it alone keeps a company's tenth year as quick to load
   * as its first.
   */
  async lastCommittedBefore(startsAt: Date): Promise<{ id: number; endsAt: Date } | null> {
    const [last] = await db().sql<{ id: number; endsAt: Date }>`
      SELECT p.id, p.ends_at AS "endsAt" FROM period p
      WHERE p.starts_at < ${startsAt} AND EXISTS (SELECT 1 FROM commission_run r WHERE r.period_id = p.id AND r.mode = 'COMMIT' AND r.status = 'COMPLETED')
      ORDER BY p.starts_at DESC LIMIT 1`;
    return last ?? null;
  },

  /** A committed period's rank rows (members not of the first rank both ways; see `replaceRanks`): member id, achieved. */
  achievedRanks(periodId: number, each: (row: Float64Array) => void): Promise<void> {
    return eachNumberRow(`SELECT member_id, achieved FROM member_rank WHERE period_id = ${Math.trunc(periodId)}`, 2, each);
  },

  /** A member's ranks in a committed period (the first rank for both when it has no row); null when the period is not committed. */
  async memberRank(periodId: number, memberId: number): Promise<{ paidAs: number; achieved: number } | null> {
    const rows = await db().sql<{ paidAs: number; achieved: number }>`
      SELECT coalesce(r.paid_as, 0)::int AS "paidAs", coalesce(r.achieved, 0)::int AS achieved
      FROM (SELECT 1 FROM commission_run WHERE period_id = ${periodId} AND mode = 'COMMIT' AND status = 'COMPLETED' LIMIT 1) c
        LEFT JOIN member_rank r ON r.period_id = ${periodId} AND r.member_id = ${memberId}`;
    return rows[0] ?? null;
  },

  /** Periods whose commission was committed, with refunds of their orders after the last look. */
  async committedPeriodsWithLateRefunds(beforeStartsAt: Date, cutoff: number): Promise<{ periodId: number; endsAt: Date; startsAt: Date }[]> {
    return db().sql`
      SELECT DISTINCT p.id AS "periodId", p.ends_at AS "endsAt", p.starts_at AS "startsAt"
      FROM period p
      WHERE p.starts_at < ${beforeStartsAt}
        AND EXISTS (SELECT 1 FROM commission_run r WHERE r.period_id = p.id AND r.mode = 'COMMIT' AND r.status = 'COMPLETED')
        AND EXISTS (
          SELECT 1 FROM volume_entry e JOIN sales_order o ON o.id = e.order_id
          WHERE o.period_id = p.id AND e.period_id <> p.id AND e.created_at >= p.ends_at AND e.reason <> 'ORDER_PAID' AND e.id <= ${cutoff}
            AND e.id > coalesce((SELECT max(r.cutoff_entry_id) FROM commission_run r WHERE r.mode = 'COMMIT' AND r.status = 'COMPLETED'
                                 AND EXISTS (SELECT 1 FROM commission_line l WHERE l.run_id = r.id AND l.period_id = p.id)), 0))
      ORDER BY p.starts_at`;
  },

  /** What committed runs (other than `exceptRunId`) paid for a period. */
  async paid(periodId: number, exceptRunId: number): Promise<PaidRow[]> {
    return db().sql`
      SELECT l.member_id AS "memberId", l.bonus_index AS "bonusIndex", l.source_member_id AS "sourceMemberId", l.level, sum(l.amount)::text AS amount
      FROM commission_line l JOIN commission_run r ON r.id = l.run_id
      WHERE l.period_id = ${periodId} AND r.status = 'COMPLETED' AND r.id <> ${exceptRunId}
      GROUP BY 1, 2, 3, 4`.then((rows) => (rows as (Omit<PaidRow, "amount"> & { amount: string })[]).map((r) => ({ ...r, amount: Number(r.amount) })));
  },

  /** Was this period committed (a completed commit run) before? */
  async committedRunIds(periodId: number): Promise<number[]> {
    return (await db().sql<{ id: number }>`SELECT id FROM commission_run WHERE period_id = ${periodId} AND mode = 'COMMIT' AND status = 'COMPLETED' ORDER BY id`).map((r) => r.id);
  },

  /** The period's sales (sum of order totals in the plan's currency), for payout ratios. */
  async sales(periodId: number, currency: string): Promise<string> {
    const rows = await db().sql<{ total: string }>`
      SELECT coalesce(sum(total - refunded_total), 0)::text AS total FROM sales_order
      WHERE period_id = ${periodId} AND currency = ${currency} AND status NOT IN ('PENDING', 'CANCELLED')`;
    return rows[0]!.total;
  },

  // ---- outputs ----------------------------------------------------------------------

  /**
   * Writes chunk number `chunk` of a run's lines and records it (lines_written = chunk + 1):
   * by COPY in one transaction where the database offers it (PostgreSQL), else 5,000 lines
   * a statement, a line written before (a rerun after a crash) left as it is. `lines` may
   * hand one row object refilled for each line: each is read before the next is taken.
   */
  async writeLineChunk(runId: number, chunk: number, lines: Iterable<Readonly<LineRow>>): Promise<void> {
    const record = { sql: "UPDATE commission_run SET lines_written = $1 WHERE id = $2", params: [chunk + 1, runId] };
    const copied = await db().copyRows(
      "commission_line",
      ["run_id", "period_id", "member_id", "bonus_index", "source_member_id", "level", "bonus_type", "kind", "basis", "rate_ppm", "uncapped", "amount", "rank_index", "path", "detail"],
      lines,
      (l, out) => out.int(runId).int(l.periodId).int(l.memberId).int(l.bonusIndex).int(l.sourceMemberId).int(l.level).text(l.bonusType).text(l.kind)
        .int(l.basis).int(l.ratePpm).int(l.uncapped).int(l.amount).int(l.rankIndex).intArray(l.path).json(l.detail),
      record,
    );
    if (copied) return;
    const all = Array.from(lines, (l) => ({ ...l }));
    for (let i = 0; i < all.length; i += 5_000) {
      const chunk = all.slice(i, i + 5_000);
      const col = <K extends keyof LineRow>(k: K) => chunk.map((l) => l[k]);
      await db().query(
        `INSERT INTO commission_line (run_id, period_id, member_id, bonus_index, source_member_id, level, bonus_type, kind, basis, rate_ppm, uncapped, amount, rank_index, path, detail)
         SELECT $1, period_id, member_id, bonus_index, source_member_id, level, bonus_type, kind, basis, rate_ppm, uncapped, amount, rank_index, path::int[], detail::json
         FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[], $9::bigint[], $10::int[], $11::bigint[], $12::bigint[], $13::int[], $14::text[], $15::text[])
           AS t(period_id, member_id, bonus_index, source_member_id, level, bonus_type, kind, basis, rate_ppm, uncapped, amount, rank_index, path, detail)
         ON CONFLICT DO NOTHING`,
        [
          runId, col("periodId"), col("memberId"), col("bonusIndex"), col("sourceMemberId"), col("level"), col("bonusType"), col("kind"),
          col("basis").map(String), col("ratePpm"), col("uncapped").map(String), col("amount").map(String), col("rankIndex"),
          chunk.map((l) => `{${l.path.join(",")}}`), chunk.map((l) => (l.detail ? JSON.stringify(l.detail) : null)),
        ],
      );
    }
    await db().query(record.sql, record.params);
  },

  /**
   * The binary carries a run leaves (members with something to carry), all at once: by COPY
   * where the database offers it, after any an earlier attempt of the run left.
   */
  async replaceCarries(runId: number, rows: readonly { memberId: number; left: number; right: number; unqualified: number }[]): Promise<void> {
    await db().query(`DELETE FROM commission_carry WHERE run_id = $1`, [runId]);
    if (rows.length === 0) return;
    const copied = await db().copyRows("commission_carry", ["run_id", "member_id", `"left"`, `"right"`, "unqualified"], rows,
      (r, out) => out.int(runId).int(r.memberId).int(r.left).int(r.right).int(r.unqualified), null);
    if (copied) return;
    for (let i = 0; i < rows.length; i += 5_000) {
      const chunk = rows.slice(i, i + 5_000);
      await db().query(
        `INSERT INTO commission_carry (run_id, member_id, "left", "right", unqualified)
         SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::int[])`,
        [runId, chunk.map((r) => r.memberId), chunk.map((r) => String(r.left)), chunk.map((r) => String(r.right)), chunk.map((r) => r.unqualified)],
      );
    }
  },

  /**
   * The ranks of a committed period, all at once: rows only for members whose paid-as or
   * achieved rank is not the first (index 0); a member of the period's run without a row
   * held the first rank, paid as and achieved. In a company of a million most members hold
   * it, and a row each was a million rows every period. Rows of an earlier attempt (a
   * failed run, ranks recomputed after refunds) go first.
   */
  async replaceRanks(runId: number, periodId: number, rows: readonly { memberId: number; paidAs: number; achieved: number }[]): Promise<void> {
    await db().query(`DELETE FROM member_rank WHERE period_id = $1`, [periodId]);
    for (let i = 0; i < rows.length; i += 5_000) {
      const chunk = rows.slice(i, i + 5_000);
      await db().query(
        `INSERT INTO member_rank (period_id, member_id, paid_as, achieved, run_id)
         SELECT $1, m, p, a, $2 FROM unnest($3::int[], $4::int[], $5::int[]) AS t(m, p, a)`,
        [periodId, runId, chunk.map((r) => r.memberId), chunk.map((r) => r.paidAs), chunk.map((r) => r.achieved)],
      );
    }
  },

  /**
   * Committed lines: newest period first, then by run and member, and within a member's
   * period in the plan's order of bonuses, by level (the nearest first), then by source.
   */
  async lines(
    filter: { memberId?: number | null; periodId?: number | null; runId?: number | null },
    first: number,
    after: string | null,
  ): Promise<Page<Omit<CommissionLineRecord, "explanation"> & { raw: LineRaw }>> {
    const where = `WHERE r.status = 'COMPLETED' AND r.mode = 'COMMIT'
      AND ($1::int IS NULL OR l.member_id = $1) AND ($2::int IS NULL OR l.period_id = $2) AND ($3::int IS NULL OR l.run_id = $3)`;
    // Cursor: "periodStartsAt|runId|memberId|bonusIndex|sourceMemberId|level" of the last line seen.
    const c = after?.split("|") ?? null;
    const rows = await db().query<Record<string, unknown>>(
      `SELECT l.run_id AS "runId", l.period_id AS "periodId", p.starts_at AS "periodStartsAt", l.member_id AS "memberId",
              m.first_name || ' ' || m.last_name AS "memberName", l.bonus_index AS "bonusIndex", l.bonus_type AS "bonusType", l.kind,
              nullif(l.source_member_id, 0) AS "sourceMemberId", CASE WHEN s.id IS NULL THEN NULL ELSE s.first_name || ' ' || s.last_name END AS "sourceName",
              l.level, l.amount::text AS amount, r.currency, l.basis::text AS basis, l.rate_ppm AS "ratePpm", l.uncapped::text AS uncapped,
              l.rank_index AS "rankIndex", l.path, l.detail, r.plan_version_id AS "planVersionId", v.number AS "planVersionNumber", v.document, r.summary
       FROM commission_line l JOIN commission_run r ON r.id = l.run_id JOIN period p ON p.id = l.period_id
       JOIN comp_plan_version v ON v.id = r.plan_version_id JOIN member m ON m.id = l.member_id LEFT JOIN member s ON s.id = l.source_member_id
       ${where}
         AND ($4::timestamptz IS NULL OR (p.starts_at, l.run_id, l.member_id, -l.bonus_index, -l.level, -l.source_member_id) <
              ($4::timestamptz, $5::int, $6::int, -$7::int, -$9::int, -$8::int))
       ORDER BY p.starts_at DESC, l.run_id DESC, l.member_id DESC, -l.bonus_index DESC, -l.level DESC, -l.source_member_id DESC LIMIT $10`,
      [filter.memberId ?? null, filter.periodId ?? null, filter.runId ?? null, c?.[0] ?? null, c ? Number(c[1]) : null, c ? Number(c[2]) : null, c ? Number(c[3]) : null, c ? Number(c[4]) : null, c ? Number(c[5]) : null, first + 1],
    );
    const total = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM commission_line l JOIN commission_run r ON r.id = l.run_id ${where}`,
      [filter.memberId ?? null, filter.periodId ?? null, filter.runId ?? null],
    );
    const records = rows.map((r) => ({
      runId: r.runId as number, periodId: r.periodId as number, periodStartsAt: r.periodStartsAt as Date, memberId: r.memberId as number,
      memberName: r.memberName as string, bonusIndex: r.bonusIndex as number, bonusType: r.bonusType as string, kind: r.kind as LineKind,
      sourceMemberId: (r.sourceMemberId as number | null) ?? null, sourceName: (r.sourceName as string | null) ?? null, level: r.level as number,
      amount: Number(r.amount), currency: r.currency as string,
      raw: {
        basis: r.basis as string, ratePpm: r.ratePpm as number, uncapped: r.uncapped as string, rankIndex: r.rankIndex as number,
        path: (r.path as number[]) ?? [], detail: r.detail, planVersionId: r.planVersionId as number, planVersionNumber: r.planVersionNumber as number, document: r.document, summary: r.summary,
      },
    }));
    return toPage(records, first, total[0]!.n);
  },

  /** A member's commission totals per committed period, newest first. */
  async totalsByPeriod(memberId: number, limit: number): Promise<PeriodTotal[]> {
    const rows = await db().sql<{ periodId: number; startsAt: Date; currency: string; bonusIndex: number; bonusType: string; amount: string; lines: number }>`
      SELECT l.period_id AS "periodId", p.starts_at AS "startsAt", r.currency, l.bonus_index AS "bonusIndex", l.bonus_type AS "bonusType",
             sum(l.amount)::text AS amount, count(*)::int AS lines
      FROM commission_line l JOIN commission_run r ON r.id = l.run_id JOIN period p ON p.id = l.period_id
      WHERE l.member_id = ${memberId} AND r.status = 'COMPLETED'
      GROUP BY 1, 2, 3, 4, 5 ORDER BY p.starts_at DESC, 4`;
    const out = new Map<number, PeriodTotal>();
    for (const r of rows) {
      const p = out.get(r.periodId) ?? { periodId: r.periodId, startsAt: r.startsAt, currency: r.currency, byBonus: [], total: 0 };
      p.byBonus.push({ bonusIndex: r.bonusIndex, bonusType: r.bonusType, amount: Number(r.amount), lines: r.lines });
      p.total += Number(r.amount);
      out.set(r.periodId, p);
    }
    return [...out.values()].slice(0, limit);
  },
};
