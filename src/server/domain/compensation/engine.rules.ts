import { createHash } from "node:crypto";
import { writeDigits } from "@/lib/decimal-digits";
import { unitScale } from "@/server/domain/shared/units";
import { type Bonus, boardSeats, type Plan, ppm, type Rounding } from "./plan.rules";

// The commission engine: pure functions over typed arrays. A run loads a period's members
// and volumes into an EngineInput, computes here, and writes the lines it returns. Nothing
// here reads the database or the clock, so the same input gives the same lines, in the
// same order, to the byte (the run hash proves it).
//
// Units: volumes are integers in hundredths of a volume unit (PV 12.34 → 1234); money is
// integers in the currency's minor units; shares are integers in parts per million.
//
// Semantics (tested by table in engine.rules.test.ts):
// - Active: PV ≥ activeMinPv in the period.
// - Commission volume: the plan's `volume` (PV or BV) of the member's own orders.
// - GV: PV of the member's sponsor subtree, the member included.
// - Paid-as rank: the highest rank whose rules all hold: minPv; minGv where, with
//   maxLegShare, each first-level leg brings at most maxLegShare × minGv (own PV in full);
//   minActiveDirects active personally sponsored members; legsWithRank `count` different
//   first-level legs each holding a member paid as at least that rank. No rank: -1.
//   Achieved rank: the highest paid-as rank ever (the input carries the one before).
// - BOARD: boards of `depth` levels, `width` seats under each seat, one set per stage.
//   Members enter the first stage in the order they joined: on the board where their
//   sponsor sits at that stage, else on the oldest board of the stage (a new board when the
//   stage has none), in the first free seat breadth first. A full board pays its top the
//   stage's amount and splits: each seat under the top heads a new board with what was
//   below it. The top enters the next stage the same way (after the last stage the first
//   again, with `reenter`). The boards are replayed from the first member on; a period
//   pays the boards filled by the members who joined in it.
// - Every line is rounded to the minor unit with the plan's rounding; lines of 0 are not
//   written. A payout cap scales every line down by one factor (rounding down, so the
//   total never exceeds the cap) when the total would exceed shareOfVolume × company volume.

export interface EngineInput {
  /** Member ids, ascending: index i is the member ids[i]. */
  ids: Int32Array;
  /** Index of the sponsor, -1 for none. */
  sponsor: Int32Array;
  /** Index of the placement parent, -1 for none. */
  parent: Int32Array;
  /** Placement position under the parent (binary: 0 left, 1 right). */
  position: Int32Array;
  pv: Float64Array;
  bv: Float64Array;
  /** Plan volume of the member's retail customers' orders. */
  retail: Float64Array;
  /** Plan volume of the member's own orders within FAST_START days of joining. */
  fastStart: Float64Array;
  /** Binary carry into this period, per leg. */
  carryLeft: Float64Array;
  carryRight: Float64Array;
  /** Periods in a row the member has not qualified for the binary bonus. */
  unqualifiedPeriods: Int32Array;
  /** Rank achieved before this period (index in plan.ranks, -1 none). */
  achievedBefore: Int32Array;
  /** Member indexes in the order they joined (BOARD replays the boards in this order). */
  joinOrder: Int32Array;
  /** How many of joinOrder joined before the period: the rest joined during it. */
  joinedBefore: number;
}

export type Numbers = Int8Array | Int32Array | Float64Array;

/** `data` with room for at least `n` values (doubling), its first `length` kept. */
export function grown<T extends Numbers>(data: T, n: number, length: number): T {
  if (n <= data.length) return data;
  const next = new (data.constructor as new (n: number) => T)(Math.max(1024, n, data.length * 2));
  next.set(data.subarray(0, length));
  return next;
}

/** Why a binary line paid what it paid. */
export interface BinaryDetail {
  left: number;
  right: number;
  carryInLeft: number;
  carryInRight: number;
  matched: number;
  cycles: number | null;
  carryOutLeft: number;
  carryOutRight: number;
  capped: boolean;
}

/** Which board of which stage filled, and where its top went. */
export interface BoardDetail {
  /** 1-based. */
  stage: number;
  /** The board's number (boards are numbered as they are made, all stages together). */
  board: number;
  seats: number;
  /** The stage the top moved to (1 after the last stage when they re-enter), null when they left. */
  movedTo: number | null;
}

/** The arrays of a run's lines, one per field: line k's fields are at [k]. */
export interface LineColumns {
  member: Int32Array;
  /** Small numbers in bytes (a plan has at most 20 bonuses and 50 levels; a rank advancement's level is a rank, at most 30). */
  bonus: Int8Array;
  /** -1 for none. */
  source: Int32Array;
  level: Int8Array;
  amount: Float64Array;
}

/**
 * What a bonus's lines follow from, for what a line does not keep: the bonus that made the
 * lines works it out again when asked (the lines written, a commission's page) from the
 * arrays it paid them from.
 */
export interface LineExplainer {
  /** The volume (hundredths) or, for MATCHING, the money (minor units) line k is a share of. */
  basis(k: number): number;
  /** Why line k paid what it paid beyond its fields: a binary line's legs and carries, a board's stage. */
  detail?(k: number): BinaryDetail | BoardDetail | undefined;
  /** Line k's compression path: the inactive members skipped between its source and its earner, source side first (indexes). */
  path?(k: number): readonly number[];
}

const NO_PATH: readonly number[] = Object.freeze([]);

/**
 * The lines of a run, one column per field (a million lines fit in a few dozen MB): earner,
 * bonus, source, level and amount. The rest follows from those and is not kept per line
 * (each was a column of millions of numbers to fill and to collect): the rate from the plan
 * (lineRates), the earner's rank from the run's paid-as ranks, the basis, details and
 * compression path from the bonus (LineExplainer).
 */
export class Lines implements LineColumns {
  // Each array is longer than count (room made ahead) and replaced when it grows: read lines 0 … count − 1.
  member: Int32Array;
  bonus: Int8Array;
  source: Int32Array;
  level: Int8Array;
  amount: Float64Array;
  private n = 0;
  /** By bonus index. */
  private readonly explainers: (LineExplainer | undefined)[] = [];

  /** `capacity`: room for that many lines before the columns first grow (a run makes a few per member). Growing copies every column. */
  constructor(capacity = 1024) {
    this.member = new Int32Array(capacity);
    this.bonus = new Int8Array(capacity);
    this.source = new Int32Array(capacity);
    this.level = new Int8Array(capacity);
    this.amount = new Float64Array(capacity);
  }

  /** The amount before the payout cap: the amount column itself unless the cap bit (capAmounts). */
  get uncapped(): Float64Array {
    return this.beforeCap ?? this.amount;
  }
  private beforeCap: Float64Array | null = null;

  get count(): number {
    return this.n;
  }

  add(member: number, bonus: number, source: number, level: number, amount: number): number {
    // Every column grows together and shares one count; each store below then sees one
    // kind of array (a shared push() for Int32 and Float64 columns was a fifth of the
    // engine's time, and a length per column written per line a tenth of what was left).
    const k = this.n;
    if (k === this.member.length) this.grow(k + 1);
    this.member[k] = member;
    this.bonus[k] = bonus;
    this.source[k] = source;
    this.level[k] = level;
    this.amount[k] = amount;
    this.n = k + 1;
    return k;
  }

  /**
   * For a loop that writes millions of lines: the first `count` lines are made (the loop
   * wrote them into the columns), and there is room for `extra` more; returns the columns
   * to write them into. The loop keeps the columns in a local and calls this again when it
   * would pass their length (they are new arrays then) and when it ends: loading the arrays
   * from `this` for every line was a fifth of the unilevel walk.
   */
  room(count: number, extra: number): LineColumns {
    this.n = count;
    if (count + extra > this.member.length) this.grow(count + extra);
    return this;
  }

  private grow(n: number): void {
    const k = this.n;
    this.member = grown(this.member, n, k);
    this.bonus = grown(this.bonus, n, k);
    this.source = grown(this.source, n, k);
    this.level = grown(this.level, n, k);
    this.amount = grown(this.amount, n, k);
  }

  /** Keeps the amounts as they are as the uncapped ones, then scales every amount by cap / total (rounding down); returns the new total. */
  capAmounts(cap: number, total: number): number {
    this.beforeCap = this.amount.slice(0, this.n);
    const amounts = this.amount;
    let capped = 0;
    for (let k = 0; k < this.n; k++) {
      amounts[k] = mulDiv(amounts[k]!, cap, total, "DOWN");
      capped += amounts[k]!;
    }
    return capped;
  }

  /** Bonus b's lines are explained by `explainer`. */
  explainBy(b: number, explainer: LineExplainer): void {
    this.explainers[b] = explainer;
  }

  /** What line k is a share of (0 when its bonus does not say). */
  basis(k: number): number {
    return this.explainers[this.bonus[k]!]?.basis(k) ?? 0;
  }

  /** Why line k paid what it paid beyond its fields: a binary line's legs and carries, a board's stage; undefined for other lines. */
  detail(k: number): BinaryDetail | BoardDetail | undefined {
    return this.explainers[this.bonus[k]!]?.detail?.(k);
  }

  /** Line k's compression path (member indexes, source side first); empty unless its bonus skips inactive members. */
  path(k: number): readonly number[] {
    return this.explainers[this.bonus[k]!]?.path?.(k) ?? NO_PATH;
  }
}

/**
 * The inactive members on the sponsor line strictly between `source` and its upline
 * `earner`, source side first: a compressed line's path, found a few steps up the tree
 * (the walk that pays the lines steps from active member to active member).
 */
function inactiveBetween(sponsor: Int32Array, active: Uint8Array, source: number, earner: number): readonly number[] {
  let path: number[] | null = null;
  for (let a = sponsor[source]!; a !== earner; a = sponsor[a]!) {
    if (a < 0) throw new Error(`${earner} is not above ${source}.`);
    if (!active[a]) (path ??= []).push(a);
  }
  return path ?? NO_PATH;
}

export interface EngineResult {
  lines: Lines;
  paidAs: Int32Array;
  achieved: Int32Array;
  active: Uint8Array;
  /** Member i's GV. */
  gv(i: number): number;
  /** Member i's active personally sponsored members. */
  activeDirects(i: number): number;
  carryLeft: Float64Array;
  carryRight: Float64Array;
  unqualifiedPeriods: Int32Array;
  /** Company volume of the period (plan volume, hundredths). */
  companyVolume: number;
  uncappedTotal: number;
  total: number;
  /** The cap factor as cap / uncapped total, or null when the cap did not bite. */
  capFactor: { numerator: number; denominator: number } | null;
  /** Qualifying volume per rank with the maximum-leg rule (for the rank report). */
  rankVolume(i: number, rank: number): number;
  /** First-level legs holding a member paid as at least `rank`. */
  legsWithRank(i: number, rank: number): number;
}

/**
 * The rate (parts per million) a line of bonus `b` at `level` paid: the engine does not keep
 * it per line (three million copies of three numbers), it follows from the plan. 0 for
 * amounts that are not a share (binary cycles, rank advancement, boards).
 */
export function lineRates(plan: Plan): (bonus: number, level: number) => number {
  const byBonus = plan.bonuses.map((bonus): number[] => {
    switch (bonus.type) {
      case "UNILEVEL":
      case "FAST_START":
      case "MATRIX":
        // levels[i] pays level i + 1.
        return [0, ...bonus.levels.map(ppm)];
      case "MATCHING":
      case "GENERATION":
        return [0, ...bonus.generations.map(ppm)];
      case "BINARY":
        return [bonus.rate === undefined ? 0 : ppm(bonus.rate)];
      case "RETAIL":
        return [ppm(bonus.rate)];
      case "POOL":
        // A pool line's level is the earner's rank; every one is a share of the same pool.
        return plan.ranks.map(() => ppm(bonus.share));
      case "RANK_ADVANCEMENT":
      case "BOARD":
        return [];
    }
  });
  return (bonus, level) => byBonus[bonus]?.[level] ?? 0;
}

// ---- arithmetic ---------------------------------------------------------------------

/** a × b / d rounded by `mode`, exact (BigInt when the product leaves the safe range). a, b ≥ 0. */
export function mulDiv(a: number, b: number, d: number, mode: Rounding): number {
  const n = a * b;
  if (Number.isSafeInteger(n)) {
    const q = Math.floor(n / d);
    const r = n - q * d;
    return q + roundUp(r * 2, d, q, mode);
  }
  const bn = BigInt(a) * BigInt(b);
  const bd = BigInt(d);
  const q = bn / bd;
  const r = bn - q * bd;
  const twice = r * 2n;
  const up = mode === "DOWN" ? 0 : twice > bd ? 1 : twice < bd ? 0 : mode === "HALF_UP" ? 1 : Number(q % 2n);
  return Number(q) + up;
}

function roundUp(twiceRemainder: number, d: number, q: number, mode: Rounding): number {
  if (mode === "DOWN" || twiceRemainder < d) return 0;
  if (twiceRemainder > d) return 1;
  return mode === "HALF_UP" ? 1 : q % 2;
}

/**
 * Breadth-first order of a forest given by parent indexes: parents before children.
 * `parentAt`, when given, receives for each position the position of its parent (-1 for a root).
 */
export function breadthFirst(parent: Int32Array, parentAt?: Int32Array): Int32Array {
  const n = parent.length;
  // The children of each node, one after the other (roots first, as the children of -1):
  // counted at start[p + 2], summed so that start[p + 1] is where p's children begin, then
  // placed moving start[p + 1] on, after which p's children are children[start[p], start[p + 1])
  // (the roots children[0, start[0])). One array of offsets instead of three (counts, offsets,
  // cursors): a run allocates less.
  const start = new Int32Array(n + 2);
  for (let i = 0; i < n; i++) start[parent[i]! + 2]!++;
  for (let i = 2; i <= n + 1; i++) start[i]! += start[i - 1]!;
  const children = new Int32Array(n);
  for (let i = 0; i < n; i++) children[start[parent[i]! + 1]!++] = i;
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let k = 0; k < start[0]!; k++) {
    if (parentAt) parentAt[tail] = -1;
    order[tail++] = children[k]!;
  }
  while (head < tail) {
    const at = head++;
    const i = order[at]!;
    if (parentAt) for (let k = start[i]!; k < start[i + 1]!; k++) parentAt[tail] = at, order[tail++] = children[k]!;
    else for (let k = start[i]!; k < start[i + 1]!; k++) order[tail++] = children[k]!;
  }
  if (tail !== n) throw new Error("The tree has a cycle.");
  return order;
}

// ---- the run ------------------------------------------------------------------------

interface Context {
  plan: Plan;
  input: EngineInput;
  n: number;
  vol: Float64Array;
  active: Uint8Array;
  paidAs: Int32Array;
  lines: Lines;
  minorPerHundredth: { mul: number; div: number };
  sponsorOrder: Int32Array;
  /** For each breadth-first position of the sponsor tree, its sponsor's position (-1 for a root). */
  sponsorAt: Int32Array;
  placementOrder: Int32Array;
  uplines?: Int32Array;
  activeUplines?: Int32Array;
}

const hundredths = (v: number | undefined): number => Math.round((v ?? 0) * 100);

/**
 * A run's lines, ranks and carries for `input` under `plan`. The result explains its lines
 * from the input's arrays when asked (LineExplainer): leave the input as it is while the
 * result is in use.
 */
export function computeRun(plan: Plan, input: EngineInput): EngineResult {
  const n = input.ids.length;
  const scale = unitScale(plan.currency);
  // Commission volume: the plan's, below zero counted as zero (a copy only when some is).
  const volSource = plan.volume === "PV" ? input.pv : input.bv;
  let vol = volSource;
  const active = new Uint8Array(n);
  const minActive = hundredths(plan.activeMinPv);
  let companyVolume = 0;
  for (let i = 0; i < n; i++) {
    const v = volSource[i]!;
    if (v < 0 && vol === volSource) vol = Float64Array.from(volSource, (x) => Math.max(0, x));
    companyVolume += Math.max(0, v);
    active[i] = input.pv[i]! >= minActive && input.pv[i]! > 0 ? 1 : 0;
  }
  const sponsorAt = new Int32Array(n);
  const sponsorOrder = breadthFirst(input.sponsor, sponsorAt);
  const ranks = computeRanks(plan, input, active, sponsorOrder, sponsorAt);
  const ctx: Context = {
    // Room for four lines a member (a hybrid plan makes a few): room never written takes no memory, and growing copies every column.
    plan, input, n, vol, active, paidAs: ranks.paidAs, lines: new Lines(Math.max(1024, 4 * n)),
    // hundredths of volume × share → minor units: × 10^scale / 100 / 1e6
    minorPerHundredth: { mul: 10 ** scale, div: 100 * 1e6 },
    sponsorOrder,
    sponsorAt,
    placementOrder: plan.bonuses.some((b) => b.type === "BINARY" || b.type === "MATRIX") ? breadthFirst(input.parent) : new Int32Array(0),
  };
  const carry = {
    left: new Float64Array(n), right: new Float64Array(n), unqualified: new Int32Array(n),
  };
  const earnedByBonus = new Map<number, Float64Array>();

  // What each member earned from a bonus, for the MATCHING bonuses that match it (only those).
  const matched = new Set(plan.bonuses.flatMap((o) => (o.type === "MATCHING" ? [plan.bonuses.findIndex((x) => x.type === o.of)] : [])));
  plan.bonuses.forEach((bonus, b) => {
    const from = ctx.lines.count;
    payBonus(ctx, bonus, b, companyVolume, carry, earnedByBonus, scale);
    if (!matched.has(b)) return;
    const earned = new Float64Array(n);
    for (let k = from; k < ctx.lines.count; k++) earned[ctx.lines.member[k]!]! += ctx.lines.amount[k]!;
    earnedByBonus.set(b, earned);
  });

  let uncappedTotal = 0;
  for (let k = 0; k < ctx.lines.count; k++) uncappedTotal += ctx.lines.amount[k]!;
  let total = uncappedTotal;
  let capFactor: EngineResult["capFactor"] = null;
  if (plan.payoutCap) {
    const cap = mulDiv(companyVolume, ppm(plan.payoutCap.shareOfVolume) * ctx.minorPerHundredth.mul, ctx.minorPerHundredth.div, "DOWN");
    if (uncappedTotal > cap) {
      capFactor = { numerator: cap, denominator: uncappedTotal };
      total = ctx.lines.capAmounts(cap, uncappedTotal);
    }
  }

  return {
    lines: ctx.lines,
    paidAs: ranks.paidAs,
    achieved: ranks.achieved,
    active,
    gv: ranks.gv,
    activeDirects: ranks.activeDirects,
    carryLeft: carry.left,
    carryRight: carry.right,
    unqualifiedPeriods: carry.unqualified,
    companyVolume,
    uncappedTotal,
    total,
    capFactor,
    rankVolume: ranks.rankVolume,
    legsWithRank: ranks.legsWithRank,
  };
}

// ---- ranks --------------------------------------------------------------------------

/** `order`: the sponsor tree breadth first; `upAt`: the position of each position's sponsor. */
function computeRanks(plan: Plan, input: EngineInput, active: Uint8Array, order: Int32Array, upAt: Int32Array) {
  const n = input.ids.length;
  const R = plan.ranks.length;
  const rankIndex = new Map(plan.ranks.map((r, i) => [r.name, i]));
  const minPv = plan.ranks.map((r) => (r.minPv === undefined ? -1 : hundredths(r.minPv)));
  const minGv = plan.ranks.map((r) => (r.minGv === undefined ? -1 : hundredths(r.minGv)));
  const legCap = plan.ranks.map((r) => (r.maxLegShare === undefined || r.minGv === undefined ? -1 : Math.floor((hundredths(r.minGv) * ppm(r.maxLegShare)) / 1e6)));
  const minDirects = plan.ranks.map((r) => r.minActiveDirects ?? -1);
  // Ranks that legsWithRank names, each with a slot of per-member leg counts.
  const legRanks = [...new Set(plan.ranks.flatMap((r) => (r.legsWithRank ? [rankIndex.get(r.legsWithRank.rank)!] : [])))];
  const legSlot = new Map(legRanks.map((r, k) => [r, k]));
  const capRanks = plan.ranks.flatMap((_, r) => (legCap[r]! >= 0 ? [r] : []));
  const capSlot = new Map(capRanks.map((r, k) => [r, k]));
  const L = legRanks.length;
  const C = capRanks.length;
  // Per rank, looked up once here rather than in the loop over members: the slot of its
  // leg cap (-1 none), and the leg-count slot and count its legsWithRank asks for (-1 none).
  const capSlotOf = plan.ranks.map((_, r) => capSlot.get(r) ?? -1);
  const legSlotOf = plan.ranks.map((r) => (r.legsWithRank ? legSlot.get(rankIndex.get(r.legsWithRank.rank)!)! : -1));
  const legsNeeded = plan.ranks.map((r) => r.legsWithRank?.count ?? 0);

  // The bottom-up pass runs in breadth-first positions (k = 0 is a root, a member's
  // sponsor sits at a smaller position, and consecutive positions have non-decreasing
  // sponsors): read and written at random member indexes, its dozen arrays cost a cache
  // miss each per member (two fifths of the engine's time at 1,000,000 members); in
  // positions every array is walked in order. The inputs are gathered into positions once
  // and the results scattered back to members.
  const pvAt = new Float64Array(n);
  const activeAt = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    pvAt[k] = input.pv[i]!;
    activeAt[k] = active[i]!;
  }
  const gvAt = new Float64Array(n);
  const directsAt = new Int32Array(n);
  const subtreeMax = new Int32Array(n).fill(-1);
  const legCount = new Int32Array(n * L);
  const capped = new Float64Array(n * C);
  const paidAsAt = new Int32Array(n);

  for (let k = n - 1; k >= 0; k--) {
    const pv = pvAt[k]!;
    const gvk = gvAt[k]! + pv;
    gvAt[k] = gvk;
    let rank = -1;
    for (let r = R - 1; r >= 0; r--) {
      if (minPv[r]! >= 0 && pv < minPv[r]!) continue;
      if (minGv[r]! >= 0) {
        const q = legCap[r]! >= 0 ? pv + capped[k * C + capSlotOf[r]!]! : gvk;
        if (q < minGv[r]!) continue;
      }
      if (minDirects[r]! >= 0 && directsAt[k]! < minDirects[r]!) continue;
      if (legSlotOf[r]! >= 0 && legCount[k * L + legSlotOf[r]!]! < legsNeeded[r]!) continue;
      rank = r;
      break;
    }
    paidAsAt[k] = rank;
    const top = rank > subtreeMax[k]! ? rank : subtreeMax[k]!;
    subtreeMax[k] = top;
    const p = upAt[k]!;
    if (p < 0) continue;
    gvAt[p]! += gvk;
    if (activeAt[k]) directsAt[p]!++;
    if (top > subtreeMax[p]!) subtreeMax[p] = top;
    for (let s = 0; s < L; s++) if (top >= legRanks[s]!) legCount[p * L + s]!++;
    for (let s = 0; s < C; s++) capped[p * C + s]! += Math.min(gvk, legCap[capRanks[s]!]!);
  }

  // Paid-as ranks back by member; GV and active directs stay in positions (read for a rank report now and then).
  const paidAs = new Int32Array(n);
  const achieved = new Int32Array(n);
  for (let k = 0; k < n; k++) paidAs[order[k]!] = paidAsAt[k]!;
  for (let i = 0; i < n; i++) achieved[i] = Math.max(paidAs[i]!, input.achievedBefore[i]!);
  // Members' positions, for the rank report's look-ups (made on the first).
  let pos: Int32Array | null = null;
  const at = (i: number) => {
    if (!pos) {
      pos = new Int32Array(n);
      for (let k = 0; k < n; k++) pos[order[k]!] = k;
    }
    return pos[i]!;
  };

  return {
    paidAs, achieved,
    gv: (i: number): number => gvAt[at(i)]!,
    activeDirects: (i: number): number => directsAt[at(i)]!,
    rankVolume(i: number, r: number): number {
      const s = capSlot.get(r);
      return s === undefined ? gvAt[at(i)]! : input.pv[i]! + capped[at(i) * C + s]!;
    },
    legsWithRank(i: number, r: number): number {
      const s = legSlot.get(r);
      return s === undefined ? 0 : legCount[at(i) * L + s]!;
    },
  };
}

// ---- bonuses ------------------------------------------------------------------------

const UNRANKED = -2;

/**
 * Per member m, [sponsor, paid-as rank if active else UNRANKED] side by side: a walk up the
 * sponsor tree reads one place per upline instead of three arrays at random (made once a run).
 */
function uplines(ctx: Context): Int32Array {
  if (ctx.uplines) return ctx.uplines;
  const { n, input, active, paidAs } = ctx;
  const up = new Int32Array(2 * n);
  for (let m = 0; m < n; m++) {
    up[2 * m] = input.sponsor[m]!;
    up[2 * m + 1] = active[m] ? paidAs[m]! : UNRANKED;
  }
  return (ctx.uplines = up);
}

/**
 * uplines() of the sponsor tree compressed to its active members: per member m, [the nearest
 * active member above m, m's paid-as rank if active else UNRANKED]. A compressed walk then
 * takes one step per level (inactive members took a third of the steps). Made once a run,
 * top down in breadth-first positions, where each sponsor's nearest active upline is known
 * before its recruits' and is read near the last one read.
 */
function activeUplines(ctx: Context): Int32Array {
  if (ctx.activeUplines) return ctx.activeUplines;
  const { n, active, paidAs, sponsorOrder: order, sponsorAt: upAt } = ctx;
  const nearestAt = new Int32Array(n);
  const up = new Int32Array(2 * n);
  for (let k = 0; k < n; k++) {
    const p = upAt[k]!;
    const i = order[k]!;
    let a = -1;
    if (p >= 0) {
      const s = order[p]!;
      a = active[s] ? s : nearestAt[p]!;
    }
    nearestAt[k] = a;
    up[2 * i] = a;
    up[2 * i + 1] = active[i] ? paidAs[i]! : UNRANKED;
  }
  return (ctx.activeUplines = up);
}

const WARM = 16;

/**
 * Reads the first `steps` uplines of sources [from, to) side by side, so that their cache
 * misses overlap (each source's walk is a chain of dependent reads at random places); the
 * walks that follow, one source at a time as their lines must come out, then read from cache.
 */
function warmUplines(up: Int32Array, from: number, to: number, steps: number, cursor: Int32Array): void {
  const g = to - from;
  for (let c = 0; c < g; c++) cursor[c] = up[2 * (from + c)]!;
  for (let step = 1; step < steps; step++) {
    for (let c = 0; c < g; c++) {
      const a = cursor[c]!;
      if (a >= 0) cursor[c] = up[2 * a]!;
    }
  }
}

function volumeLine(ctx: Context, earner: number, b: number, source: number, level: number, basis: number, share: number): void {
  const amount = mulDiv(basis, share * ctx.minorPerHundredth.mul, ctx.minorPerHundredth.div, ctx.plan.rounding);
  if (amount > 0) ctx.lines.add(earner, b, source, level, amount);
}

function payBonus(
  ctx: Context, bonus: Bonus, b: number, companyVolume: number,
  carry: { left: Float64Array; right: Float64Array; unqualified: Int32Array },
  earnedByBonus: Map<number, Float64Array>, scale: number,
): void {
  const { input, n, vol, active, paidAs, lines, plan } = ctx;
  const minor = (major: number) => Math.round(major * 10 ** scale);
  switch (bonus.type) {
    case "UNILEVEL": {
      // levels[i] of each source's volume for the earner at level i + 1. With compression an
      // inactive upline is skipped (the line's path: Lines.path) and uses no level; without,
      // it uses its level and earns nothing. levelRanks[i] is the rank level i + 1 needs.
      const shares = bonus.levels.map(ppm);
      const depth = shares.length;
      const rankFor = new Int32Array(depth).fill(-1);
      for (const [i, name] of (bonus.levelRanks ?? []).entries()) if (i < depth && name !== null) rankFor[i] = plan.ranks.findIndex((r) => r.name === name);
      // With compression every step is an active member: each step is a level.
      const up = bonus.compression ? activeUplines(ctx) : uplines(ctx);
      lines.explainBy(b, {
        basis: (k) => vol[lines.source[k]!]!,
        path: bonus.compression ? (k) => inactiveBetween(input.sponsor, active, lines.source[k]!, lines.member[k]!) : undefined,
      });
      const cursor = new Int32Array(WARM);
      // Three million lines at a million members: written straight into the columns (Lines.room).
      const mul = shares.map((share) => share * ctx.minorPerHundredth.mul);
      const { div } = ctx.minorPerHundredth;
      let k = lines.count;
      let c = lines.room(k, depth);
      for (let s = 0; s < n; s++) {
        if (s % WARM === 0) warmUplines(up, s, Math.min(n, s + WARM), depth, cursor);
        const v = vol[s]!;
        if (v <= 0 || (!active[s] && !bonus.inactiveVolumePays)) continue;
        if (k + depth > c.member.length) c = lines.room(k, depth);
        for (let a = up[2 * s]!, level = 1; a >= 0 && level <= depth; a = up[2 * a]!, level++) {
          const rank = up[2 * a + 1]!;
          if (rank === UNRANKED || rankFor[level - 1]! > rank) continue;
          const amount = mulDiv(v, mul[level - 1]!, div, plan.rounding);
          if (amount > 0) {
            c.member[k] = a;
            c.bonus[k] = b;
            c.source[k] = s;
            c.level[k] = level;
            c.amount[k] = amount;
            k++;
          }
        }
      }
      lines.room(k, 0);
      return;
    }
    case "BINARY": {
      // Leg volumes of the placement tree (positions 0 and 1) plus carry. With `rate` the
      // weaker leg is matched and carries nothing; with `cycle` whole cycles are paid and
      // both legs keep their remainders. Capped per period; carry capped at maxCarry.
      const left = new Float64Array(n);
      const right = new Float64Array(n);
      const subtree = new Float64Array(n);
      const order = ctx.placementOrder;
      for (let k = n - 1; k >= 0; k--) {
        const i = order[k]!;
        subtree[i]! += vol[i]!;
        const p = input.parent[i]!;
        if (p < 0) continue;
        subtree[p]! += subtree[i]!;
        if (input.position[i] === 0) left[p]! += subtree[i]!;
        else if (input.position[i] === 1) right[p]! += subtree[i]!;
      }
      const recruitSides = bonus.qualification?.personalRecruitEachLeg ? recruitLegs(ctx) : null;
      const maxCarry = bonus.maxCarry === undefined ? Infinity : hundredths(bonus.maxCarry);
      const cap = bonus.capPerPeriod === undefined ? Infinity : minor(bonus.capPerPeriod);
      const share = bonus.rate === undefined ? 0 : ppm(bonus.rate);
      const cl = bonus.cycle ? hundredths(bonus.cycle.left) : 0;
      const cr = bonus.cycle ? hundredths(bonus.cycle.right) : 0;
      const perCycle = bonus.cycle ? minor(bonus.cycle.amount) : 0;
      // A qualified member with legs L and R (carry in included): into `out`, [amount before
      // the cap, matched volume, cycles (NaN when paid by rate), what each leg has left]. The
      // loop and a line's explanation both use it (numbers into an array: no object per member).
      const settle = (L: number, R: number, out: Float64Array): void => {
        if (bonus.cycle) {
          const cycles = Math.floor(Math.min(L / cl, R / cr));
          out[0] = cycles * perCycle;
          out[1] = cycles * Math.min(cl, cr);
          out[2] = cycles;
          out[3] = L - cycles * cl;
          out[4] = R - cycles * cr;
        } else {
          const matched = Math.min(L, R);
          out[0] = mulDiv(matched, share * ctx.minorPerHundredth.mul, ctx.minorPerHundredth.div, plan.rounding);
          out[1] = matched;
          out[2] = NaN;
          out[3] = L - matched;
          out[4] = R - matched;
        }
      };
      const out = new Float64Array(5);
      for (let i = 0; i < n; i++) {
        const L = left[i]! + input.carryLeft[i]!;
        const R = right[i]! + input.carryRight[i]!;
        const qualified = (!(bonus.qualification?.active ?? true) || active[i] === 1) && (!recruitSides || recruitSides[i] === 3);
        if (!qualified) {
          const streak = input.unqualifiedPeriods[i]! + 1;
          const flushed = bonus.flushAfterInactivePeriods !== undefined && streak >= bonus.flushAfterInactivePeriods;
          carry.left[i] = flushed ? 0 : Math.min(L, maxCarry);
          carry.right[i] = flushed ? 0 : Math.min(R, maxCarry);
          carry.unqualified[i] = flushed ? 0 : streak;
          continue;
        }
        settle(L, R, out);
        carry.left[i] = Math.min(out[3]!, maxCarry);
        carry.right[i] = Math.min(out[4]!, maxCarry);
        const amount = Math.min(out[0]!, cap);
        if (amount > 0) lines.add(i, b, -1, 0, amount);
      }
      // A line's legs and carries, worked out again when asked (a third of a million lines
      // here: keeping nine figures each cost more than the bonus's own loop).
      const scratch = new Float64Array(5);
      const again = (k: number): Float64Array => {
        const i = lines.member[k]!;
        settle(left[i]! + input.carryLeft[i]!, right[i]! + input.carryRight[i]!, scratch);
        return scratch;
      };
      lines.explainBy(b, {
        basis: (k) => again(k)[1]!,
        detail(k) {
          const i = lines.member[k]!;
          const o = again(k);
          return {
            left: left[i]!, right: right[i]!, carryInLeft: input.carryLeft[i]!, carryInRight: input.carryRight[i]!, matched: o[1]!,
            cycles: Number.isNaN(o[2]) ? null : o[2]!, carryOutLeft: Math.min(o[3]!, maxCarry), carryOutRight: Math.min(o[4]!, maxCarry), capped: o[0]! > cap,
          };
        },
      });
      return;
    }
    case "MATCHING": {
      // generations[g] of what each personally sponsored member (and theirs, by generation)
      // earned from the matched bonus. Inactive sponsors earn nothing and use their generation.
      const of = plan.bonuses.findIndex((o) => o.type === bonus.of);
      const earned = earnedByBonus.get(of);
      if (!earned) return;
      lines.explainBy(b, { basis: (k) => earned[lines.source[k]!]! });
      const shares = bonus.generations.map(ppm);
      for (let s = 0; s < n; s++) {
        const e = earned[s]!;
        if (e <= 0) continue;
        let g = 1;
        for (let a = input.sponsor[s]!; a >= 0 && g <= shares.length; a = input.sponsor[a]!, g++) {
          if (!active[a]) continue;
          const amount = mulDiv(e, shares[g - 1]!, 1e6, plan.rounding);
          if (amount > 0) lines.add(a, b, s, g, amount);
        }
      }
      return;
    }
    case "RETAIL": {
      const share = ppm(bonus.rate);
      lines.explainBy(b, { basis: (k) => input.retail[lines.member[k]!]! });
      for (let i = 0; i < n; i++) if (input.retail[i]! > 0) volumeLine(ctx, i, b, -1, 0, input.retail[i]!, share);
      return;
    }
    case "FAST_START": {
      // levels[i] of a recruit's early volume for the active sponsor at level i + 1.
      const shares = bonus.levels.map(ppm);
      lines.explainBy(b, { basis: (k) => input.fastStart[lines.source[k]!]! });
      for (let s = 0; s < n; s++) {
        const v = input.fastStart[s]!;
        if (v <= 0) continue;
        let level = 1;
        for (let a = input.sponsor[s]!; a >= 0 && level <= shares.length; a = input.sponsor[a]!, level++) {
          if (active[a]) volumeLine(ctx, a, b, s, level, v, shares[level - 1]!);
        }
      }
      return;
    }
    case "MATRIX": {
      // A width × depth forced matrix on the placement tree: a member placed beyond the
      // width is outside it (and so is everyone under them, for this earner's matrix).
      const shares = bonus.levels.map(ppm);
      lines.explainBy(b, { basis: (k) => vol[lines.source[k]!]! });
      for (let s = 0; s < n; s++) {
        const v = vol[s]!;
        if (v <= 0) continue;
        let x = s;
        for (let level = 1; level <= shares.length; level++) {
          const p = input.parent[x]!;
          if (p < 0 || input.position[x]! >= bonus.width) break;
          if (active[p]) volumeLine(ctx, p, b, s, level, v, shares[level - 1]!);
          x = p;
        }
      }
      return;
    }
    case "GENERATION": {
      // Leaders are paid as at least `rank`. A leader's group volume is their sponsor
      // subtree down to, not including, the next leaders. An active leader earns
      // generations[g] of the group volume of each leader g generations below.
      const min = plan.ranks.findIndex((r) => r.name === bonus.rank);
      const shares = bonus.generations.map(ppm);
      const group = new Float64Array(n);
      lines.explainBy(b, { basis: (k) => group[lines.source[k]!]! });
      const order = ctx.sponsorOrder;
      for (let k = n - 1; k >= 0; k--) {
        const i = order[k]!;
        group[i]! += vol[i]!;
        const p = input.sponsor[i]!;
        if (p >= 0 && paidAs[i]! < min) group[p]! += group[i]!;
      }
      const leaderAbove = new Int32Array(n).fill(-1);
      for (const i of order) {
        const p = input.sponsor[i]!;
        if (p >= 0) leaderAbove[i] = paidAs[p]! >= min ? p : leaderAbove[p]!;
      }
      for (let l = 0; l < n; l++) {
        if (paidAs[l]! < min || group[l]! <= 0) continue;
        let g = 1;
        for (let a = leaderAbove[l]!; a >= 0 && g <= shares.length; a = leaderAbove[a]!, g++) {
          if (active[a]) volumeLine(ctx, a, b, l, g, group[l]!, shares[g - 1]!);
        }
      }
      return;
    }
    case "RANK_ADVANCEMENT": {
      // Once per rank: every rank above the one achieved before, up to the paid-as rank.
      const amounts = plan.ranks.map((r) => minor(bonus.amounts[r.name] ?? 0));
      for (let i = 0; i < n; i++) {
        for (let r = input.achievedBefore[i]! + 1; r <= paidAs[i]!; r++) {
          if (amounts[r]! > 0) lines.add(i, b, -1, r, amounts[r]!);
        }
      }
      return;
    }
    case "POOL": {
      // share × company volume, divided by shares: a member holds the shares of the highest
      // listed rank at or below their paid-as rank. Rounded down, so the pool is never exceeded.
      const sharesOf = new Int32Array(plan.ranks.length);
      let best = 0;
      plan.ranks.forEach((r, i) => {
        best = bonus.shares[r.name] ?? best;
        sharesOf[i] = best;
      });
      let totalShares = 0;
      for (let i = 0; i < n; i++) if (paidAs[i]! >= 0) totalShares += sharesOf[paidAs[i]!]!;
      if (totalShares === 0) return;
      const pool = mulDiv(companyVolume, ppm(bonus.share) * ctx.minorPerHundredth.mul, ctx.minorPerHundredth.div, "DOWN");
      lines.explainBy(b, { basis: () => companyVolume });
      for (let i = 0; i < n; i++) {
        const held = paidAs[i]! >= 0 ? sharesOf[paidAs[i]!]! : 0;
        if (held === 0) continue;
        const amount = mulDiv(pool, held, totalShares, "DOWN");
        if (amount > 0) lines.add(i, b, -1, paidAs[i]!, amount);
      }
      return;
    }
    case "BOARD":
      payBoards(ctx, bonus, b, minor);
      return;
  }
}

function payBoards(ctx: Context, bonus: Extract<Bonus, { type: "BOARD" }>, b: number, minor: (major: number) => number): void {
  const { input, n, lines, paidAs } = ctx;
  const w = bonus.width;
  const seats = boardSeats(w, bonus.depth);
  const stages = bonus.stages.length;
  const amounts = bonus.stages.map((s) => minor(s.amount));
  // Per stage: the board each member sits on (-1 none), and that stage's boards oldest first.
  const seatedOn = Array.from({ length: stages }, () => new Int32Array(n).fill(-1));
  const byStage: number[][] = Array.from({ length: stages }, () => []);
  const oldest = new Int32Array(stages);
  const boards: (Int32Array | null)[] = [];
  const filled: number[] = [];
  const open = (stage: number, members: Int32Array, count: number): void => {
    const id = boards.length;
    boards.push(members);
    filled.push(count);
    byStage[stage]!.push(id);
    for (let k = 0; k < count; k++) seatedOn[stage]![members[k]!] = id;
  };
  const details = new Map<number, BoardDetail>();
  lines.explainBy(b, { basis: () => 0, detail: (k) => details.get(k) });
  const queue: number[] = [];
  for (let k = 0; k < n; k++) {
    const pays = k >= input.joinedBefore;
    const joiner = input.joinOrder[k]!;
    queue.push(joiner, 0);
    while (queue.length > 0) {
      const m = queue.shift()!;
      const stage = queue.shift()!;
      const sponsor = input.sponsor[m]!;
      let id = sponsor >= 0 ? seatedOn[stage]![sponsor]! : -1;
      if (id < 0) {
        const list = byStage[stage]!;
        while (oldest[stage]! < list.length && boards[list[oldest[stage]!]!] === null) oldest[stage]!++;
        id = oldest[stage]! < list.length ? list[oldest[stage]!]! : -1;
      }
      if (id < 0) {
        const board = new Int32Array(seats);
        board[0] = m;
        open(stage, board, 1);
        continue;
      }
      const board = boards[id]!;
      board[filled[id]!] = m;
      filled[id]!++;
      seatedOn[stage]![m] = id;
      if (filled[id]! < seats) continue;
      // Full: pay the top, split under it (each level of a seat's subtree is a contiguous
      // run of breadth-first positions), move the top on.
      const top = board[0]!;
      boards[id] = null;
      seatedOn[stage]![top] = -1;
      const next = stage + 1 < stages ? stage + 1 : bonus.reenter ? 0 : -1;
      if (pays && amounts[stage]! > 0) {
        const line = lines.add(top, b, joiner, stage + 1, amounts[stage]!);
        details.set(line, { stage: stage + 1, board: id + 1, seats, movedTo: next < 0 ? null : next + 1 });
      }
      for (let c = 1; c <= w; c++) {
        const part = new Int32Array(seats);
        let count = 0;
        for (let from = c, to = c; from < seats; from = from * w + 1, to = to * w + w) {
          for (let p = from; p <= to; p++) part[count++] = board[p]!;
        }
        open(stage, part, count);
      }
      if (next >= 0) queue.push(top, next);
    }
  }
}

/** Per member: bit 1 when an active personal recruit sits in the left leg, bit 2 in the right. */
function recruitLegs(ctx: Context): Uint8Array {
  const { input, n, active } = ctx;
  const sides = new Uint8Array(n);
  for (let m = 0; m < n; m++) {
    const s = input.sponsor[m]!;
    if (s < 0 || !active[m]) continue;
    let x = m;
    while (input.parent[x]! >= 0 && input.parent[x] !== s) x = input.parent[x]!;
    if (input.parent[x] === s && input.position[x]! <= 1) sides[s]! |= input.position[x] === 0 ? 1 : 2;
  }
  return sides;
}

/** sha256 over every line (earner, bonus, source, level, amount) in order, as the text "e,b,s,l,a\n" per line. */
export function runHash(ids: Int32Array, lines: Lines): string {
  const hasher = runHasher(ids, lines);
  while (!hasher.step(Infinity));
  return hasher.digest();
}

/**
 * runHash a slice at a time: `step(n)` hashes the next n lines and says whether all are
 * done, so a caller can hash between other work (a commit hashes while the database writes).
 */
export function runHasher(ids: Int32Array, lines: Lines): { step(n: number): boolean; digest(): string } {
  const hash = createHash("sha256");
  // The text is written byte by byte into one buffer (a string per line cost more than the
  // engine's run): digits of non-negative integers directly, anything else as String() does.
  const buf = Buffer.allocUnsafe(1 << 20);
  let at = 0;
  let k = 0;
  const write = (v: number, end: number) => {
    if (Number.isSafeInteger(v) && v >= 0) at = writeDigits(buf, at, v);
    else at += buf.write(String(v), at, "latin1");
    buf[at++] = end;
  };
  return {
    step(n) {
      const end = Math.min(lines.count, k + n);
      for (; k < end; k++) {
        if (at > buf.length - 256) {
          hash.update(buf.subarray(0, at));
          at = 0;
        }
        const s = lines.source[k]!;
        write(ids[lines.member[k]!]!, 44);
        write(lines.bonus[k]!, 44);
        write(s < 0 ? 0 : ids[s]!, 44);
        write(lines.level[k]!, 44);
        write(lines.amount[k]!, 10);
      }
      return k === lines.count;
    },
    digest() {
      hash.update(buf.subarray(0, at));
      at = 0;
      return hash.digest("hex");
    },
  };
}

/** An empty input for n members (every array zero, no sponsors, no parents). */
export function emptyInput(n: number): EngineInput {
  return {
    ids: new Int32Array(n), sponsor: new Int32Array(n).fill(-1), parent: new Int32Array(n).fill(-1), position: new Int32Array(n),
    pv: new Float64Array(n), bv: new Float64Array(n), retail: new Float64Array(n), fastStart: new Float64Array(n),
    carryLeft: new Float64Array(n), carryRight: new Float64Array(n), unqualifiedPeriods: new Int32Array(n), achievedBefore: new Int32Array(n).fill(-1),
    joinOrder: Int32Array.from({ length: n }, (_, i) => i), joinedBefore: 0,
  };
}
