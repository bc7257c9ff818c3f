import { afterCommit, hasConnectionPool, isUniqueViolation, transaction } from "@/server/db/unit-of-work";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import type { AccountRecord } from "@/server/domain/ledger/ledger.types";
import { memberService } from "@/server/domain/member/member.service";
import { accessService } from "@/server/domain/access/access.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { can, notFound, requirePermission } from "@/server/domain/shared/access";
import { fieldError, InputError } from "@/server/domain/shared/input.errors";
import { pageSize } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import type { PeriodRecord } from "@/server/domain/volume/volume.types";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import { publish } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { CompensationErrorCode } from "./compensation.errors";
import { compensationRepository as repo, type LineRow, type PaidRow } from "./compensation.repository";
import type { CommissionLineRecord, LineKind, PlanVersionWithDiff, RankReportRecord, RunModeName, RunRecord, RunStatusName, RunSummary } from "./compensation.types";
import { computeRun, emptyInput, type EngineInput, type EngineResult, grown, type Numbers, runHash, runHasher } from "./engine.rules";
import { parsePlan, planDiff, pvLevels, type Plan } from "./plan.rules";
import { advancements, concatRows, engineRows, explainLine, idIndex, isLineCursor, type LineRows, rankRequirements, rowList, summarize, volumeText } from "./run.rules";

/** Lines written per transaction (and progress step). Chunks are keys: a size set here stays while a run is unfinished. */
const lineChunk = () => Number(process.env.COMMISSION_LINE_CHUNK ?? 100_000);
/** Rows compared at a time when a correction or clawback looks for what changed. */
const ROW_CHUNK = 5_000;
/** Earners credited per ledger transaction (keyed by chunk, as lines are). */
const creditChunk = () => Number(process.env.COMMISSION_CREDIT_CHUNK ?? 5_000);
/** A commit run reports its progress while writing at most this often. */
const REPORT_EVERY_MS = 1_000;
/** Lines hashed at a time between writes (a few milliseconds' work). */
const HASH_SLICE = 100_000;
/** A running run whose heartbeat is older than this may be taken over (its worker died). */
const leaseMs = () => Number(process.env.COMMISSION_RUN_LEASE_MS ?? 60_000);

// ---- dispatch: the job runner registers itself at start (server/jobs) ---------------

type Dispatcher = (runId: number) => Promise<void>;
const dispatchStore = globalThis as unknown as { __mlmRunDispatcher?: Dispatcher };

/** The job runner that executes queued runs (pg-boss in the app). Without one, runs wait (tests execute them). */
export function setRunDispatcher(dispatch: Dispatcher | null): void {
  dispatchStore.__mlmRunDispatcher = dispatch ?? undefined;
}

// Plan versions never change: parse each once per process.
const plans = new Map<number, Plan>();
async function planOf(versionId: number): Promise<Plan> {
  let plan = plans.get(versionId);
  if (!plan) {
    const v = await repo.version(versionId);
    const parsed = v && parsePlan(v.document);
    if (!parsed?.plan) throw new Error(`Plan version ${versionId} is missing or invalid.`);
    plan = parsed.plan;
    plans.set(versionId, plan);
  }
  return plan;
}

/** A period's network and volumes as engine input, with each member's index by id (-1 for none). */
interface Loaded {
  input: EngineInput;
  indexOf: (memberId: number) => number;
}

/** The rows with their members' names (the placeholder `#id` stays for a member without one). */
async function named<T extends { memberId: number; name: string }>(rows: T[]): Promise<T[]> {
  const members = await memberService.findManyByIds([...new Set(rows.map((r) => r.memberId))]);
  const names = new Map(members.map((m) => [m.id, `${m.firstName} ${m.lastName}`]));
  return rows.map((r) => ({ ...r, name: names.get(r.memberId) ?? r.name }));
}

const hundredths = (decimal: string) => Math.round(Number(decimal) * 100);

/** Numbers appended one at a time into a typed array that doubles when full (`grown`). */
class Column<T extends Numbers> {
  private data: T;
  private n = 0;

  constructor(make: new (length: number) => T) {
    this.data = new make(1 << 16);
  }

  get length(): number {
    return this.n;
  }

  push(v: number): void {
    if (this.n === this.data.length) this.data = grown(this.data, this.n + 1, this.n);
    this.data[this.n++] = v;
  }

  /** The numbers appended (a view: valid until the next push). */
  values(): T {
    return this.data.subarray(0, this.n) as T;
  }
}

async function loadInput(period: PeriodRecord, plan: Plan, cutoff: number): Promise<Loaded> {
  // The kept totals are read below: every entry appended so far is folded in first.
  await volumeService.applyPending();
  // Members, their totals, carries and ranks are read side by side (each on its own
  // connection where there is a pool): the database reads one while this process parses
  // another. Columns first (ids ascending), then indexes: sponsors and parents may join
  // later in id order. Each column fills a typed array that doubles as it grows (a push of
  // a million numbers onto an array, five columns, cost more than parsing them).
  const last = await repo.lastCommittedBefore(period.startsAt);
  const board = plan.bonuses.some((b) => b.type === "BOARD");
  const ids = new Column(Int32Array);
  const sponsors = new Column(Int32Array);
  const parents = new Column(Int32Array);
  const positions = new Column(Int8Array);
  // When each member joined (board plans: boards are replayed in join order), else whether
  // they joined before the last committed period ended (then they had its ranks).
  const joined = new Column(Float64Array);
  const totals = { ids: new Column(Int32Array), pv: new Column(Float64Array), bv: new Column(Float64Array) };
  const fastStart = plan.bonuses.find((b) => b.type === "FAST_START");
  const binary = plan.bonuses.some((b) => b.type === "BINARY");
  const carries = new Column(Float64Array); // four numbers a member: id, left, right, unqualified periods
  const achieved = new Column(Float64Array); // two numbers a member: id, achieved rank
  const [, , orderVolumes] = await Promise.all([
    repo.members(period.endsAt, board ? "joinedAt" : { joinedBefore: last?.endsAt ?? null }, (r) => {
      ids.push(r[0]!);
      sponsors.push(Number.isNaN(r[1]) ? 0 : r[1]!);
      parents.push(Number.isNaN(r[2]) ? 0 : r[2]!);
      positions.push(Number.isNaN(r[3]) ? 0 : r[3]!);
      joined.push(r[4]!);
    }),
    repo.volumes(period.id, period.endsAt, cutoff, (r) => {
      totals.ids.push(r[0]!);
      totals.pv.push(Math.round(r[1]! * 100));
      totals.bv.push(Math.round(r[2]! * 100));
    }),
    fastStart || plan.bonuses.some((b) => b.type === "RETAIL") ? repo.orderVolumes(period.id, cutoff, plan.volume, fastStart?.days ?? 0) : [],
    binary ? volumeService.previousPeriod(period).then((previous) => previous && repo.carries(previous.id, (r) => {
      for (let k = 0; k < 4; k++) carries.push(r[k]!);
    })) : null,
    // Achieved before: what the latest committed period's rows say, the first rank for its
    // other members, nothing (-1) for members who joined since.
    last ? repo.achievedRanks(last.id, (r) => {
      achieved.push(r[0]!);
      achieved.push(r[1]!);
    }) : null,
  ]);
  const n = ids.length;
  const input = emptyInput(n);
  input.ids.set(ids.values());
  const indexOf = idIndex(input.ids);
  const [sponsor, parent, position] = [sponsors.values(), parents.values(), positions.values()];
  for (let i = 0; i < n; i++) {
    input.sponsor[i] = sponsor[i] ? indexOf(sponsor[i]!) : -1;
    input.parent[i] = parent[i] ? indexOf(parent[i]!) : -1;
    input.position[i] = position[i]!;
  }
  const [totalIds, pv, bv] = [totals.ids.values(), totals.pv.values(), totals.bv.values()];
  for (let t = 0; t < totalIds.length; t++) {
    const i = indexOf(totalIds[t]!);
    if (i < 0) continue;
    input.pv[i] = pv[t]!;
    input.bv[i] = bv[t]!;
  }
  for (const v of orderVolumes) {
    const i = indexOf(v.memberId);
    if (i < 0) continue;
    input.retail[i] = hundredths(v.retail);
    input.fastStart[i] = fastStart ? hundredths(v.fastStart) : 0;
  }
  const carried = carries.values();
  for (let c = 0; c < carried.length; c += 4) {
    const i = indexOf(carried[c]!);
    if (i < 0) continue;
    input.carryLeft[i] = carried[c + 1]!;
    input.carryRight[i] = carried[c + 2]!;
    input.unqualifiedPeriods[i] = carried[c + 3]!;
  }
  const joins = joined.values();
  if (board) {
    // Boards are replayed in join order (time, then id).
    input.joinOrder = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => joins[a]! - joins[b]! || a - b);
    const start = period.startsAt.getTime();
    input.joinedBefore = joins.filter((t) => t < start).length;
  }
  if (last) {
    const end = last.endsAt.getTime();
    for (let i = 0; i < n; i++) if (board ? joins[i]! < end : joins[i] === 1) input.achievedBefore[i] = 0;
  }
  const reached = achieved.values();
  for (let a = 0; a < reached.length; a += 2) {
    const i = indexOf(reached[a]!);
    if (i >= 0) input.achievedBefore[i] = Math.min(reached[a + 1]!, plan.ranks.length - 1);
  }
  return { input, indexOf };
}

const lineKey = (l: { memberId: number; bonusIndex: number; sourceMemberId: number; level: number }) => `${l.memberId}:${l.bonusIndex}:${l.sourceMemberId}:${l.level}`;

/** What is still owed (or overpaid) for a period: computed minus paid, per key, as lines of `kind`. */
function differences(periodId: number, computed: LineRows, paid: PaidRow[], kind: LineKind, bonusTypes: string[]): LineRow[] {
  const paidBy = new Map(paid.map((p) => [lineKey(p), p]));
  const out: LineRow[] = [];
  for (let from = 0; from < computed.length; from += ROW_CHUNK) {
    for (const line of computed.slice(from, from + ROW_CHUNK)) {
      const key = lineKey(line);
      const before = paidBy.get(key)?.amount ?? 0;
      paidBy.delete(key);
      if (line.amount !== before) out.push({ ...line, kind, amount: line.amount - before, uncapped: line.uncapped - before });
    }
  }
  // Paid before, computed no more (the source's order was refunded in full, say).
  for (const p of paidBy.values()) {
    if (p.amount === 0) continue;
    out.push({ ...p, periodId, bonusType: bonusTypes[p.bonusIndex] ?? "UNKNOWN", kind, basis: 0, ratePpm: 0, uncapped: -p.amount, amount: -p.amount, rankIndex: -1, path: [], detail: null });
  }
  return out;
}

/** The binary carry and the ranks a period's first commit leaves for the next periods. */
async function keepCarriesAndRanks(runId: number, periodId: number, ids: Int32Array, result: EngineResult): Promise<void> {
  const carries: { memberId: number; left: number; right: number; unqualified: number }[] = [];
  for (let i = 0; i < ids.length; i++) {
    const memberId = ids[i]!;
    if (result.carryLeft[i] || result.carryRight[i] || result.unqualifiedPeriods[i]) {
      carries.push({ memberId, left: result.carryLeft[i]!, right: result.carryRight[i]!, unqualified: result.unqualifiedPeriods[i]! });
    }
  }
  await repo.replaceCarries(runId, carries);
  await keepRanks(runId, periodId, ids, result);
}

/** A committed period's ranks (rows for members not of the first rank), replacing any an earlier attempt left. */
async function keepRanks(runId: number, periodId: number, ids: Int32Array, result: EngineResult): Promise<void> {
  const ranks: { memberId: number; paidAs: number; achieved: number }[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (result.paidAs[i] !== 0 || result.achieved[i] !== 0) ranks.push({ memberId: ids[i]!, paidAs: result.paidAs[i]!, achieved: result.achieved[i]! });
  }
  await transaction(() => repo.replaceRanks(runId, periodId, ranks));
}

async function announce(runId: number, status: RunStatusName, progress: number, stage: string): Promise<void> {
  publish(Topic.CommissionRunProgress, { runId, status, progress, stage });
}

async function step(runId: number, progress: number, stage: string): Promise<void> {
  await repo.progress(runId, progress, stage);
  await announce(runId, "RUNNING", progress, stage);
}

// Previews of a period (for rank report cards and estimated earnings), kept briefly.
const PREVIEW_TTL_MS = 15_000;
const previews = new Map<number, { at: number; value: Promise<{ plan: Plan; versionId: number; loaded: Loaded; result: EngineResult }> }>();

export const compensationService = {
  /** The member's committed commission lines and ranks, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return repo.personalData(memberId);
  },

  // ---- plans ------------------------------------------------------------------------

  /** The version in force for the current period (public to signed-in members: the API checks the sign-in). */
  async activePlan() {
    const period = await volumeService.currentPeriod();
    const id = await repo.versionIdFor(period.startsAt);
    return id === null ? null : repo.version(id);
  },

  /** The PV levels the plan in force asks of members (being active, each rank's PV), lowest first; null without a plan. */
  async pvLevels(): Promise<{ name: string; pv: number }[] | null> {
    const version = await this.activePlan();
    const plan = version ? parsePlan(version.document).plan : null;
    return plan ? pvLevels(plan) : null;
  },

  async planVersions(viewer: Viewer): Promise<PlanVersionWithDiff[]> {
    requirePermission(viewer, "commissions.read", "plan versions");
    const versions = await repo.versions();
    return versions.map((v, i) => ({ ...v, changes: i + 1 < versions.length ? planDiff(versions[i + 1]!.document, v.document) : [] }));
  },

  async planVersion(viewer: Viewer, id: number) {
    requirePermission(viewer, "commissions.read", "plan versions");
    const v = await repo.version(id);
    if (!v) throw notFound("Plan version");
    const before = v.number > 1 ? await repo.versionByNumber(v.number - 1) : null;
    return { ...v, changes: before ? planDiff(before.document, v.document) : [] };
  },

  /** Saves a new version (not yet active). An invalid plan: one error per problem, nothing saved. */
  async savePlanVersion(viewer: Viewer, document: unknown, comment: string) {
    requirePermission(viewer, "plans.edit", "the compensation plan");
    const parsed = parsePlan(document);
    const errors = [...parsed.errors];
    if (comment.trim().length > 500) errors.push({ field: "comment", code: CompensationErrorCode.TOO_LONG, message: "At most 500 characters." });
    if (errors.length > 0) throw new InputError(errors);
    const id = await transaction(async () => {
      await repo.lockPlans();
      const newId = await repo.insertVersion(parsed.plan, comment.trim(), viewer.id);
      await auditService.record(viewer, { action: "plan.save", targetType: "plan_version", targetId: newId, after: { comment: comment.trim() } });
      return newId;
    });
    return (await this.planVersion(viewer, id));
  },

  /** Puts a version in force from a period on. Periods already committed keep theirs. */
  async activatePlanVersion(viewer: Viewer, versionId: number, fromPeriodId: number) {
    requirePermission(viewer, "plans.edit", "the compensation plan");
    const [version, period] = await Promise.all([repo.version(versionId), volumeService.findPeriod(fromPeriodId)]);
    if (!version) throw fieldError("id", CompensationErrorCode.NOT_FOUND, "No plan version has this id.");
    if (!period) throw fieldError("fromPeriodId", CompensationErrorCode.NOT_FOUND, "No period has this id.");
    if ((await repo.committedRunIds(period.id)).length > 0) {
      throw fieldError("fromPeriodId", CompensationErrorCode.INVALID, "This period was paid already: activate from a later period.");
    }
    await transaction(async () => {
      await repo.lockPlans();
      await repo.activate(versionId, period.startsAt, viewer.id);
      await auditService.record(viewer, { action: "plan.activate", targetType: "plan_version", targetId: versionId, after: { version: version.number, fromPeriod: period.id } });
    });
    previews.clear();
    return (await repo.version(versionId))!;
  },

  // ---- runs -------------------------------------------------------------------------

  /**
   * Queues a run. COMMIT needs a closed period and pays what is still owed for it (all of
   * it the first time, the difference after that); PREVIEW writes nothing. With a version
   * id (a draft), the run is a simulation compared with what was paid.
   */
  async startRun(viewer: Viewer, periodId: number, mode: RunModeName, simulateVersionId?: number | null): Promise<RunRecord> {
    requirePermission(viewer, "commissions.run", "commission runs");
    const period = await volumeService.findPeriod(periodId);
    if (!period) throw fieldError("periodId", CompensationErrorCode.NOT_FOUND, "No period has this id.");
    if (mode === "COMMIT" && period.status !== "CLOSED") {
      throw fieldError("periodId", CompensationErrorCode.PERIOD_OPEN, "Close the period before committing its commissions (a preview works any time).");
    }
    if (simulateVersionId != null && mode === "COMMIT") throw fieldError("mode", CompensationErrorCode.INVALID, "A simulation is a preview.");
    const versionId = simulateVersionId ?? (await repo.versionIdFor(period.startsAt));
    if (versionId === null) throw fieldError("periodId", CompensationErrorCode.NO_ACTIVE_PLAN, "No plan version is active for this period.");
    const plan = await planOf(versionId).catch(() => null);
    if (!plan) throw fieldError("versionId", CompensationErrorCode.NOT_FOUND, "No plan version has this id.");
    let id: number;
    try {
      id = await transaction(async () => {
        const runId = await repo.insertRun({ periodId, mode, planVersionId: versionId, simulation: simulateVersionId != null, currency: plan.currency, startedById: viewer.id });
        if (mode === "COMMIT") await auditService.record(viewer, { action: "commission.commit", targetType: "commission_run", targetId: runId, after: { periodId, planVersionId: versionId } });
        afterCommit(() => void dispatchStore.__mlmRunDispatcher?.(runId).catch((err) => console.error(`[compensation] dispatch of run ${runId} failed:`, err)));
        return runId;
      });
    } catch (err) {
      if (isUniqueViolation(err, "commission_run_one_commit_at_a_time")) {
        throw fieldError("periodId", CompensationErrorCode.RUN_IN_PROGRESS, "A commit run is queued, running or failed: let it finish, or retry the failed one.");
      }
      throw err;
    }
    return (await repo.run(id))!;
  },

  /** Sends a failed run to the job runner again: it resumes where it stopped (a commit pays nothing twice). */
  async retryRun(viewer: Viewer, id: number): Promise<RunRecord> {
    requirePermission(viewer, "commissions.run", "commission runs");
    const run = await repo.run(id);
    if (!run) throw fieldError("id", CompensationErrorCode.NOT_FOUND, "No run has this id.");
    if (run.status !== "FAILED") throw fieldError("id", CompensationErrorCode.INVALID, "Only a failed run can be retried.");
    await dispatchStore.__mlmRunDispatcher?.(id);
    return run;
  },

  /** Runs that should be running (for the job runner at start). */
  unfinishedRunIds() {
    return repo.unfinishedRunIds();
  },

  /**
   * The job: computes a run and, for COMMIT, writes its lines and credits wallets. Safe to
   * call again at any point after a crash: the cut-off is fixed at the first claim, the
   * engine is deterministic, lines are keyed by (run, period, member, bonus, source,
   * level) and every credit by its ledger key, so a rerun completes what is missing.
   * `postedAt` dates the wallet credits (imports of earlier history, the demo seed).
   */
  async executeRun(runId: number, options: { postedAt?: Date } = {}): Promise<RunRecord | null> {
    const claimed = await repo.claim(runId, leaseMs());
    if (!claimed) return repo.run(runId);
    const timings: { stage: string; ms: number }[] = [];
    let mark = performance.now();
    const lap = (stage: string) => {
      const now = performance.now();
      timings.push({ stage, ms: Math.round(now - mark) });
      mark = now;
    };
    try {
      await step(runId, 0.02, "loading");
      const run = (await repo.run(runId))!;
      const period = (await volumeService.findPeriod(run.periodId))!;
      const plan = await planOf(run.planVersionId);
      // A commit first takes back what earlier paid periods owe after refunds of their
      // orders (and the ranks reached on that volume, which this period's input then sees).
      const clawbacks = run.mode === "COMMIT" ? await this.clawbacks(runId, period, claimed.cutoffEntryId) : [];
      const loaded = await loadInput(period, plan, claimed.cutoffEntryId);
      lap("loading");
      await step(runId, 0.25, "computing");
      const result = computeRun(plan, loaded.input);
      lap("computing");
      const computed = engineRows(plan, period.id, loaded.input.ids, result);

      if (run.mode === "PREVIEW") {
        const hash = runHash(loaded.input.ids, result.lines);
        lap("hashing and ordering lines");
        const summary = summarize(plan, loaded, result, computed);
        summary.topEarners = await named(summary.topEarners);
        if (run.simulation) summary.comparison = await this.compare(plan, period, loaded, result, computed);
        lap("summary");
        summary.timings = timings;
        await repo.finish(runId, { status: "COMPLETED", totalPaid: result.total, lineCount: computed.length, hash, summary });
        await announce(runId, "COMPLETED", 1, "done");
        return repo.run(runId);
      }

      // What this run pays for its period: all of it, or the difference after an earlier commit.
      const before = (await repo.committedRunIds(period.id)).filter((id) => id !== runId);
      const rows = concatRows(
        before.length === 0 ? computed : rowList(differences(period.id, computed, await repo.paid(period.id, runId), "CORRECTION", plan.bonuses.map((b) => b.type))),
        clawbacks,
      );
      const clawback = clawbacks.reduce((s, d) => s + d.amount, 0);

      // Lines and credits are written side by side (on PostgreSQL, each on its own
      // connection): the credits are the lines' nets per earner, known before a line is
      // written. Both resume after a crash: line chunks and credit chunks are cut at the
      // same places every time (the rows are deterministic) and each is recorded by key.
      const nets = rows.nets();
      let linesMs = 0;
      let creditsMs = 0;
      let ranksMs = 0;
      let summaryMs = 0;
      const size = lineChunk();
      const work = { lines: rows.length, credits: nets.length, linesDone: run.linesWritten * size, creditsDone: 0 };
      const parallel = hasConnectionPool();
      const stage = parallel ? "writing lines and crediting wallets" : null;
      // Progress at most once a second, and at once when the stage changes: each report is
      // an UPDATE whose commit waits for all the WAL the lines' COPY wrote before it, on the
      // path of whichever side reports (124 a run, each after a chunk, were most of a second).
      let reported = { at: -Infinity, stage: "" };
      const report = async (fallback: string) => {
        const now = performance.now();
        const label = stage ?? fallback;
        if (label === reported.stage && now - reported.at < REPORT_EVERY_MS) return;
        reported = { at: now, stage: label };
        await step(runId, 0.3 + 0.68 * Math.min(1, (work.linesDone + work.creditsDone) / Math.max(1, work.lines + work.credits)), label);
      };
      const writeLines = async () => {
        await report("writing lines");
        for (let c = run.linesWritten; c * size < rows.length; c++) {
          await repo.writeLineChunk(runId, c, rows.each(c * size, (c + 1) * size));
          work.linesDone = Math.min(rows.length, (c + 1) * size);
          await report("writing lines");
        }
        linesMs = Math.round(performance.now() - mark);
      };
      const credit = () => this.credit(runId, plan.currency, period, nets, options.postedAt, (done) => {
        work.creditsDone = done;
        if (done === nets.length) creditsMs = Math.round(performance.now() - mark);
        return report("crediting wallets");
      });
      // The run's hash is made a slice at a time while the lines and credits are written
      // (this process mostly waits for the database then).
      const hashing = (async () => {
        const hasher = runHasher(loaded.input.ids, result.lines);
        while (!hasher.step(HASH_SLICE)) await new Promise((resolve) => setImmediate(resolve));
        return hasher.digest();
      })();
      // The carries and ranks, then the summary: a third side where there is a pool (on its
      // own connection from the start: when it waited for the first of the other two to end,
      // the two ended close together and it ran on after both, one core idle), else last.
      const keep = async (): Promise<{ hash: string; summary: RunSummary }> => {
        if (before.length === 0) await keepCarriesAndRanks(runId, period.id, loaded.input.ids, result);
        ranksMs = Math.round(performance.now() - mark);
        const hash = await hashing;
        const summary = summarize(plan, loaded, result, computed);
        summary.topEarners = await named(summary.topEarners);
        summary.clawback = clawback;
        summaryMs = Math.round(performance.now() - mark);
        return { hash, summary };
      };
      let total: number;
      let kept: { hash: string; summary: RunSummary };
      if (parallel) {
        const [written, credited, keeping] = await Promise.allSettled([writeLines(), credit(), keep()]);
        for (const side of [written, credited, keeping]) if (side.status === "rejected") throw side.reason;
        total = (credited as PromiseFulfilledResult<number>).value;
        kept = (keeping as PromiseFulfilledResult<{ hash: string; summary: RunSummary }>).value;
      } else {
        await writeLines();
        total = await credit();
        kept = await keep();
      }
      lap(parallel ? "writing lines and crediting wallets" : "writing lines, then crediting wallets");
      timings.push(
        { stage: "  of which lines", ms: linesMs }, { stage: "  of which credits", ms: creditsMs },
        { stage: "  carries and ranks done", ms: ranksMs }, { stage: "  hash and summary done", ms: summaryMs },
      );
      const { hash, summary } = kept;
      summary.timings = timings;
      await transaction(async () => {
        await repo.finish(runId, { status: "COMPLETED", totalPaid: total, lineCount: rows.length, hash, summary });
        // New ranks reach the loyalty programme with the commit (rank badges, rank points, segments).
        if (before.length === 0) {
          const advanced = advancements(plan, loaded.input.ids, loaded.input.achievedBefore, result.achieved);
          await loyaltyService.ranksAchieved(advanced, options.postedAt ?? new Date());
          await webhookService.emitMany("rank.changed", advanced.map((a) => ({
            eventId: `rank.changed:${a.memberId}:${a.rank}`, payload: { memberId: a.memberId, rank: a.rank, previousRank: a.from, periodId: period.id, runId },
          })));
        }
        await webhookService.emit("commission_run.committed", `commission_run.committed:${runId}`, {
          runId, periodId: period.id, planVersionId: run.planVersionId, currency: plan.currency, totalPaid: total, lines: rows.length,
        });
      });
      previews.delete(period.id);
      await announce(runId, "COMPLETED", 1, "done");
      return repo.run(runId);
    } catch (err) {
      console.error(`[compensation] run ${runId} failed:`, err);
      await repo.finish(runId, { status: "FAILED", error: (err as Error).message?.slice(0, 500) ?? "failed" });
      await announce(runId, "FAILED", 0, "failed");
      throw err;
    }
  },

  /** Differences (CLAWBACK lines) of earlier committed periods whose orders were refunded since. */
  async clawbacks(runId: number, period: PeriodRecord, cutoff: number): Promise<LineRow[]> {
    const out: LineRow[] = [];
    for (const late of await repo.committedPeriodsWithLateRefunds(period.startsAt, cutoff)) {
      const earlier = (await volumeService.findPeriod(late.periodId))!;
      const versionId = await repo.versionIdFor(earlier.startsAt);
      if (versionId === null) continue;
      const earlierPlan = await planOf(versionId);
      const again = await loadInput(earlier, earlierPlan, cutoff);
      const recomputedRun = computeRun(earlierPlan, again.input);
      const recomputed = engineRows(earlierPlan, earlier.id, again.input.ids, recomputedRun);
      // Ranks reached on refunded volume are no longer achieved (their bonus is clawed back with the rest).
      await keepRanks(runId, earlier.id, again.input.ids, recomputedRun);
      out.push(...differences(earlier.id, recomputed, await repo.paid(earlier.id, runId), "CLAWBACK", earlierPlan.bonuses.map((b) => b.type)));
    }
    return out;
  },

  /**
   * Credits each earner's net amount of the run to their wallet, in batches, each key once.
   * A positive amount first pays off what the member owes (COMMISSION_DEBT); a negative one
   * takes what the wallet holds and books the rest as debt: wallets never go negative.
   */
  async credit(runId: number, currency: string, period: PeriodRecord, nets: readonly { memberId: number; amount: number }[], postedAt: Date | undefined, progress: (done: number) => Promise<void>): Promise<number> {
    const expense = await ledgerService.accountId(null, "COMMISSIONS_EXPENSE", currency);
    const month = period.startsAt.toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
    let total = 0;
    await progress(0);
    // The batches posted already in one read; the earners' wallets and debts in one read per
    // ten batches (a read per batch was a tenth of the credits' time; all at once, more
    // accounts than the ledger remembers the units of, so that every batch asked for them
    // again). Balances matter only to a clawback (what the wallet can give) and to a debt
    // (what is owed): those are read again just before their batch is posted.
    const keyOf = (chunkNo: number) => `commission:run:${runId}:chunk:${chunkNo}`;
    const CREDIT_CHUNK = creditChunk();
    const posted = await ledgerService.existingKeys(Array.from({ length: Math.ceil(nets.length / CREDIT_CHUNK) }, (_, c) => keyOf(c)));
    // Wallets by member: their ids for all (read lean), their balances only where a clawback
    // needs what the wallet can give; debt accounts with their balances (few members have one).
    const walletIds = new Map<number, number>();
    const wallets = new Map<number, AccountRecord>();
    const debts = new Map<number, AccountRecord>();
    const learn = (accounts: readonly AccountRecord[]) => {
      for (const a of accounts) {
        if (a.unit !== currency) continue;
        if (a.kind === "WALLET") {
          walletIds.set(a.ownerId!, a.id);
          wallets.set(a.ownerId!, a);
        } else {
          debts.set(a.ownerId!, a);
        }
      }
    };
    const window = CREDIT_CHUNK * 10;
    // A window's wallets and debts, read while the window before it is posted (on another
    // connection): the credits post one batch after another, and a read between two of
    // them was time on that path.
    const lookUp = async (from: number, firstChunk: number) => {
      const ahead = nets.slice(from, from + window).filter((_, j) => !posted.has(keyOf(firstChunk + Math.floor(j / CREDIT_CHUNK))));
      if (ahead.length === 0) return null;
      const found = await ledgerService.ownedAccountIds(ahead.map((c) => c.memberId), ["WALLET", "COMMISSION_DEBT"], currency);
      const owing = [...found.get("COMMISSION_DEBT")!.values()];
      return { walletIds: found.get("WALLET")!, debts: owing.length > 0 ? await ledgerService.findAccounts(owing) : [] };
    };
    let next: ReturnType<typeof lookUp> | null = null;
    // One ledger transaction per chunk of earners (the company's expense against each wallet),
    // keyed by run and chunk: members are in id order, so a rerun makes the same chunks.
    for (let i = 0, chunkNo = 0; i < nets.length; i += CREDIT_CHUNK, chunkNo++) {
      const chunk = nets.slice(i, i + CREDIT_CHUNK);
      chunk.forEach((c) => (total += c.amount));
      const key = keyOf(chunkNo);
      if (i % window === 0) {
        const found = await (next ?? lookUp(i, chunkNo));
        next = i + window < nets.length ? lookUp(i + window, chunkNo + window / CREDIT_CHUNK) : null;
        next?.catch(() => undefined); // awaited with the next window (an error surfaces there)
        walletIds.clear();
        wallets.clear();
        debts.clear();
        if (found) {
          for (const [memberId, id] of found.walletIds) walletIds.set(memberId, id);
          learn(found.debts);
        }
      }
      if (!posted.has(key)) {
        const ids = chunk.map((c) => c.memberId);
        const fresh = chunk.filter((c) => c.amount < 0 || debts.has(c.memberId)).map((c) => c.memberId);
        if (fresh.length > 0) learn(await ledgerService.ownedAccountsOfKinds(fresh, ["WALLET", "COMMISSION_DEBT"]));
        // A wallet that does not exist yet is opened.
        const noWallet = ids.filter((id) => !walletIds.has(id));
        learn(await ledgerService.accounts(noWallet.map((ownerId) => ({ ownerId, kind: "WALLET" as const, unit: currency }))));
        const available = (memberId: number) => Math.max(0, wallets.get(memberId)!.posted - wallets.get(memberId)!.pendingDebits);
        // Debt accounts for clawbacks the wallet cannot cover, opened together.
        const newDebtors = chunk.filter((c) => c.amount < 0 && -c.amount > available(c.memberId) && !debts.has(c.memberId));
        learn(await ledgerService.accounts(newDebtors.map((c) => ({ ownerId: c.memberId, kind: "COMMISSION_DEBT" as const, unit: currency }))));
        // Every leg in the plan's currency (the wallets and debts were read by it): said on
        // each, so the ledger need not look 5,000 accounts' units up to check the balance.
        const postings = [{ accountId: expense, amount: 0, unit: currency }];
        for (const c of chunk) {
          const wallet = walletIds.get(c.memberId)!;
          const debt = debts.get(c.memberId);
          const owed = debt ? Math.max(0, -debt.posted) : 0;
          postings[0]!.amount -= c.amount;
          if (c.amount > 0) {
            const repay = Math.min(c.amount, owed);
            if (repay > 0) postings.push({ accountId: debt!.id, amount: repay, unit: currency });
            if (c.amount - repay > 0) postings.push({ accountId: wallet, amount: c.amount - repay, unit: currency });
          } else {
            const covered = Math.min(-c.amount, available(c.memberId));
            if (covered > 0) postings.push({ accountId: wallet, amount: -covered, unit: currency });
            if (-c.amount - covered > 0) postings.push({ accountId: debt!.id, amount: c.amount + covered, unit: currency });
          }
        }
        const legs = postings.filter((p) => p.amount !== 0);
        // A negative amount in a wallet is a clawback (the wallet history says so). SQL only
        // (lean): Prisma's engine would carry the chunk's 5,000 legs and the accounts back.
        if (legs.length > 0) await transaction(() =>
          ledgerService.post({
            kind: "POSTED", key, reason: "COMMISSION",
            memo: `for ${month} (run ${runId})`, reference: { type: "COMMISSION_RUN", id: String(runId) }, postings: legs, at: postedAt ?? null,
          }), { lean: true },
        );
      }
      await progress(Math.min(nets.length, i + CREDIT_CHUNK));
    }
    return total;
  },

  /** A simulation against what was paid for the period. */
  async compare(plan: Plan, period: PeriodRecord, loaded: Loaded, result: EngineResult, simulated: LineRows): Promise<NonNullable<RunSummary["comparison"]>> {
    const paidRows = await repo.paid(period.id, 0);
    const sales = await repo.sales(period.id, plan.currency);
    const bySim = new Map<number, number>();
    simulated.amounts((memberId, _b, amount) => bySim.set(memberId, (bySim.get(memberId) ?? 0) + amount));
    const byPaid = new Map<number, number>();
    for (const l of paidRows) byPaid.set(l.memberId, (byPaid.get(l.memberId) ?? 0) + l.amount);
    const ids = [...new Set([...bySim.keys(), ...byPaid.keys()])];
    const diffs = ids.map((id) => ({ memberId: id, name: `#${id}`, paid: byPaid.get(id) ?? 0, simulated: bySim.get(id) ?? 0 }));
    const paid = [...byPaid.values()].reduce((s, v) => s + v, 0);
    const sim = [...bySim.values()].reduce((s, v) => s + v, 0);
    const salesMinor = Math.round(Number(sales) * 100);
    // Averages per rank the members are paid as under the simulated plan.
    const byRank = plan.ranks.map((r) => ({ rank: r.name, paidAverage: 0, simulatedAverage: 0 }));
    const rankCounts = plan.ranks.map(() => ({ n: 0, paid: 0, sim: 0 }));
    for (let i = 0; i < loaded.input.ids.length; i++) {
      const r = result.paidAs[i]!;
      if (r < 0) continue;
      const id = loaded.input.ids[i]!;
      rankCounts[r]!.n++;
      rankCounts[r]!.paid += byPaid.get(id) ?? 0;
      rankCounts[r]!.sim += bySim.get(id) ?? 0;
    }
    rankCounts.forEach((c, r) => {
      byRank[r]!.paidAverage = c.n ? Math.round(c.paid / c.n) : 0;
      byRank[r]!.simulatedAverage = c.n ? Math.round(c.sim / c.n) : 0;
    });
    const sorted = [...diffs].sort((a, b) => b.simulated - b.paid - (a.simulated - a.paid) || a.memberId - b.memberId);
    return {
      paid, simulated: sim, sales,
      paidRatio: salesMinor > 0 ? paid / salesMinor : null,
      simulatedRatio: salesMinor > 0 ? sim / salesMinor : null,
      byRank,
      winners: await named(sorted.slice(0, 5).filter((d) => d.simulated > d.paid)),
      losers: await named(sorted.reverse().slice(0, 5).filter((d) => d.simulated < d.paid)),
    };
  },

  async run(viewer: Viewer, id: number): Promise<RunRecord> {
    requirePermission(viewer, "commissions.read", "commission runs");
    const run = await repo.run(id);
    if (!run) throw notFound("Commission run");
    return run;
  },

  runs(viewer: Viewer, filter: { periodId?: number | null }, first: number | null | undefined, after: number | null) {
    requirePermission(viewer, "commissions.read", "commission runs");
    return repo.runs(filter, pageSize(first, 20), after);
  },

  // ---- what members see -------------------------------------------------------------

  /** Committed commission lines with their explanations: a member's own, or anyone's for admins. */
  async commissions(viewer: Viewer, filter: { memberId?: number | null; periodId?: number | null; runId?: number | null }, first: number | null | undefined, after: string | null) {
    // Without a member: an admin asking for a run or a period sees everyone's; anyone else their own.
    const memberId = filter.memberId ?? (can(viewer, "commissions.read") && (filter.runId != null || filter.periodId != null) ? null : viewer.id);
    if (memberId === null) requirePermission(viewer, "commissions.read", "everyone's commissions");
    else await accessService.requireSelfOr(viewer, memberId, "commissions.read", "this member's commissions");
    if (after != null && !isLineCursor(after)) throw fieldError("after", CompensationErrorCode.INVALID, "Not a cursor of this list.");
    const page = await repo.lines({ ...filter, memberId }, pageSize(first, 50), after);
    const rows: CommissionLineRecord[] = page.rows.map(({ raw, ...line }) => ({ ...line, explanation: explainLine(line, raw) }));
    return { ...page, rows };
  },

  /** A member's commission totals per paid period, newest first. */
  async commissionTotals(viewer: Viewer, memberId: number, limit = 12) {
    await accessService.requireSelfOr(viewer, memberId, "commissions.read", "this member's commissions");
    return repo.totalsByPeriod(memberId, limit);
  },

  /** The period computed now with its plan (nothing written), kept for a few seconds. */
  async preview(period: PeriodRecord) {
    const hit = previews.get(period.id);
    if (hit && Date.now() - hit.at < PREVIEW_TTL_MS) return hit.value;
    // Expired previews leave memory (one of a million members holds hundreds of megabytes),
    // not only when their period is asked for again.
    for (const [id, p] of previews) if (Date.now() - p.at >= PREVIEW_TTL_MS) previews.delete(id);
    const value = (async () => {
      const versionId = await repo.versionIdFor(period.startsAt);
      if (versionId === null) throw fieldError("periodId", CompensationErrorCode.NO_ACTIVE_PLAN, "No plan version is active for this period.");
      const plan = await planOf(versionId);
      const loaded = await loadInput(period, plan, Number.MAX_SAFE_INTEGER);
      return { plan, versionId, loaded, result: computeRun(plan, loaded.input) };
    })();
    previews.set(period.id, { at: Date.now(), value });
    value.catch(() => previews.delete(period.id));
    return value;
  },

  /** What a member would earn in a period (the open one by default) if it were paid now. */
  async estimatedEarnings(viewer: Viewer, memberId: number | null | undefined, periodId?: number | null) {
    const id = memberId ?? viewer.id;
    await accessService.requireSelfOr(viewer, id, "commissions.read", "this member's earnings");
    const period = periodId != null ? await volumeService.findPeriod(periodId) : await volumeService.currentPeriod();
    if (!period) throw notFound("Period");
    const { plan, loaded, result } = await this.preview(period);
    const i = loaded.indexOf(id);
    const byBonus = plan.bonuses.map((b, bonusIndex) => ({ bonusIndex, bonusType: b.type, amount: 0, lines: 0 }));
    if (i >= 0) {
      const { lines } = result;
      for (let k = 0; k < lines.count; k++) {
        if (lines.member[k] !== i) continue;
        byBonus[lines.bonus[k]!]!.amount += lines.amount[k]!;
        byBonus[lines.bonus[k]!]!.lines++;
      }
    }
    return {
      active: i >= 0 && result.active[i] === 1, pv: volumeText(i < 0 ? 0 : loaded.input.pv[i]!), activeMinPv: plan.activeMinPv.toFixed(2),
      periodId: period.id, currency: plan.currency, total: byBonus.reduce((s, b) => s + b.amount, 0),
      byBonus: byBonus.filter((b) => b.lines > 0), capFactor: result.capFactor ? `${(result.capFactor.numerator / result.capFactor.denominator).toFixed(4)}` : null,
    };
  },

  /**
   * The rank report card: paid-as, achieved and next rank, and rule by rule what the
   * member has and still needs (with the maximum-leg rule applied), live as volumes change.
   */
  async rankReport(viewer: Viewer, memberId: number | null | undefined, periodId?: number | null): Promise<RankReportRecord> {
    const id = memberId ?? viewer.id;
    // NOT_FOUND for a member who does not exist, FORBIDDEN for one outside the viewer's team.
    await genealogyService.memberForTeam(viewer, id);
    const period = periodId != null ? await volumeService.findPeriod(periodId) : await volumeService.currentPeriod();
    if (!period) throw notFound("Period");
    const { plan, loaded, result } = await this.preview(period);
    const i = loaded.indexOf(id);
    if (i < 0) throw notFound("Member in this period");
    const committed = await repo.memberRank(period.id, id);
    const paidAs = committed?.paidAs ?? result.paidAs[i]!;
    const achieved = Math.max(committed?.achieved ?? -1, result.achieved[i]!);
    const report = rankRequirements(plan, loaded, result, i, paidAs, achieved);
    return { memberId: id, periodId: period.id, ...report, legs: await named(report.legs) };
  },
};

