import { describe, expect, it } from "vitest";
import {
  capped, capPeriodStart, cashbackGrants, checkoutQuote, checkoutTerms, evaluateTier, eventGrants, missionComplete, missionProgress, missionsInPlay, missionWindow, newBadges, nextTier, orderGrants,
  segmentsInUse, takeOldestFirst, withinBudget, type ActivityCounts, type EarnContext, type OrderFacts, type TierState,
} from "./loyalty.rules";
import { EXAMPLE_PROGRAM, parseProgram, zoneOf, type Program } from "./program.rules";

const program = (doc: Record<string, unknown> = {}): Program => {
  const parsed = parseProgram({ ...EXAMPLE_PROGRAM, ...doc });
  if (!parsed.program) throw new Error(JSON.stringify(parsed.errors));
  return parsed.program;
};
const ctx = (over: Partial<EarnContext> = {}): EarnContext => ({ at: new Date("2026-06-15T12:00:00Z"), country: "US", tier: null, segments: new Set(), ...over });
const line = (sku: string, category: string, unitPrice: number, quantity = 1) => ({ sku, category, unitPrice, quantity });
const order = (...lines: OrderFacts["lines"]): OrderFacts => ({ currency: "USD", lines });
const spend = (code: string, pointsPerUnit: number, extra: Record<string, unknown> = {}) => ({ type: "SPEND", code, name: code, pointType: "REWARD", pointsPerUnit, ...extra });
const points = (p: Program, o: OrderFacts, c = ctx()) => Object.fromEntries(orderGrants(p, o, c).map((g) => [g.rule, g.points]));

describe("earning rules on an order", () => {
  const cases: { name: string; earning: unknown[]; order: OrderFacts; ctx?: Partial<EarnContext>; expected: Record<string, number> }[] = [
    { name: "points per currency unit, rounded down once per order", earning: [spend("S", 10)], order: order(line("A", "X", 1999), line("B", "X", 1), line("C", "X", 5)), expected: { S: 200 } },
    { name: "tax is not counted: only line values", earning: [spend("S", 1)], order: order(line("A", "X", 10000)), expected: { S: 100 } },
    { name: "a multiplier applies to the points of the lines it matches", earning: [spend("S", 10), { type: "MULTIPLIER", code: "M", name: "M", multiplier: 3, categories: ["Oils"] }], order: order(line("A", "Oils", 1000), line("B", "X", 1000)), expected: { S: 400 } },
    { name: "two multipliers on one line multiply each other", earning: [spend("S", 1), { type: "MULTIPLIER", code: "M1", name: "M1", multiplier: 2, skus: ["A"] }, { type: "MULTIPLIER", code: "M2", name: "M2", multiplier: 1.5, categories: ["Oils"] }], order: order(line("A", "Oils", 1000)), expected: { S: 30 } },
    { name: "a multiplier of another point type leaves these points alone", earning: [spend("S", 1), { type: "MULTIPLIER", code: "M", name: "M", multiplier: 5, pointType: "STATUS" }], order: order(line("A", "X", 1000)), expected: { S: 10 } },
    { name: "a product bonus adds fixed points per unit, after multipliers (not multiplied)", earning: [spend("S", 1), { type: "MULTIPLIER", code: "M", name: "M", multiplier: 2 }, { type: "PRODUCT_BONUS", code: "P", name: "P", pointType: "REWARD", pointsPerUnit: 50, skus: ["A"] }], order: order(line("A", "X", 1000, 3)), expected: { S: 60, P: 150 } },
    { name: "excluded SKUs and categories earn nothing", earning: [spend("S", 10, { exclude: { skus: ["A"], categories: ["Gift cards"] } })], order: order(line("A", "X", 1000), line("B", "Gift cards", 5000), line("C", "X", 100)), expected: { S: 10 } },
    { name: "below the minimum order value nothing is earned", earning: [spend("S", 10, { minOrderValue: 50 })], order: order(line("A", "X", 4999)), expected: {} },
    { name: "at the minimum order value points are earned", earning: [spend("S", 10, { minOrderValue: 50 })], order: order(line("A", "X", 5000)), expected: { S: 500 } },
    { name: "another rate for the order's currency", earning: [spend("S", 10, { perCurrency: { JPY: 0.1 } })], order: { currency: "JPY", lines: [line("A", "X", 300000)] }, expected: { S: 300 } },
    { name: "a campaign outside its dates does not apply", earning: [spend("S", 1, { from: "2026-07-01" })], order: order(line("A", "X", 1000)), expected: {} },
    { name: "a campaign on its last day applies", earning: [spend("S", 1, { until: "2026-06-15" })], order: order(line("A", "X", 1000)), expected: { S: 10 } },
    { name: "a regional rule applies in its countries only", earning: [spend("S", 1, { countries: ["DE"] })], order: order(line("A", "X", 1000)), expected: {} },
    { name: "a tier multiplies points of types other than the tier basis", earning: [spend("S", 10), { type: "SPEND", code: "T", name: "T", pointType: "STATUS", pointsPerUnit: 1 }], order: order(line("A", "X", 1000)), ctx: { tier: "GOLD" }, expected: { S: 125, T: 10 } },
    { name: "a rule for some tiers only", earning: [spend("S", 1, { tiers: ["GOLD"] })], order: order(line("A", "X", 1000)), ctx: { tier: "SILVER" }, expected: {} },
    { name: "a segment's rule skips members outside it", earning: [spend("S", 1, { segment: "LAPSED" })], order: order(line("A", "X", 1000)), ctx: { segments: new Set(["RECRUITERS"]) }, expected: {} },
    { name: "only the share paid in money earns spending points; product bonuses stay whole", earning: [spend("S", 10), { type: "PRODUCT_BONUS", code: "P", name: "P", pointType: "REWARD", pointsPerUnit: 50, skus: ["A"] }], order: { ...order(line("A", "X", 2000)), cashShare: 0.75 }, expected: { S: 150, P: 50 } },
    { name: "a multiplier on a product label", earning: [spend("S", 10), { type: "MULTIPLIER", code: "M", name: "M", multiplier: 2, labels: ["NEW"] }], order: order({ ...line("A", "X", 1000), labels: ["new"] }, line("B", "X", 1000)), expected: { S: 300 } },
    { name: "excluded labels earn nothing", earning: [spend("S", 10, { exclude: { labels: ["gift-card"] } })], order: order({ ...line("A", "X", 5000), labels: ["gift-card", "new"] }, line("B", "X", 100)), expected: { S: 10 } },
    { name: "a LOCAL calendar: a campaign starts at midnight where the member lives (Tokyo is already on the 29th)", earning: [spend("S", 1, { from: "2026-04-29", until: "2026-05-05", countries: ["JP"] })], order: order(line("A", "X", 1000)), ctx: { at: new Date("2026-04-28T15:30:00Z"), country: "JP", zone: "Asia/Tokyo" }, expected: { S: 10 } },
    { name: "a UTC calendar: the same instant is still the 28th", earning: [spend("S", 1, { from: "2026-04-29", until: "2026-05-05", countries: ["JP"] })], order: order(line("A", "X", 1000)), ctx: { at: new Date("2026-04-28T15:30:00Z"), country: "JP" }, expected: {} },
    { name: "a holiday rule applies on its days only", earning: [spend("S", 1, { days: ["2026-06-15", "2026-12-25"] })], order: order(line("A", "X", 1000)), expected: { S: 10 } },
    { name: "a holiday rule does not apply the day before", earning: [spend("S", 1, { days: ["2026-06-16"] })], order: order(line("A", "X", 1000)), expected: {} },
    { name: "a holiday is the member's local day: still Christmas Eve in New York", earning: [spend("S", 1, { days: ["2026-12-25"] })], order: order(line("A", "X", 1000)), ctx: { at: new Date("2026-12-25T03:00:00Z"), zone: "America/New_York" }, expected: {} },
    { name: "a segment's rule applies to its members (a personalised offer)", earning: [spend("S", 1), { type: "MULTIPLIER", code: "M", name: "M", multiplier: 2, categories: ["Supplements"], segment: "SUPPLEMENT_FANS" }], order: order(line("A", "Supplements", 1000), line("B", "X", 1000)), ctx: { segments: new Set(["SUPPLEMENT_FANS"]) }, expected: { S: 30 } },
  ];
  for (const c of cases) {
    it(c.name, () => expect(points(program({ earning: c.earning }), c.order, ctx(c.ctx))).toEqual(c.expected));
  }

  it("says how the points were reached", () => {
    const [g] = orderGrants(program(), order(line("SUP-001", "Supplements", 2499)), ctx());
    expect(g).toMatchObject({ rule: "SPEND_REWARD", points: 499 });
    expect(g!.detail).toContain("Double points on supplements ×2 on SUP-001");
  });

  it("custom events earn fixed points or points per value", () => {
    const p = program({ earning: [{ type: "EVENT", code: "E", name: "E", pointType: "REWARD", event: "run", pointsPerValue: 2 }] });
    expect(eventGrants(p, { name: "run", value: 5.5 }, ctx())[0]!.points).toBe(11);
    expect(eventGrants(p, { name: "walk", value: 5 }, ctx())).toEqual([]);
  });
});

describe("cashback", () => {
  const cb = (extra: Record<string, unknown> = {}) => ({ type: "CASHBACK", code: "CB", name: "CB", share: 0.05, ...extra });
  const cases: { name: string; rule: Record<string, unknown>; order: OrderFacts; ctx?: Partial<EarnContext>; expected: number[] }[] = [
    { name: "a share of every line, rounded down to the cent", rule: cb(), order: order(line("A", "X", 1999), line("B", "X", 1000)), expected: [149] },
    { name: "only the lines it matches", rule: cb({ categories: ["Oils"] }), order: order(line("A", "Oils", 2000), line("B", "X", 9000)), expected: [100] },
    { name: "exclusions earn nothing", rule: cb({ exclude: { skus: [], categories: ["Gift cards"], labels: [] } }), order: order(line("A", "Gift cards", 5000), line("B", "X", 1000)), expected: [50] },
    { name: "on the share paid in money only", rule: cb(), order: { ...order(line("A", "X", 10000)), cashShare: 0.6 }, expected: [300] },
    { name: "below the minimum order value nothing", rule: cb({ minOrderValue: 50 }), order: order(line("A", "X", 4999)), expected: [] },
    { name: "for some tiers only", rule: cb({ tiers: ["GOLD"] }), order: order(line("A", "X", 10000)), ctx: { tier: "SILVER" }, expected: [] },
    { name: "the tier multiplier never touches money", rule: cb(), order: order(line("A", "X", 10000)), ctx: { tier: "GOLD" }, expected: [500] },
  ];
  for (const c of cases) {
    it(c.name, () => expect(cashbackGrants(program({ earning: [c.rule] }), c.order, ctx(c.ctx)).map((g) => g.amount)).toEqual(c.expected));
  }
  it("is money, not points: no point type and no budget", () => {
    expect(parseProgram({ ...EXAMPLE_PROGRAM, earning: [{ ...cb(), pointType: "REWARD" }] }).errors[0]).toMatchObject({ field: "earning[0].pointType" });
    expect(parseProgram({ ...EXAMPLE_PROGRAM, earning: [{ ...cb(), budget: 100 }] }).errors[0]).toMatchObject({ field: "earning[0].budget" });
    expect(parseProgram({ ...EXAMPLE_PROGRAM, earning: [cb({ share: 0.6 })] }).errors[0]).toMatchObject({ field: "earning[0].share" });
  });
});

describe("caps", () => {
  it.each([
    [300, 1000, 800, 200],
    [300, 1000, 1000, 0],
    [300, 1000, 1200, 0],
    [300, null, 5000, 300],
  ])("grants %i under a cap of %s with %i used: %i", (pts, cap, used, expected) => {
    expect(capped(pts, cap == null ? null : { points: cap }, used)).toBe(expected);
  });

  it("counts in calendar periods (UTC)", () => {
    const at = new Date("2026-06-15T23:30:00Z");
    expect(capPeriodStart(at, "DAY").toISOString()).toBe("2026-06-15T00:00:00.000Z");
    expect(capPeriodStart(at, "MONTH").toISOString()).toBe("2026-06-01T00:00:00.000Z");
    expect(capPeriodStart(at, "YEAR").toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("tiers", () => {
  const now = new Date("2026-06-15T00:00:00Z");
  const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
  const state = (tier: string | null, over: Partial<TierState> = {}): TierState => ({ tier, tierSince: day(-100), tierFloor: null, belowSince: null, ...over });
  const rules = (downgrade: Record<string, unknown>) => program({ tiers: { ...EXAMPLE_PROGRAM.tiers, downgrade } });

  const cases: { name: string; p: Program; s: TierState; earned: number; cause?: Parameters<typeof evaluateTier>[3]; at?: Date; tier: string | null; below?: boolean }[] = [
    { name: "upgrades at once on reaching a threshold", p: rules({ rule: "NEVER" }), s: state(null), earned: 1000, tier: "SILVER" },
    { name: "skips a tier when the points reach two", p: rules({ rule: "NEVER" }), s: state(null), earned: 6000, tier: "GOLD" },
    { name: "NEVER keeps the tier below the threshold", p: rules({ rule: "NEVER" }), s: state("GOLD"), earned: 10, tier: "GOLD", below: true },
    { name: "PERIOD_END keeps the tier during the month", p: rules({ rule: "PERIOD_END" }), s: state("GOLD"), earned: 1500, tier: "GOLD", below: true },
    { name: "PERIOD_END goes down to what the points reach at the month's end", p: rules({ rule: "PERIOD_END" }), s: state("GOLD"), earned: 1500, cause: { type: "PERIOD_END" }, tier: "SILVER" },
    { name: "AFTER_DAYS keeps the tier before the days are up", p: rules({ rule: "AFTER_DAYS", days: 30 }), s: state("SILVER", { belowSince: day(-29) }), earned: 0, tier: "SILVER", below: true },
    { name: "AFTER_DAYS goes down once the days are up", p: rules({ rule: "AFTER_DAYS", days: 30 }), s: state("SILVER", { belowSince: day(-30) }), earned: 0, tier: null },
    { name: "never below the tier an admin set", p: rules({ rule: "PERIOD_END" }), s: state("GOLD", { tierFloor: "SILVER" }), earned: 0, cause: { type: "PERIOD_END" }, tier: "SILVER" },
    { name: "a floor above the points lifts the member", p: rules({ rule: "NEVER" }), s: state(null, { tierFloor: "GOLD" }), earned: 0, tier: "GOLD" },
    { name: "a refund of the points that made the upgrade takes it back at once", p: rules({ rule: "NEVER" }), s: state("SILVER", { tierSince: day(-1) }), earned: 900, cause: { type: "REFUND", earnedAt: day(-2) }, tier: null },
    { name: "a refund of points earned after the upgrade follows the downgrade rule", p: rules({ rule: "NEVER" }), s: state("SILVER", { tierSince: day(-10) }), earned: 900, cause: { type: "REFUND", earnedAt: day(-5) }, tier: "SILVER", below: true },
    { name: "back above the threshold clears the time below", p: rules({ rule: "AFTER_DAYS", days: 30 }), s: state("SILVER", { belowSince: day(-10) }), earned: 1200, tier: "SILVER" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const after = evaluateTier(c.p, c.s, c.earned, c.cause ?? { type: "CHANGE" }, c.at ?? now);
      expect(after.tier).toBe(c.tier);
      expect(after.belowSince !== null).toBe(c.below ?? false);
    });
  }

  it("says how many points the next tier needs", () => {
    expect(nextTier(program(), null, 400)).toMatchObject({ level: { code: "SILVER" }, pointsNeeded: 600 });
    expect(nextTier(program(), "SILVER", 4000)).toMatchObject({ level: { code: "GOLD" }, pointsNeeded: 1000 });
    expect(nextTier(program(), "GOLD", 9000)).toBeNull();
  });
});

describe("badges", () => {
  it("awards what the facts reach, once", () => {
    const facts = { orders: 10, recruits: 3, tier: "GOLD", earnedByType: {}, ranks: [] as string[] };
    expect(newBadges(program(), facts, new Set(["FIRST_ORDER"])).map((b) => b.code)).toEqual(["LOYAL_10", "SILVER", "GOLD"]);
    expect(newBadges(program(), { ...facts, orders: 0, tier: null }, new Set())).toEqual([]);
  });

  it("awards six months active for paid orders in six different months, not before", () => {
    const facts = { orders: 40, recruits: 0, tier: null, earnedByType: {}, ranks: [] };
    expect(newBadges(program(), { ...facts, activeMonths: 5 }, new Set(["FIRST_ORDER", "LOYAL_10"])).map((b) => b.code)).toEqual([]);
    expect(newBadges(program(), { ...facts, activeMonths: 6 }, new Set(["FIRST_ORDER", "LOYAL_10"])).map((b) => b.code)).toEqual(["ACTIVE_6"]);
  });

  it("awards a rank badge once the plan's rank is among the achieved ones", () => {
    const facts = { orders: 0, recruits: 0, tier: null, earnedByType: {}, ranks: ["Member", "Bronze"] };
    expect(newBadges(program(), facts, new Set()).map((b) => b.code)).toEqual([]);
    expect(newBadges(program(), { ...facts, ranks: ["Member", "Bronze", "Silver"] }, new Set()).map((b) => b.code)).toEqual(["RANK_SILVER"]);
  });
});

describe("campaign budgets", () => {
  it.each([
    [100, null, 0, 100],
    [100, 1000, 0, 100],
    [100, 1000, 950, 50],
    [100, 1000, 1000, 0],
    [100, 1000, 1200, 0],
  ])("%i points, budget %s, %i used: %i", (points, budget, used, expected) => {
    expect(withinBudget(points, budget, used)).toBe(expected);
  });

  it("evaluates only the segments rules and missions use", () => {
    const p = program({ missions: [{ code: "M", name: "M", segment: "RECRUITERS", steps: [{ type: "ORDERS", count: 1 }], reward: { pointType: "REWARD", points: 10 } }] });
    expect(segmentsInUse(p).sort()).toEqual(["RECRUITERS", "SUPPLEMENT_FANS"]);
  });
});

describe("missions", () => {
  const mission = {
    code: "JUNE", name: "June challenge", from: "2026-06-01", until: "2026-06-30", segment: "RECRUITERS",
    steps: [{ type: "ORDERS", count: 2 }, { type: "RECRUITS", count: 1 }, { type: "POINTS_EARNED", pointType: "REWARD", points: 500 }, { type: "EVENT", event: "training_completed", count: 1 }],
    reward: { pointType: "REWARD", points: 300 },
  };
  const p = program({ missions: [mission] });
  const m = p.missions[0]!;
  const none: ActivityCounts = { orders: 0, recruits: 0, earnedByType: {}, events: {} };

  it("counts each step up to what it needs", () => {
    const a = { orders: 5, recruits: 0, earnedByType: { REWARD: 200 }, events: { training_completed: 1 } };
    expect(missionProgress(m, a).map((s) => [s.done, s.needed])).toEqual([[2, 2], [0, 1], [200, 500], [1, 1]]);
    expect(missionComplete(m, a)).toBe(false);
    expect(missionComplete(m, { ...a, recruits: 1, earnedByType: { REWARD: 500 } })).toBe(true);
    expect(missionComplete(m, none)).toBe(false);
  });

  it("runs in its window (UTC days, inclusive) for its segment", () => {
    const inSeg = new Set(["RECRUITERS"]);
    expect(missionsInPlay(p, new Date("2026-06-30T23:59:59Z"), inSeg).map((x) => x.code)).toEqual(["JUNE"]);
    expect(missionsInPlay(p, new Date("2026-07-01T00:00:00Z"), inSeg)).toEqual([]);
    expect(missionsInPlay(p, new Date("2026-06-15T00:00:00Z"), new Set())).toEqual([]);
    expect(missionWindow(m)).toEqual({ since: new Date("2026-06-01T00:00:00Z"), until: new Date("2026-07-01T00:00:00Z") });
  });

  it("runs in the member's local days with a LOCAL calendar", () => {
    const inSeg = new Set(["RECRUITERS"]);
    // 00:30 on 1 July in Tokyo: the June mission has ended there, not yet in New York.
    const at = new Date("2026-06-30T15:30:00Z");
    expect(missionsInPlay(p, at, inSeg, "Asia/Tokyo")).toEqual([]);
    expect(missionsInPlay(p, at, inSeg, "America/New_York").map((x) => x.code)).toEqual(["JUNE"]);
    expect(missionWindow(m, "Asia/Tokyo")).toEqual({ since: new Date("2026-05-31T15:00:00Z"), until: new Date("2026-06-30T15:00:00Z") });
  });
});

describe("spending and expiry take the oldest points first", () => {
  const lots = [{ id: "1", remaining: 100 }, { id: "2", remaining: 0 }, { id: "3", remaining: 50 }, { id: "4", remaining: 200 }];
  it.each([
    [120, [["1", 100], ["3", 20]], 0],
    [100, [["1", 100]], 0],
    [400, [["1", 100], ["3", 50], ["4", 200]], 50],
  ])("takes %i", (amount, taken, short) => {
    const r = takeOldestFirst(lots, amount);
    expect(r.taken.map((t) => [t.id, t.points])).toEqual(taken);
    expect(r.short).toBe(short);
  });
});

describe("paying with points at checkout", () => {
  // EXAMPLE_PROGRAM: REWARD points worth USD 0.01 and EUR 0.009; at most half an order; at least 100 points.
  const terms = (total: number, currency = "USD", doc: Record<string, unknown> = {}) => {
    const t = checkoutTerms(program(doc), currency, total);
    if ("error" in t) throw new Error(t.error);
    return t.terms;
  };
  it.each([
    ["USD 50.00: half is 2,500 points", 5000, "USD", 2500],
    ["USD 50.01: half rounds down to 25.00", 5001, "USD", 2500],
    ["EUR 45.00: 22.50 at 0.9 cents a point", 4500, "EUR", 2500],
    ["EUR 10.00: 5.00 / 0.9 cents, whole points", 1000, "EUR", 555],
  ])("%s", (_n, total, currency, maxPoints) => expect(terms(total as number, currency as string).maxPoints).toBe(maxPoints));

  it.each([
    ["what the points are worth, rounded down", 555, 10_000, { amount: 499 }, "EUR"],
    ["exactly the minimum", 100, 100, { amount: 100 }, "USD"],
    ["fewer than the minimum", 99, 10_000, { code: "INVALID" }, "USD"],
    ["more than the order takes", 2501, 10_000, { code: "INVALID" }, "USD"],
    ["more than the balance", 600, 599, { code: "INSUFFICIENT_POINTS" }, "USD"],
    ["not a whole number", 150.5, 10_000, { code: "INVALID" }, "USD"],
  ])("%s", (_n, points, balance, expected, currency) => {
    const q = checkoutQuote(terms(5000, currency as string), points as number, balance as number);
    if ("code" in (expected as object)) expect(q.errors).toEqual([expect.objectContaining({ field: "points", code: (expected as { code: string }).code })]);
    else expect(q).toEqual({ amount: (expected as { amount: number }).amount, errors: [] });
  });

  it("says why points cannot pay: no checkout in the programme, no value in the currency", () => {
    expect(checkoutTerms(program({ checkout: undefined }), "USD", 5000)).toEqual({ error: "Points do not pay for orders at the moment." });
    expect(checkoutTerms(program(), "JPY", 5000)).toEqual({ error: "Points do not pay for orders in JPY." });
    expect(checkoutTerms(null, "USD", 5000)).toHaveProperty("error");
  });

  it("refuses a checkout point type that is not redeemable or has no value", () => {
    expect(parseProgram({ ...EXAMPLE_PROGRAM, checkout: { pointType: "STATUS" } }).errors.map((e) => e.field)).toEqual(["checkout.pointType"]);
    expect(parseProgram({ ...EXAMPLE_PROGRAM, checkout: { pointType: "MILES" } }).errors.map((e) => e.code)).toEqual(["UNKNOWN_CODE"]);
  });
});

describe("programme validation", () => {
  it("refuses unknown point types and tiers, repeated codes and falling thresholds, with paths", () => {
    const r = parseProgram({
      ...EXAMPLE_PROGRAM,
      earning: [spend("A", 1, { pointType: "MILES" }), spend("A", 1, { tiers: ["PLATINUM"] })],
      tiers: { basis: "STATUS", levels: [{ code: "B", name: "B", threshold: 10 }, { code: "C", name: "C", threshold: 5 }] },
      badges: [],
    });
    expect(r.errors.map((e) => e.field).sort()).toEqual(["earning[0].pointType", "earning[1].code", "earning[1].tiers[0]", "tiers.levels[1].threshold"].sort());
  });

  it("refuses unknown segments and missions' point types", () => {
    const r = parseProgram({
      ...EXAMPLE_PROGRAM,
      earning: [spend("A", 1, { segment: "NOBODY" })],
      segments: [{ code: "S", name: "S", when: { minBalance: { pointType: "MILES", points: 5 } } }, { code: "E", name: "E", when: {} }],
      missions: [{ code: "M", name: "M", segment: "NOBODY", from: "2026-02-01", until: "2026-01-01", steps: [{ type: "POINTS_EARNED", pointType: "MILES", points: 5 }], reward: { pointType: "MILES", points: 5 } }],
    });
    expect(r.errors.map((e) => e.field).sort()).toEqual(["segments[1].when"]);
    const r2 = parseProgram({
      ...EXAMPLE_PROGRAM,
      earning: [spend("A", 1, { segment: "NOBODY" })],
      segments: [{ code: "S", name: "S", when: { minBalance: { pointType: "MILES", points: 5 } } }],
      missions: [{ code: "M", name: "M", segment: "NOBODY", from: "2026-02-01", until: "2026-01-01", steps: [{ type: "POINTS_EARNED", pointType: "MILES", points: 5 }], reward: { pointType: "MILES", points: 5 } }],
    });
    expect(r2.errors.map((e) => e.field).sort()).toEqual([
      "earning[0].segment", "missions[0].reward.pointType", "missions[0].segment", "missions[0].steps[0].pointType", "missions[0].until", "segments[0].when.minBalance.pointType",
    ]);
  });

  it("reads dates in the member's zone only with a LOCAL calendar: the programme's zone for the country, else the country's own, else UTC", () => {
    const local = program({ calendar: { dates: "LOCAL", timeZones: { US: "America/Chicago" } } });
    expect(zoneOf(local, "US")).toBe("America/Chicago");
    expect(zoneOf(local, "JP")).toBe("Asia/Tokyo");
    expect(zoneOf(local, "BR")).toBe("UTC"); // several zones, none named
    expect(zoneOf(program({ calendar: { dates: "UTC" } }), "JP")).toBe("UTC");
    expect(zoneOf(program({ calendar: undefined }), "JP")).toBe("UTC");
    expect(parseProgram({ ...EXAMPLE_PROGRAM, calendar: { dates: "LOCAL", timeZones: { JP: "Asia/Nowhere" } } }).errors[0]).toMatchObject({ field: "calendar.timeZones.JP", code: "PROGRAM_INVALID" });
  });

  it("names the field of a shape error", () => {
    const r = parseProgram({ ...EXAMPLE_PROGRAM, pendingDays: -1 });
    expect(r.errors[0]).toMatchObject({ field: "pendingDays", code: "PROGRAM_INVALID" });
  });
});
