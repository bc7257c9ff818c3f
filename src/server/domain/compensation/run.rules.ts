import type { LineRaw, LineRow } from "./compensation.repository";
import type { CommissionLineRecord, LineExplanation, RankReportRecord, RunSummary } from "./compensation.types";
import { type BinaryDetail, type BoardDetail, type EngineInput, type EngineResult, grown, lineRates } from "./engine.rules";
import type { Plan } from "./plan.rules";

// Pure helpers around a run: its summary, a line's explanation and the rank report card.

/** Where a page of commission lines goes on after `l` (the order of `compensationRepository.lines`). */
export function lineCursor(l: Pick<CommissionLineRecord, "periodStartsAt" | "runId" | "memberId" | "bonusIndex" | "sourceMemberId" | "level">): string {
  return `${l.periodStartsAt.toISOString()}|${l.runId}|${l.memberId}|${l.bonusIndex}|${l.sourceMemberId ?? 0}|${l.level}`;
}

/** Whether `after` is a cursor `lineCursor` made (a time, then five small whole numbers). */
export function isLineCursor(after: string): boolean {
  const [at, ...ids] = after.split("|");
  const time = Date.parse(at ?? "");
  return ids.length === 5 && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at ?? "") && Number.isFinite(time) && ids.every((n) => /^\d{1,9}$/.test(n));
}

/**
 * Member id → index into `ids` (-1 for none). Ids ascending (as a run loads them): a table
 * by id when ids are dense enough (at most 4 slots a member), else a binary search. A Map
 * of a million entries cost more to build than every lookup a run makes.
 */
export function idIndex(ids: Int32Array): (id: number) => number {
  const n = ids.length;
  for (let i = 1; i < n; i++) if (ids[i]! <= ids[i - 1]!) throw new Error("Member ids must be ascending.");
  if (n === 0) return () => -1;
  const max = ids[n - 1]!;
  if (ids[0]! >= 0 && max <= 4 * n + 1024) {
    const slot = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) slot[ids[i]!] = i;
    return (id) => (Number.isInteger(id) && id >= 0 && id <= max ? slot[id]! : -1);
  }
  return search;
  function search(id: number): number {
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** Hundredths → "1234.50". */
export const volumeText = (h: number): string => (h / 100).toFixed(2);

const rateText = (ppm: number): string => `${(ppm / 10_000).toFixed(4).replace(/\.?0+$/, "")} %`;

/**
 * The lines a run writes, in order, made into rows a chunk at a time. A run over a million
 * members has millions of lines: rows of all of them at once held gigabytes and took longer
 * to make and to collect than the engine took to compute them.
 */
export interface LineRows {
  readonly length: number;
  /** Rows `from` to `to` (exclusive), made now. */
  slice(from: number, to: number): LineRow[];
  /** The same rows one by one, possibly as one object refilled for each: read a row before taking the next. */
  each(from: number, to: number): Iterable<Readonly<LineRow>>;
  /** Each line's earner (member id), bonus and amount, in no particular order, without making rows. */
  amounts(fn: (memberId: number, bonusIndex: number, amount: number) => void): void;
  /** Each earner's net of the lines (not zero), by member id ascending. */
  nets(): { memberId: number; amount: number }[];
}

/** Nets of (member id, amount) pairs, by member id ascending, zeros left out. */
function netsBy(each: (add: (memberId: number, amount: number) => void) => void): { memberId: number; amount: number }[] {
  const net = new Map<number, number>();
  each((memberId, amount) => net.set(memberId, (net.get(memberId) ?? 0) + amount));
  return [...net].filter(([, amount]) => amount !== 0).sort((a, b) => a[0] - b[0]).map(([memberId, amount]) => ({ memberId, amount }));
}

/** Rows already made (corrections, clawbacks) as LineRows. */
export function rowList(rows: readonly LineRow[]): LineRows {
  return {
    length: rows.length,
    slice: (from, to) => rows.slice(from, to),
    each: (from, to) => rows.slice(from, to),
    amounts: (fn) => {
      for (const r of rows) fn(r.memberId, r.bonusIndex, r.amount);
    },
    nets: () => netsBy((add) => rows.forEach((r) => add(r.memberId, r.amount))),
  };
}

/** `a`, then `b`. */
export function concatRows(a: LineRows, b: readonly LineRow[]): LineRows {
  if (b.length === 0) return a;
  return {
    length: a.length + b.length,
    slice: (from, to) => [...a.slice(Math.min(from, a.length), Math.min(to, a.length)), ...b.slice(Math.max(0, from - a.length), Math.max(0, to - a.length))],
    *each(from, to) {
      yield* a.each(Math.min(from, a.length), Math.min(to, a.length));
      yield* b.slice(Math.max(0, from - a.length), Math.max(0, to - a.length));
    },
    amounts: (fn) => {
      a.amounts(fn);
      for (const r of b) fn(r.memberId, r.bonusIndex, r.amount);
    },
    nets: () => netsBy((add) => {
      for (const n of a.nets()) add(n.memberId, n.amount);
      for (const r of b) add(r.memberId, r.amount);
    }),
  };
}

/**
 * The engine's lines as rows of kind EARNED for `periodId`, in key order (earner, then bonus,
 * source and level as the engine made them): written that way, every index of
 * commission_line grows at its end instead of everywhere.
 */
export function engineRows(plan: Plan, periodId: number, ids: Int32Array, result: EngineResult): LineRows {
  const { lines } = result;
  const n = lines.count;
  const byMember = new Int32Array(ids.length + 1);
  for (let k = 0; k < n; k++) byMember[lines.member[k]! + 1]!++;
  for (let i = 0; i < ids.length; i++) byMember[i + 1]! += byMember[i]!;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[byMember[lines.member[k]!]!++] = k;
  const types = plan.bonuses.map((b) => b.type);
  const rate = lineRates(plan);
  let explained: Explained | null = null;
  const fill = (row: LineRow, j: number): LineRow => {
    const k = order[j]!;
    const s = lines.source[k]!;
    const { basis, pathAt, pathIds } = (explained ??= explainAll(result, ids));
    row.memberId = ids[lines.member[k]!]!;
    row.bonusIndex = lines.bonus[k]!;
    row.sourceMemberId = s < 0 ? 0 : ids[s]!;
    row.level = lines.level[k]!;
    row.bonusType = types[row.bonusIndex]!;
    row.basis = basis[k]!;
    row.ratePpm = rate(row.bonusIndex, row.level);
    row.uncapped = lines.uncapped[k]!;
    row.amount = lines.amount[k]!;
    row.rankIndex = result.paidAs[lines.member[k]!]!;
    const from = pathAt[k]!;
    const to = pathAt[k + 1]!;
    if (from === to) row.path = NO_PATH;
    else {
      row.path = new Array<number>(to - from);
      for (let q = from; q < to; q++) row.path[q - from] = pathIds[q]!;
    }
    row.detail = lines.detail(k) ?? null;
    return row;
  };
  const blank = (): LineRow => ({
    periodId, memberId: 0, bonusIndex: 0, sourceMemberId: 0, level: 0, bonusType: "", kind: "EARNED", basis: 0, ratePpm: 0, uncapped: 0, amount: 0, rankIndex: 0, path: [], detail: null,
  });
  return {
    length: n,
    slice(from, to) {
      const rows: LineRow[] = [];
      for (let j = from; j < Math.min(to, n); j++) rows.push(fill(blank(), j));
      return rows;
    },
    each(from, to) {
      // One row refilled, handed out in one result object (a generator makes an object a
      // row): making a 3.8 M-line run's rows went from 1.2–1.3 s to 1.0 s.
      const row = blank();
      const end = Math.min(to, n);
      return {
        [Symbol.iterator]: () => {
          let j = from;
          const answer = { done: false, value: row };
          return {
            next: () => {
              if (j >= end) answer.done = true;
              else fill(row, j++);
              return answer;
            },
          };
        },
      };
    },
    amounts(fn) {
      // In the engine's order: its columns one after the other (sums need no order).
      for (let k = 0; k < n; k++) fn(ids[lines.member[k]!]!, lines.bonus[k]!, lines.amount[k]!);
    },
    nets() {
      // Summed by member index (a map by id for millions of lines took longer than writing them).
      const sums = new Float64Array(ids.length);
      for (let k = 0; k < n; k++) sums[lines.member[k]!]! += lines.amount[k]!;
      const out: { memberId: number; amount: number }[] = [];
      let ascending = true;
      for (let i = 0; i < ids.length; i++) {
        if (sums[i] === 0) continue;
        if (out.length > 0 && ids[i]! < out[out.length - 1]!.memberId) ascending = false;
        out.push({ memberId: ids[i]!, amount: sums[i]! });
      }
      return ascending ? out : out.sort((x, y) => x.memberId - y.memberId);
    },
  };
}

/** Each line's basis, and its compression path as member ids (line k's are `pathIds[pathAt[k]]` up to `pathAt[k + 1]`). */
interface Explained {
  basis: Float64Array;
  pathAt: Int32Array;
  pathIds: Int32Array;
}

/**
 * Every line's basis and path, worked out in the engine's order (a bonus's lines one source
 * after another), once, when rows are first made. In key order (by earner) the same
 * look-ups jump all over the sources' volumes and sponsor lines: for a 3.8 M-line run, 1.2 s
 * against 0.2 s in the engine's order, and making every row went from 1.6–2.1 s to 1.2–1.3 s.
 */
function explainAll({ lines }: EngineResult, ids: Int32Array): Explained {
  const n = lines.count;
  const basis = new Float64Array(n);
  const pathAt = new Int32Array(n + 1);
  let pathIds = new Int32Array(1024);
  let used = 0;
  for (let k = 0; k < n; k++) {
    basis[k] = lines.basis(k);
    const path = lines.path(k);
    pathIds = grown(pathIds, used + path.length, used);
    for (let q = 0; q < path.length; q++) pathIds[used++] = ids[path[q]!]!;
    pathAt[k + 1] = used;
  }
  return { basis, pathAt, pathIds };
}

/** The path of a line without one, shared (most lines: an array each was a tenth of writing them). */
const NO_PATH = Object.freeze([]) as unknown as number[];

/** Totals by bonus and rank, and the biggest earners, of computed lines (named `#id` here: the caller looks up those ten names). */
export function summarize(plan: Plan, loaded: { input: EngineInput }, result: EngineResult, rows: LineRows): RunSummary {
  const byBonus = plan.bonuses.map((b, bonusIndex) => ({ bonusIndex, bonusType: b.type, amount: 0, lines: 0 }));
  rows.amounts((_memberId, bonusIndex, amount) => {
    const b = byBonus[bonusIndex];
    if (b) {
      b.amount += amount;
      b.lines++;
    }
  });
  // Each earner's total, by member id ascending (members whose lines came to nothing are
  // not earners); a map of them, or a sort of all of them for the top ten, took longer than
  // the rest of the summary.
  const totals = rows.nets();
  const { ids } = loaded.input;
  let ascending = true;
  for (let i = 1; i < ids.length && ascending; i++) ascending = ids[i - 1]! < ids[i]!;
  const byId = ascending ? null : new Map(totals.map((t) => [t.memberId, t.amount]));
  const rankTotals = plan.ranks.map((r) => ({ rank: r.name, members: 0, total: 0, average: 0 }));
  for (let i = 0, j = 0; i < ids.length; i++) {
    let amount = 0;
    if (byId) amount = byId.get(ids[i]!) ?? 0;
    else {
      while (j < totals.length && totals[j]!.memberId < ids[i]!) j++;
      if (j < totals.length && totals[j]!.memberId === ids[i]) amount = totals[j]!.amount;
    }
    const r = result.paidAs[i]!;
    if (r < 0) continue;
    rankTotals[r]!.members++;
    rankTotals[r]!.total += amount;
  }
  for (const r of rankTotals) r.average = r.members ? Math.round(r.total / r.members) : 0;
  // The ten biggest (ties by id), kept in order as the totals pass.
  const top: { memberId: number; amount: number }[] = [];
  const before = (a: { memberId: number; amount: number }, b: { memberId: number; amount: number }) => a.amount > b.amount || (a.amount === b.amount && a.memberId < b.memberId);
  for (const t of totals) {
    if (top.length === 10 && !before(t, top[9]!)) continue;
    let at = Math.min(top.length, 9);
    if (top.length < 10) top.push(t);
    else top[9] = t;
    for (; at > 0 && before(t, top[at - 1]!); at--) top[at] = top[at - 1]!;
    top[at] = t;
  }
  return {
    companyVolume: volumeText(result.companyVolume),
    uncappedTotal: result.uncappedTotal,
    capFactor: result.capFactor ? (result.capFactor.numerator / result.capFactor.denominator).toFixed(6) : null,
    byBonus,
    byRank: rankTotals,
    topEarners: top.map(({ memberId, amount }) => ({ memberId, name: `#${memberId}`, amount })),
    earners: totals.length,
    clawback: 0,
  };
}

const RULES: Record<string, (l: Pick<CommissionLineRecord, "level" | "sourceName" | "sourceMemberId">, rank: string | null) => string> = {
  UNILEVEL: (l) => `Unilevel level ${l.level}: a share of ${l.sourceName ?? "a downline member"}'s volume`,
  BINARY: () => "Binary: a share of the weaker leg's volume (with carry)",
  MATCHING: (l) => `Matching, generation ${l.level}: a share of what ${l.sourceName ?? "a downline member"} earned`,
  RETAIL: () => "Retail: a share of your retail customers' volume",
  FAST_START: (l) => `Fast start level ${l.level}: a share of new member ${l.sourceName ?? ""}'s early orders`,
  MATRIX: (l) => `Matrix level ${l.level}: a share of ${l.sourceName ?? "a matrix member"}'s volume`,
  GENERATION: (l) => `Generation ${l.level}: a share of leader ${l.sourceName ?? ""}'s group volume`,
  RANK_ADVANCEMENT: (_l, rank) => `Rank advancement: first time at ${rank ?? "a new rank"}`,
  POOL: (_l, rank) => `Pool: shares of company volume for ${rank ?? "your rank"}`,
  BOARD: (l) => `Board stage ${l.level}: your board filled (its last seat taken as ${l.sourceName ?? "a new member"} joined) and split`,
};

/** The explanation of a committed line from its stored columns and the plan version it used. */
export function explainLine(
  line: Omit<CommissionLineRecord, "explanation">,
  raw: LineRaw,
): LineExplanation {
  const plan = raw.document as Plan;
  const rankName = line.bonusType === "RANK_ADVANCEMENT" || line.bonusType === "POOL" ? plan.ranks?.[line.level]?.name ?? null : plan.ranks?.[raw.rankIndex]?.name ?? null;
  const base = RULES[line.bonusType]?.(line, rankName) ?? line.bonusType;
  const rule = line.kind === "CLAWBACK" ? `Clawback after a refund — ${base}` : line.kind === "CORRECTION" ? `Correction — ${base}` : base;
  const money = line.bonusType === "MATCHING";
  return {
    rule,
    // Volume in hundredths, or (MATCHING) money in cents: both print with two decimals.
    basis: volumeText(Number(raw.basis)),
    basisKind: money ? "MONEY" : "VOLUME",
    rate: rateText(raw.ratePpm),
    rank: plan.ranks?.[raw.rankIndex]?.name ?? null,
    planVersion: raw.planVersionNumber,
    compressionPath: raw.path,
    capFactor: (raw.summary as RunSummary | null)?.capFactor ?? null,
    binary: line.bonusType === "BINARY" ? ((raw.detail as BinaryDetail | null) ?? null) : null,
    board: line.bonusType === "BOARD" ? ((raw.detail as BoardDetail | null) ?? null) : null,
    uncapped: Number(raw.uncapped),
  };
}

/** Requirements of the next rank (or of the top rank once reached), rule by rule; legs named `#id` (the caller names them). */
export function rankRequirements(
  plan: Plan,
  loaded: { input: EngineInput },
  result: EngineResult,
  i: number,
  paidAs: number,
  achieved: number,
): Omit<RankReportRecord, "memberId" | "periodId"> {
  const target = Math.min(paidAs + 1, plan.ranks.length - 1);
  const rank = plan.ranks[target]!;
  const { input } = loaded;
  const requirements: RankReportRecord["requirements"] = [];
  const qualifying = result.rankVolume(i, target);
  if (rank.minPv !== undefined) {
    requirements.push({ rule: "Personal volume (PV)", required: rank.minPv.toFixed(2), actual: volumeText(input.pv[i]!), met: input.pv[i]! >= Math.round(rank.minPv * 100) });
  }
  const legCap = rank.minGv !== undefined && rank.maxLegShare !== undefined ? Math.floor(Math.round(rank.minGv * 100) * rank.maxLegShare) : null;
  if (rank.minGv !== undefined) {
    requirements.push({
      rule: legCap === null ? "Group volume (GV)" : `Group volume, each leg counting at most ${volumeText(legCap)}`,
      required: rank.minGv.toFixed(2), actual: volumeText(qualifying), met: qualifying >= Math.round(rank.minGv * 100),
    });
  }
  if (rank.minActiveDirects !== undefined) {
    requirements.push({ rule: "Active personally sponsored members", required: String(rank.minActiveDirects), actual: String(result.activeDirects(i)), met: result.activeDirects(i) >= rank.minActiveDirects });
  }
  if (rank.legsWithRank) {
    const r = plan.ranks.findIndex((x) => x.name === rank.legsWithRank!.rank);
    const legs = result.legsWithRank(i, r);
    requirements.push({ rule: `Legs with a ${rank.legsWithRank.rank} or higher`, required: String(rank.legsWithRank.count), actual: String(legs), met: legs >= rank.legsWithRank.count });
  }
  const legs: RankReportRecord["legs"] = [];
  for (let c = 0; c < input.sponsor.length; c++) {
    if (input.sponsor[c] !== i) continue;
    const gv = result.gv(c);
    legs.push({ memberId: input.ids[c]!, name: `#${input.ids[c]!}`, gv: volumeText(gv), counted: volumeText(legCap === null ? gv : Math.min(gv, legCap)) });
  }
  legs.sort((a, b) => Number(b.gv) - Number(a.gv) || a.memberId - b.memberId);
  return {
    paidAsRank: plan.ranks[paidAs]?.name ?? null,
    achievedRank: plan.ranks[achieved]?.name ?? null,
    nextRank: paidAs + 1 < plan.ranks.length ? rank.name : null,
    qualifyingVolume: volumeText(qualifying),
    requirements,
    legs,
  };
}

/**
 * Members who reached a new achieved rank in a period's first commit: above what they had
 * achieved before, and above the plan's first rank (everyone holds that one). `ranks` lists
 * every rank name from the second up to the new one, so a member who jumps two ranks gets
 * what each of them gives (the loyalty programme's rank badges); `from` is the rank achieved
 * before (null for none).
 */
export function advancements(plan: Plan, ids: Int32Array, before: Int32Array, achieved: Int32Array): { memberId: number; rank: string; from: string | null; ranks: string[] }[] {
  const out: { memberId: number; rank: string; from: string | null; ranks: string[] }[] = [];
  for (let i = 0; i < ids.length; i++) {
    const to = achieved[i]!;
    if (to <= 0 || to <= before[i]!) continue;
    out.push({ memberId: ids[i]!, rank: plan.ranks[to]!.name, from: plan.ranks[before[i]!]?.name ?? null, ranks: plan.ranks.slice(1, to + 1).map((r) => r.name) });
  }
  return out;
}
