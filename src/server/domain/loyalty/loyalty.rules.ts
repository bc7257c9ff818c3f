import { dayIn, endOfDay, startOfDay } from "@/server/domain/shared/calendar";
import type { FieldError } from "@/server/domain/shared/input.errors";
import { LoyaltyErrorCode } from "./loyalty.errors";
import type { RedemptionStatus } from "./loyalty.types";
import type { Badge, EarningRule, Mission, MissionStep, Program, TierLevel } from "./program.rules";

// Pure decisions of the loyalty programme: what an order or event earns, caps, tiers,
// badges, which points a spend or an expiry uses. Table-tested in loyalty.rules.test.ts.

const DAY_MS = 86_400_000;

/** What applying rules needs to know about the member at that moment. */
export interface EarnContext {
  at: Date;
  country: string;
  tier: string | null;
  /** The segments the member is in at that moment (only those the programme's rules use need be listed). */
  segments: ReadonlySet<string>;
  /** The time zone the rules' dates are read in for this member (see `zoneOf`); UTC when left out. */
  zone?: string;
}

/** An order line as loyalty sees it: price in minor units (hundredths) per unit, net of refunds. */
export interface OrderLineFacts {
  sku: string;
  category: string;
  /** The product's labels (none when left out). */
  labels?: readonly string[];
  quantity: number;
  unitPrice: number;
}

export interface OrderFacts {
  currency: string;
  lines: OrderLineFacts[];
  /** The share of the order's total paid in money (points paid at checkout earn no points); 1 when absent. */
  cashShare?: number;
}

/** Points a rule grants for one order or event, before caps; `detail` says how, for the member. */
export interface Grant {
  rule: string;
  ruleName: string;
  pointType: string;
  points: number;
  detail: string;
}

/** Whole points from a computed value, without losing a point to a float just under it (199.99999…). */
const whole = (x: number) => Math.floor(x + 1e-9);
const fmt = (minor: number) => (minor / 100).toFixed(2);

/** Whether `at` falls in from..until and on one of `days` when listed (calendar days in `zone`, inclusive; either end may be open). */
export function inWindow(w: { from?: string; until?: string; days?: string[] }, at: Date, zone = "UTC"): boolean {
  if (!w.from && !w.until && !w.days) return true;
  const day = dayIn(at, zone);
  return !(w.from && day < w.from) && !(w.until && day > w.until) && !(w.days && !w.days.includes(day));
}

/** Whether a rule's conditions hold: the day within from..until and its days (the member's calendar), the member's country, tier and segment. */
export function ruleApplies(rule: EarningRule, ctx: EarnContext): boolean {
  if (!inWindow(rule, ctx.at, ctx.zone)) return false;
  if (rule.countries && !rule.countries.includes(ctx.country)) return false;
  if (rule.tiers && !(ctx.tier && rule.tiers.includes(ctx.tier))) return false;
  if (rule.segment && !ctx.segments.has(rule.segment)) return false;
  return true;
}

/** The segments the programme's earning rules and missions refer to (the only ones worth evaluating per event). */
export function segmentsInUse(program: Program): string[] {
  const used = new Set<string>();
  for (const r of program.earning) if (r.segment) used.add(r.segment);
  for (const m of program.missions) if (m.segment) used.add(m.segment);
  return [...used];
}

/** The budget of a rule (total points across members), if it has one. */
export function budgetOf(program: Program, rule: string): number | null {
  return program.earning.find((x) => x.code === rule)?.budget ?? null;
}

/** What may still be granted from a rule's budget, given what it granted everyone so far (a grant is cut to what is left). */
export function withinBudget(points: number, budget: number | null, used: number): number {
  return budget == null ? points : Math.max(0, Math.min(points, budget - used));
}

const hasLabel = (labels: readonly string[], l: OrderLineFacts) => labels.some((x) => l.labels?.includes(x));
const lineMatches = (r: { skus: string[]; categories: string[]; labels: string[] }, l: OrderLineFacts) =>
  (r.skus.length === 0 && r.categories.length === 0 && r.labels.length === 0) || r.skus.includes(l.sku) || r.categories.includes(l.category) || hasLabel(r.labels, l);

/** The tier level of a code (null for none or an unknown code). */
export function tierLevel(program: Program | null, tier: string | null): TierLevel | null {
  return tier ? program?.tiers?.levels.find((l) => l.code === tier) ?? null : null;
}

/** Applies the tier's earning multiplier to points of a type other than the tier basis. */
function withTier(program: Program, ctx: EarnContext, g: Grant): Grant {
  const level = tierLevel(program, ctx.tier);
  if (!level || level.multiplier === 1 || g.pointType === program.tiers?.basis) return g;
  const points = whole(g.points * level.multiplier);
  return { ...g, points, detail: `${g.detail}; ${level.name} ×${level.multiplier} = ${points}` };
}

/**
 * What an order earns, one grant per rule, before caps. The order of the rules:
 * 1. SPEND: points per currency unit on each line not excluded (tax never counts), when
 *    the order's lines reach minOrderValue; only the share paid in money earns (not what
 *    points paid at checkout).
 * 2. MULTIPLIER: multiplies the spending points of the lines it matches (several that
 *    match one line multiply each other); it never adds points to lines that earned none.
 * 3. PRODUCT_BONUS: fixed points per unit bought of matching lines.
 * 4. The member's tier multiplier, on every point type but the tier basis.
 * Each grant is rounded down to whole points once, at the end.
 */
export function orderGrants(program: Program, order: OrderFacts, ctx: EarnContext): Grant[] {
  const rules = program.earning.filter((r) => ruleApplies(r, ctx));
  const value = order.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const grants: Grant[] = [];
  const multipliers = rules.filter((r): r is Extract<EarningRule, { type: "MULTIPLIER" }> => r.type === "MULTIPLIER");
  for (const r of rules) {
    if (r.type === "SPEND") {
      if (value < Math.round(r.minOrderValue * 100)) continue;
      const rate = r.perCurrency?.[order.currency] ?? r.pointsPerUnit;
      let total = 0;
      let base = 0;
      const notes: string[] = [];
      for (const l of order.lines) {
        if (r.exclude.skus.includes(l.sku) || r.exclude.categories.includes(l.category) || hasLabel(r.exclude.labels, l)) continue;
        const lineValue = l.unitPrice * l.quantity;
        base += lineValue;
        let pts = (lineValue / 100) * rate;
        for (const m of multipliers) {
          if ((m.pointType === undefined || m.pointType === r.pointType) && lineMatches(m, l)) {
            notes.push(`${m.name} ×${m.multiplier} on ${l.sku}`);
            pts *= m.multiplier;
          }
        }
        total += pts;
      }
      const cash = order.cashShare ?? 1;
      if (cash < 1) notes.push(`on the ${Math.round(cash * 100)} % paid in money`);
      const points = whole(total * cash);
      if (points > 0) {
        const extra = notes.length ? `; ${[...new Set(notes)].join(", ")}` : "";
        grants.push({ rule: r.code, ruleName: r.name, pointType: r.pointType, points, detail: `${rate} per ${order.currency} 1 on ${order.currency} ${fmt(base)}${extra}` });
      }
    } else if (r.type === "PRODUCT_BONUS") {
      if (value < Math.round(r.minOrderValue * 100)) continue;
      const units = order.lines.filter((l) => lineMatches(r, l)).reduce((s, l) => s + l.quantity, 0);
      if (units > 0) grants.push({ rule: r.code, ruleName: r.name, pointType: r.pointType, points: units * r.pointsPerUnit, detail: `${r.pointsPerUnit} per unit × ${units}` });
    }
  }
  return grants.map((g) => withTier(program, ctx, g));
}

/** Money a CASHBACK rule gives for an order: minor units of the order's currency, paid to the wallet after the return window. */
export interface CashbackGrant {
  rule: string;
  ruleName: string;
  currency: string;
  /** In hundredths of the currency's unit, like order lines (the service converts to minor units). */
  amount: number;
  detail: string;
}

/**
 * The cashback an order earns: each CASHBACK rule that applies pays its `share` of the
 * value of the lines it matches (none listed: every line; exclusions left out; tax never
 * counted), on the share paid in money, rounded down to the minor unit.
 */
export function cashbackGrants(program: Program, order: OrderFacts, ctx: EarnContext): CashbackGrant[] {
  const value = order.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const cash = order.cashShare ?? 1;
  const out: CashbackGrant[] = [];
  for (const r of program.earning) {
    if (r.type !== "CASHBACK" || !ruleApplies(r, ctx) || value < Math.round(r.minOrderValue * 100)) continue;
    const base = order.lines
      .filter((l) => lineMatches(r, l) && !(r.exclude.skus.includes(l.sku) || r.exclude.categories.includes(l.category) || hasLabel(r.exclude.labels, l)))
      .reduce((s, l) => s + l.unitPrice * l.quantity, 0);
    const amount = whole(base * cash * r.share);
    if (amount > 0) {
      out.push({ rule: r.code, ruleName: r.name, currency: order.currency, amount, detail: `${+(r.share * 100).toFixed(2)} % of ${order.currency} ${fmt(base)}${cash < 1 ? `, on the ${Math.round(cash * 100)} % paid in money` : ""}` });
    }
  }
  return out;
}

/** What a custom event earns (EVENT rules for its name). */
export function eventGrants(program: Program, event: { name: string; value: number | null }, ctx: EarnContext): Grant[] {
  const grants: Grant[] = [];
  for (const r of program.earning) {
    if (r.type !== "EVENT" || r.event !== event.name || !ruleApplies(r, ctx)) continue;
    const points = r.points ?? whole((event.value ?? 0) * r.pointsPerValue!);
    if (points > 0) grants.push({ rule: r.code, ruleName: r.name, pointType: r.pointType, points, detail: r.points ? `${event.name}` : `${r.pointsPerValue} per unit × ${event.value}` });
  }
  return grants.map((g) => withTier(program, ctx, g));
}

/** Fixed grants of REFERRAL or SIGNUP rules. */
export function fixedGrants(program: Program, type: "REFERRAL" | "SIGNUP", ctx: EarnContext, detail: string): Grant[] {
  return program.earning
    .filter((r): r is Extract<EarningRule, { type: "REFERRAL" | "SIGNUP" }> => r.type === type && ruleApplies(r, ctx))
    .map((r) => withTier(program, ctx, { rule: r.code, ruleName: r.name, pointType: r.pointType, points: r.points, detail }));
}

/** The start of the calendar period (UTC) a cap counts in. */
export function capPeriodStart(at: Date, per: "DAY" | "MONTH" | "YEAR"): Date {
  const y = at.getUTCFullYear();
  if (per === "YEAR") return new Date(Date.UTC(y, 0, 1));
  if (per === "MONTH") return new Date(Date.UTC(y, at.getUTCMonth(), 1));
  return new Date(Date.UTC(y, at.getUTCMonth(), at.getUTCDate()));
}

/** The cap of a rule, if it has one. */
export function capOf(program: Program, rule: string): { points: number; per: "DAY" | "MONTH" | "YEAR" } | null {
  const r = program.earning.find((x) => x.code === rule);
  return r && "cap" in r && r.cap ? r.cap : null;
}

/** What may still be granted under a cap, given what the rule granted the member in the period already. */
export function capped(points: number, cap: { points: number } | null, used: number): number {
  return cap ? Math.max(0, Math.min(points, cap.points - used)) : points;
}

/** The highest tier whose threshold `earned` reaches (null: none). */
export function tierForPoints(program: Program, earned: number): TierLevel | null {
  let found: TierLevel | null = null;
  for (const l of program.tiers?.levels ?? []) if (earned >= l.threshold) found = l;
  return found;
}

/** The next tier up and the basis points still missing (null at the top). */
export function nextTier(program: Program, tier: string | null, earned: number): { level: TierLevel; pointsNeeded: number } | null {
  const levels = program.tiers?.levels ?? [];
  const at = tier ? levels.findIndex((l) => l.code === tier) : -1;
  const level = levels[at + 1];
  return level ? { level, pointsNeeded: Math.max(0, level.threshold - earned) } : null;
}

const rankOf = (program: Program, tier: string | null) => (tier ? (program.tiers?.levels.findIndex((l) => l.code === tier) ?? -1) : -1);
const higher = (program: Program, a: string | null, b: string | null) => (rankOf(program, a) >= rankOf(program, b) ? a : b);

export interface TierState {
  tier: string | null;
  tierSince: Date | null;
  tierFloor: string | null;
  belowSince: Date | null;
}

/** Why the tier is evaluated: points changed; a refund took back points earned at `earnedAt`; a month ended; the daily check. */
export type TierCause = { type: "CHANGE" } | { type: "REFUND"; earnedAt: Date } | { type: "PERIOD_END" } | { type: "DAILY" };

/**
 * A member's tier after a change of their earned basis points:
 * 1. The tier their points reach, never below the floor an admin set.
 * 2. At or above their tier: that tier at once (upgrades never wait); no longer below.
 * 3. Below, and a refund took back the points of an upgrade (the tier changed after the
 *    refunded points were earned): down at once, the upgrade was never earned.
 * 4. Below otherwise, by the programme's rule: NEVER keeps the tier; AFTER_DAYS goes down
 *    once the member has been below for that many days; PERIOD_END at the end of a month.
 */
export function evaluateTier(program: Program, state: TierState, earned: number, cause: TierCause, now: Date): TierState {
  const reached = higher(program, tierForPoints(program, earned)?.code ?? null, state.tierFloor);
  const down = (): TierState => ({ ...state, tier: reached, tierSince: reached === state.tier ? state.tierSince : now, belowSince: null });
  if (rankOf(program, reached) >= rankOf(program, state.tier)) {
    return reached === state.tier ? { ...state, belowSince: null } : { ...state, tier: reached, tierSince: now, belowSince: null };
  }
  if (cause.type === "REFUND" && state.tierSince && state.tierSince >= cause.earnedAt) return down();
  const belowSince = state.belowSince ?? now;
  const rule = program.tiers?.downgrade ?? { rule: "NEVER" as const };
  if (rule.rule === "AFTER_DAYS" && now.getTime() - belowSince.getTime() >= rule.days! * DAY_MS) return down();
  if (rule.rule === "PERIOD_END" && cause.type === "PERIOD_END") return down();
  return { ...state, belowSince };
}

/** What badges are about: a member's counts as they are now. */
export interface BadgeFacts {
  orders: number;
  recruits: number;
  /** Months with a paid order (0 when left out). */
  activeMonths?: number;
  tier: string | null;
  earnedByType: Record<string, number>;
  /** The compensation plan's ranks the member has achieved (every rank up to the highest). */
  ranks: readonly string[];
}

/** Badges the facts reach that the member does not have yet. */
export function newBadges(program: Program, facts: BadgeFacts, have: ReadonlySet<string>): Badge[] {
  return program.badges.filter((b) => {
    if (have.has(b.code)) return false;
    const w = b.when;
    switch (w.type) {
      case "ORDERS": return facts.orders >= w.count;
      case "RECRUITS": return facts.recruits >= w.count;
      case "ACTIVE_MONTHS": return (facts.activeMonths ?? 0) >= w.months;
      case "TIER": return rankOf(program, facts.tier) >= rankOf(program, w.tier);
      case "POINTS_EARNED": return (facts.earnedByType[w.pointType] ?? 0) >= w.points;
      case "RANK": return facts.ranks.includes(w.rank);
    }
  });
}

/** What a member did within a mission's window, as its steps count it. */
export interface ActivityCounts {
  orders: number;
  recruits: number;
  earnedByType: Record<string, number>;
  events: Record<string, number>;
}

/** How far a member is with each step: done and needed, in the step's own unit (orders, members, points, events). */
export function missionProgress(mission: Mission, a: ActivityCounts): { step: MissionStep; done: number; needed: number }[] {
  return mission.steps.map((step) => {
    switch (step.type) {
      case "ORDERS": return { step, done: Math.min(a.orders, step.count), needed: step.count };
      case "RECRUITS": return { step, done: Math.min(a.recruits, step.count), needed: step.count };
      case "POINTS_EARNED": return { step, done: Math.min(a.earnedByType[step.pointType] ?? 0, step.points), needed: step.points };
      case "EVENT": return { step, done: Math.min(a.events[step.event] ?? 0, step.count), needed: step.count };
    }
  });
}

export const missionComplete = (mission: Mission, a: ActivityCounts) => missionProgress(mission, a).every((p) => p.done >= p.needed);

/** The instants a mission counts activity between: from the midnight `from` starts in `zone` to the end of `until` (null: open). */
export function missionWindow(mission: Mission, zone = "UTC"): { since: Date | null; until: Date | null } {
  return {
    since: mission.from ? startOfDay(mission.from, zone) : null,
    until: mission.until ? endOfDay(mission.until, zone) : null,
  };
}

/** Missions running at `at` for a member in these segments (window in the member's zone, and segment). */
export function missionsInPlay(program: Program, at: Date, segments: ReadonlySet<string>, zone = "UTC"): Mission[] {
  return program.missions.filter((m) => inWindow(m, at, zone) && (!m.segment || segments.has(m.segment)));
}

/** A lot with points left, oldest first in the list. */
export interface OpenLot {
  id: string;
  remaining: number;
}

/**
 * Takes `amount` points from lots in the order given (oldest first), each lot at most
 * its remaining points; `short` is what the lots could not cover.
 */
export function takeOldestFirst(lots: readonly OpenLot[], amount: number): { taken: { id: string; points: number }[]; short: number } {
  const taken: { id: string; points: number }[] = [];
  let left = amount;
  for (const lot of lots) {
    if (left <= 0) break;
    const points = Math.min(lot.remaining, left);
    if (points > 0) {
      taken.push({ id: lot.id, points });
      left -= points;
    }
  }
  return { taken, short: left };
}

/** What paying with points at checkout allows for one order (amounts in minor units, hundredths). */
export interface CheckoutTerms {
  pointType: string;
  /** Money one point pays, as the programme says it (0.009 EUR). */
  value: number;
  /** The same in hundredths of the order's currency (may be fractional: 0.9). */
  perPoint: number;
  minPoints: number;
  /** The most points this order takes: `maxShareOfOrder` of its total, in whole points. */
  maxPoints: number;
}

/** The terms for an order of `total` (hundredths) in `currency`, or why points cannot pay for it. */
export function checkoutTerms(program: Program | null, currency: string, total: number): { terms: CheckoutTerms } | { error: string } {
  const c = program?.checkout;
  if (!c) return { error: "Points do not pay for orders at the moment." };
  const value = program.pointTypes.find((t) => t.code === c.pointType)?.value?.[currency];
  if (!value) return { error: `Points do not pay for orders in ${currency}.` };
  const perPoint = value * 100;
  return { terms: { pointType: c.pointType, value, perPoint, minPoints: c.minPoints, maxPoints: Math.floor(Math.floor(total * c.maxShareOfOrder + 1e-9) / perPoint + 1e-9) } };
}

/** What `points` pay (hundredths, rounded down), or why they cannot: too few, too many for the order, more than the balance. */
export function checkoutQuote(terms: CheckoutTerms, points: number, balance: number): { amount: number; errors: [] } | { amount: null; errors: FieldError<LoyaltyErrorCode>[] } {
  const fail = (code: LoyaltyErrorCode, message: string) => ({ amount: null, errors: [{ field: "points", code, message }] });
  if (!Number.isSafeInteger(points) || points < 0) return fail(LoyaltyErrorCode.INVALID, "A whole number of points.");
  if (points < terms.minPoints) return fail(LoyaltyErrorCode.INVALID, `At least ${terms.minPoints.toLocaleString("en-US")} points.`);
  if (points > terms.maxPoints) return fail(LoyaltyErrorCode.INVALID, `At most ${terms.maxPoints.toLocaleString("en-US")} points for this order.`);
  if (points > balance) return fail(LoyaltyErrorCode.INSUFFICIENT_POINTS, `You have ${balance.toLocaleString("en-US")} points to spend.`);
  return { amount: Math.floor(points * terms.perPoint + 1e-9), errors: [] };
}

/** When points that became active at `activeAt` expire (null: never). */
export function expiryOf(program: Program, pointType: string, activeAt: Date): Date | null {
  const days = program.pointTypes.find((t) => t.code === pointType)?.expiresAfterDays ?? null;
  return days == null ? null : new Date(activeAt.getTime() + days * DAY_MS);
}

/** When an order's points become active: after the return window. */
export function releaseOf(program: Program, earnedAt: Date): Date {
  return new Date(earnedAt.getTime() + program.pendingDays * DAY_MS);
}

/** The start of the window tier points count in (null: since enrolment). */
export function tierWindowStart(program: Program, now: Date): Date | null {
  const days = program.tiers?.windowDays ?? null;
  return days == null ? null : new Date(now.getTime() - days * DAY_MS);
}

const REDEMPTION_FLOW: Record<RedemptionStatus, RedemptionStatus[]> = {
  REQUESTED: ["PACKED", "CANCELLED"], PACKED: ["SHIPPED", "CANCELLED"], SHIPPED: ["DELIVERED"], DELIVERED: [], ISSUED: [], CANCELLED: [],
};

/** Fulfilment of a physical reward: requested → packed → shipped → delivered; cancelled until it ships. */
export function nextRedemptionStatuses(status: RedemptionStatus): RedemptionStatus[] {
  return REDEMPTION_FLOW[status];
}
