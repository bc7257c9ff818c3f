import { z } from "zod";
import { countryZone, isTimeZone } from "@/server/domain/shared/calendar";
import { documentDiff, jsonPath } from "@/server/domain/shared/document";
import type { FieldError } from "@/server/domain/shared/input.errors";
import { LoyaltyErrorCode } from "./loyalty.errors";

// A loyalty programme is data: this JSON document, validated here, kept as versions (the
// newest applies from the moment it is saved). Field names and meanings are a public
// contract; the format may grow, never rename. Points are whole numbers; money values
// (minOrderValue) are in the order's currency; dates are calendar days, inclusive: UTC
// days, or each member's local days when `calendar.dates` is "LOCAL" (regional programmes).

const code = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, "Capitals, digits and _, at most 32 characters, starting with a letter.");
const name = z.string().trim().min(1, "A name is needed.").max(60, "At most 60 characters.");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD.");
const points = z.number().int("Whole points.").positive("More than 0.").max(100_000_000);
const eventName = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, "Lower case letters, digits, _ . -, starting with a letter.");

const country = z.string().regex(/^[A-Z]{2}$/, "A two-letter country code.");

/**
 * When a rule applies: a time window (a campaign), certain days only (holidays), countries (regional programmes), tiers,
 * a segment (members who match its conditions at that moment), and a total budget: at most
 * `budget` points from this rule across all members, ever (the campaign stops when it is spent).
 */
const conditions = {
  from: isoDate.optional(),
  until: isoDate.optional(),
  /** Only on these days (a national holiday, the company's anniversary), in the programme's calendar. */
  days: z.array(isoDate).min(1).max(366).optional(),
  countries: z.array(country).optional(),
  tiers: z.array(code).optional(),
  segment: code.optional(),
  budget: points.optional(),
};
/** At most `points` from this rule per member in each calendar `per` (UTC). */
const cap = z.strictObject({ points, per: z.enum(["DAY", "MONTH", "YEAR"]) }).optional();
/** Which order lines a rule is about: any of these SKUs, categories or product labels (none listed: every line). */
const label = z.string().min(1).max(32).transform((x) => x.trim().toLowerCase());
const lines = { skus: z.array(z.string().min(1)).default([]), categories: z.array(z.string().min(1)).default([]), labels: z.array(label).default([]) };

const spend = z.strictObject({
  type: z.literal("SPEND"), code, name, pointType: code,
  /** Points per unit of the order's currency spent on lines (tax is never counted). */
  pointsPerUnit: z.number().positive("More than 0.").max(1_000_000),
  /** Other rates for some currencies ({"JPY": 0.1}). */
  perCurrency: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive().max(1_000_000)).optional(),
  minOrderValue: z.number().min(0).default(0),
  exclude: z.strictObject(lines).default({ skus: [], categories: [], labels: [] }),
  cap, ...conditions,
});
const multiplier = z.strictObject({
  type: z.literal("MULTIPLIER"), code, name,
  /** Multiplies the spending points of the lines it matches (of this point type, or every type). */
  multiplier: z.number().positive("More than 0.").max(100),
  pointType: code.optional(),
  ...lines, ...conditions,
});
const productBonus = z.strictObject({
  type: z.literal("PRODUCT_BONUS"), code, name, pointType: code,
  /** Points per unit bought of a matching line. */
  pointsPerUnit: points,
  minOrderValue: z.number().min(0).default(0),
  ...lines, cap, ...conditions,
});
const referral = z.strictObject({
  type: z.literal("REFERRAL"), code, name, pointType: code,
  /** To the sponsor, when a member they referred pays their first order. */
  points, cap, ...conditions,
});
const signUp = z.strictObject({ type: z.literal("SIGNUP"), code, name, pointType: code, points, ...conditions });
const event = z
  .strictObject({
    type: z.literal("EVENT"), code, name, pointType: code,
    /** The custom event's name, as sent by recordLoyaltyEvent (birthday, webinar_attended, …). */
    event: eventName,
    points: points.optional(),
    /** Points per unit of the event's value (a survey score, a distance). */
    pointsPerValue: z.number().positive().max(1_000_000).optional(),
    cap, ...conditions,
  })
  .refine((e) => (e.points === undefined) !== (e.pointsPerValue === undefined), { message: "Either points or pointsPerValue.", path: ["points"] });

/**
 * A cashback programme next to the points: `share` of what the member paid in money for the
 * lines it matches (tax never counted) goes to their e-wallet in the order's currency, once
 * the return window has passed, less what was refunded by then. Members only (retail
 * customers have no wallet); no cap or budget (the share is the limit).
 */
const cashback = z.strictObject({
  type: z.literal("CASHBACK"), code, name,
  pointType: z.undefined({ error: "Cashback is money in the order's currency, not points." }).optional(),
  share: z.number().gt(0, "More than 0.").max(0.5, "At most half of the order."),
  minOrderValue: z.number().min(0).default(0),
  exclude: z.strictObject(lines).default({ skus: [], categories: [], labels: [] }),
  ...lines, ...conditions,
  budget: z.undefined({ error: "Cashback has no budget: its share is the limit." }).optional(),
});

export const earningRuleSchema = z.discriminatedUnion("type", [spend, multiplier, productBonus, referral, signUp, event, cashback]);
export type EarningRule = z.infer<typeof earningRuleSchema>;

const tierLevel = z.strictObject({
  code, name,
  /** Basis points earned (see tiers.windowDays) to reach this tier. */
  threshold: z.number().int().min(0),
  /** Multiplies every grant of a point type other than the tier basis. */
  multiplier: z.number().min(1).max(10).default(1),
  benefits: z.array(z.string().max(120)).default([]),
});
const tiers = z.strictObject({
  /** The point type whose *earned* points (never the spendable balance) decide the tier. */
  basis: code,
  /** Earned in the last N days; null: since enrolment. */
  windowDays: z.number().int().min(1).max(3660).nullable().default(365),
  /** When a member below their tier's threshold goes down: never, at the end of the month, or after N days below. */
  downgrade: z.strictObject({ rule: z.enum(["NEVER", "PERIOD_END", "AFTER_DAYS"]), days: z.number().int().min(1).max(3660).optional() }).default({ rule: "PERIOD_END" }),
  levels: z.array(tierLevel).max(20).default([]),
});

const badge = z.strictObject({
  code, name, description: z.string().max(200).default(""),
  when: z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("ORDERS"), count: z.number().int().min(1) }),
    z.strictObject({ type: z.literal("RECRUITS"), count: z.number().int().min(1) }),
    /** Paid orders in this many different months (6 months active): months of the programme's calendar. */
    z.strictObject({ type: z.literal("ACTIVE_MONTHS"), months: z.number().int().min(1).max(600) }),
    z.strictObject({ type: z.literal("TIER"), tier: code }),
    z.strictObject({ type: z.literal("POINTS_EARNED"), pointType: code, points }),
    /** The compensation plan's rank (by name), reached once: a commission run committed it as achieved. */
    z.strictObject({ type: z.literal("RANK"), rank: z.string().min(1).max(40) }),
  ]),
});

const days = z.number().int().min(1).max(3660);
/**
 * A segment: members who match every condition given, evaluated when it is used (so it
 * updates itself as members order, recruit, change tier or rank). Used by earning rules
 * (campaigns and personalised offers), missions and the admin's counts.
 */
const segment = z.strictObject({
  code, name, description: z.string().max(200).default(""),
  when: z.strictObject({
    tiers: z.array(code).optional(),
    countries: z.array(country).optional(),
    /** Tagged by staff with any of these (member tags: "vip", "event-2026"). */
    tags: z.array(label).min(1).optional(),
    /** The rank achieved in the compensation plan (by name). */
    ranks: z.array(z.string().min(1).max(40)).optional(),
    minBalance: z.strictObject({ pointType: code, points }).optional(),
    /** Paid an order in the last N days. */
    orderedWithinDays: days.optional(),
    /** Lapsed buyers: paid orders before, but none in the last N days (members who never ordered are not in it). */
    noOrderForDays: days.optional(),
    /** Paid at least `orders` orders with a line of these categories in the last `withinDays` days. */
    bought: z.strictObject({ categories: z.array(z.string().min(1)).min(1), orders: z.number().int().min(1).default(1), withinDays: days }).optional(),
    /** Sponsored at least `count` members who joined in the last `withinDays` days. */
    recruited: z.strictObject({ count: z.number().int().min(1), withinDays: days }).optional(),
  }).refine((w) => Object.values(w).some((v) => v !== undefined), { message: "At least one condition." }),
});

/** One step of a mission, counted within the mission's window. */
const missionStep = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ORDERS"), count: z.number().int().min(1) }),
  z.strictObject({ type: z.literal("RECRUITS"), count: z.number().int().min(1) }),
  z.strictObject({ type: z.literal("POINTS_EARNED"), pointType: code, points }),
  z.strictObject({ type: z.literal("EVENT"), event: eventName, count: z.number().int().min(1) }),
]);
/**
 * A mission: every step done within the window (from..until, UTC days, inclusive) earns the
 * reward once. Without dates it runs all the time; a segment limits who takes part.
 */
const mission = z.strictObject({
  code, name, description: z.string().max(200).default(""),
  from: isoDate.optional(), until: isoDate.optional(), segment: code.optional(),
  steps: z.array(missionStep).min(1, "At least one step.").max(10),
  reward: z.strictObject({ pointType: code, points }),
});

const pointType = z.strictObject({
  code, name,
  /** Days after they become active that points expire (oldest first); null: never. */
  expiresAfterDays: z.number().int().min(1).max(3660).nullable().default(null),
  /** Whether members spend them on rewards (status points usually are not). */
  redeemable: z.boolean().default(true),
  /** What one point is worth in each currency, shown to members next to their balance ({"USD": 0.01}). */
  value: z.record(z.string().regex(/^[A-Z]{3}$/, "A currency code."), z.number().positive().max(1_000)).optional(),
});

const timeZone = z.string().refine(isTimeZone, "An IANA time zone, such as Asia/Tokyo or America/New_York.");
/**
 * Which calendar rule and mission dates (from, until, days) mean. "UTC" (the default): UTC
 * days for everyone. "LOCAL": each member's local days, so a campaign from 2026-04-29 starts
 * at midnight in Tokyo for members in Japan. A member's zone: `timeZones` for their country,
 * else their country's own zone when all of it keeps one time, else UTC.
 */
const calendar = z.strictObject({
  dates: z.enum(["UTC", "LOCAL"]).default("UTC"),
  timeZones: z.record(country, timeZone).default({}),
});

/** Paying part of an order with points at checkout. */
const checkout = z.strictObject({
  /** The point type spent (redeemable, with a value in the order's currency). */
  pointType: code,
  /** At most this share of an order's total (goods and tax) is paid with points. */
  maxShareOfOrder: z.number().gt(0).max(1).default(0.5),
  /** Fewer points than this are not worth a checkout redemption. */
  minPoints: z.number().int().min(1).max(1_000_000).default(100),
});

export const programSchema = z.strictObject({
  pointTypes: z.array(pointType).min(1, "At least one point type.").max(10),
  /** Points from an order stay pending this many days (the return window), then become active. */
  pendingDays: z.number().int().min(0).max(365).default(14),
  /** Members are told this many days before points expire. */
  expiryWarningDays: z.number().int().min(0).max(365).default(30),
  earning: z.array(earningRuleSchema).max(200).default([]),
  tiers: tiers.optional(),
  badges: z.array(badge).max(200).default([]),
  segments: z.array(segment).max(100).default([]),
  missions: z.array(mission).max(100).default([]),
  checkout: checkout.optional(),
  calendar: calendar.optional(),
});
export type Program = z.infer<typeof programSchema>;
export type Segment = z.infer<typeof segment>;
export type Mission = z.infer<typeof mission>;
export type MissionStep = z.infer<typeof missionStep>;
export type TierLevel = z.infer<typeof tierLevel>;
export type Badge = z.infer<typeof badge>;

const problem = (field: string, message: string, c: LoyaltyErrorCode = LoyaltyErrorCode.PROGRAM_INVALID): FieldError<LoyaltyErrorCode> => ({ field, code: c, message });

/** Rules zod cannot see: codes unique, references known, thresholds rising. */
function crossChecks(p: Program): FieldError<LoyaltyErrorCode>[] {
  const errors: FieldError<LoyaltyErrorCode>[] = [];
  const unique = (list: { code: string }[], at: string) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x.code)) errors.push(problem(`${at}[${i}].code`, `"${x.code}" is used twice.`));
      seen.add(x.code);
    });
    return seen;
  };
  const types = unique(p.pointTypes, "pointTypes");
  unique(p.earning, "earning");
  unique(p.badges, "badges");
  const tierCodes = unique(p.tiers?.levels ?? [], "tiers.levels");
  const segmentCodes = unique(p.segments, "segments");
  unique(p.missions, "missions");
  const knownSegment = (field: string, c: string | undefined) => {
    if (c !== undefined && !segmentCodes.has(c)) errors.push(problem(field, `No segment is called "${c}".`, LoyaltyErrorCode.UNKNOWN_CODE));
  };
  const knownType = (field: string, c: string | undefined) => {
    if (c !== undefined && !types.has(c)) errors.push(problem(field, `No point type is called "${c}".`, LoyaltyErrorCode.UNKNOWN_CODE));
  };
  const knownTier = (field: string, c: string) => {
    if (!tierCodes.has(c)) errors.push(problem(field, `No tier is called "${c}".`, LoyaltyErrorCode.UNKNOWN_CODE));
  };
  p.earning.forEach((r, i) => {
    knownType(`earning[${i}].pointType`, r.pointType);
    r.tiers?.forEach((t, j) => knownTier(`earning[${i}].tiers[${j}]`, t));
    knownSegment(`earning[${i}].segment`, r.segment);
    if (r.from && r.until && r.until < r.from) errors.push(problem(`earning[${i}].until`, "Ends before it starts."));
  });
  p.segments.forEach((s, i) => {
    s.when.tiers?.forEach((t, j) => knownTier(`segments[${i}].when.tiers[${j}]`, t));
    if (s.when.minBalance) knownType(`segments[${i}].when.minBalance.pointType`, s.when.minBalance.pointType);
  });
  p.missions.forEach((m, i) => {
    knownSegment(`missions[${i}].segment`, m.segment);
    knownType(`missions[${i}].reward.pointType`, m.reward.pointType);
    m.steps.forEach((st, j) => { if (st.type === "POINTS_EARNED") knownType(`missions[${i}].steps[${j}].pointType`, st.pointType); });
    if (m.from && m.until && m.until < m.from) errors.push(problem(`missions[${i}].until`, "Ends before it starts."));
  });
  if (p.checkout) {
    const t = p.pointTypes.find((x) => x.code === p.checkout!.pointType);
    if (!t) knownType("checkout.pointType", p.checkout.pointType);
    else if (!t.redeemable || !t.value) errors.push(problem("checkout.pointType", "Points paid at checkout must be redeemable and have a value per currency."));
  }
  if (p.tiers) {
    knownType("tiers.basis", p.tiers.basis);
    p.tiers.levels.forEach((l, i) => {
      if (i > 0 && l.threshold <= p.tiers!.levels[i - 1]!.threshold) errors.push(problem(`tiers.levels[${i}].threshold`, "Thresholds rise from tier to tier."));
    });
    if (p.tiers.downgrade.rule === "AFTER_DAYS" && p.tiers.downgrade.days === undefined) errors.push(problem("tiers.downgrade.days", "Say after how many days below the threshold."));
  }
  p.badges.forEach((b, i) => {
    if (b.when.type === "TIER") knownTier(`badges[${i}].when.tier`, b.when.tier);
    if (b.when.type === "POINTS_EARNED") knownType(`badges[${i}].when.pointType`, b.when.pointType);
  });
  return errors;
}

/** The programme, or one error per problem with its JSON path as the field. */
export function parseProgram(doc: unknown): { program: Program; errors: [] } | { program: null; errors: FieldError<LoyaltyErrorCode>[] } {
  const parsed = programSchema.safeParse(doc);
  if (!parsed.success) return { program: null, errors: parsed.error.issues.map((i) => problem(jsonPath(i.path, "program"), i.message)) };
  const errors = crossChecks(parsed.data);
  return errors.length ? { program: null, errors } : { program: parsed.data, errors: [] };
}

export const programDiff = documentDiff;

/** The time zone a member's dates are read in (UTC unless the programme's calendar is LOCAL). */
export function zoneOf(p: Program, country: string): string {
  if (p.calendar?.dates !== "LOCAL") return "UTC";
  return p.calendar.timeZones[country] ?? countryZone(country) ?? "UTC";
}

/** The programme a new company starts with (and the demo runs). */
export const EXAMPLE_PROGRAM = {
  pointTypes: [
    { code: "REWARD", name: "Reward points", expiresAfterDays: 365, redeemable: true, value: { USD: 0.01, EUR: 0.009, GBP: 0.008 } },
    { code: "STATUS", name: "Status points", expiresAfterDays: null, redeemable: false },
  ],
  pendingDays: 14,
  expiryWarningDays: 30,
  earning: [
    { type: "SPEND", code: "SPEND_REWARD", name: "10 points per unit spent", pointType: "REWARD", pointsPerUnit: 10, perCurrency: { JPY: 0.1 } },
    { type: "SPEND", code: "SPEND_STATUS", name: "Status: 1 point per unit spent", pointType: "STATUS", pointsPerUnit: 1, perCurrency: { JPY: 0.01 } },
    { type: "MULTIPLIER", code: "SUPPLEMENTS_X2", name: "Double points on supplements", pointType: "REWARD", multiplier: 2, categories: ["Supplements"] },
    { type: "MULTIPLIER", code: "NEW_X15", name: "1.5× points on new products", pointType: "REWARD", multiplier: 1.5, labels: ["new"] },
    { type: "REFERRAL", code: "REFERRAL", name: "Referral bonus", pointType: "REWARD", points: 100, cap: { points: 1000, per: "MONTH" } },
    { type: "SIGNUP", code: "WELCOME", name: "Welcome bonus", pointType: "REWARD", points: 50 },
    { type: "EVENT", code: "BIRTHDAY", name: "Birthday gift", pointType: "REWARD", event: "birthday", points: 200, cap: { points: 200, per: "YEAR" } },
    { type: "EVENT", code: "TRAINING", name: "Training completed", pointType: "REWARD", event: "training_completed", points: 25, cap: { points: 100, per: "MONTH" } },
    { type: "EVENT", code: "RANK_UP", name: "New rank", pointType: "REWARD", event: "rank_achieved", points: 500 },
    { type: "CASHBACK", code: "TIER_CASHBACK", name: "1 % cashback for Silver and Gold members", share: 0.01, tiers: ["SILVER", "GOLD"] },
    { type: "PRODUCT_BONUS", code: "SUPPLEMENT_FANS_BONUS", name: "Thank you, supplement fan", pointType: "REWARD", pointsPerUnit: 20, categories: ["Supplements"], segment: "SUPPLEMENT_FANS", budget: 250000 },
  ],
  tiers: {
    basis: "STATUS",
    windowDays: 365,
    downgrade: { rule: "PERIOD_END" },
    levels: [
      { code: "SILVER", name: "Silver", threshold: 1000, multiplier: 1.1, benefits: ["10 % more reward points", "Silver rewards"] },
      { code: "GOLD", name: "Gold", threshold: 5000, multiplier: 1.25, benefits: ["25 % more reward points", "Gold rewards", "Free shipping"] },
    ],
  },
  badges: [
    { code: "FIRST_ORDER", name: "First order", description: "Placed and paid a first order.", when: { type: "ORDERS", count: 1 } },
    { code: "LOYAL_10", name: "Ten orders", description: "Ten paid orders.", when: { type: "ORDERS", count: 10 } },
    { code: "RECRUITER_10", name: "Team builder", description: "Sponsored ten members.", when: { type: "RECRUITS", count: 10 } },
    { code: "ACTIVE_6", name: "Six months active", description: "Paid orders in six different months.", when: { type: "ACTIVE_MONTHS", months: 6 } },
    { code: "SILVER", name: "Silver member", description: "Reached Silver.", when: { type: "TIER", tier: "SILVER" } },
    { code: "GOLD", name: "Gold member", description: "Reached Gold.", when: { type: "TIER", tier: "GOLD" } },
    { code: "RANK_SILVER", name: "Silver rank", description: "Reached the Silver rank of the compensation plan.", when: { type: "RANK", rank: "Silver" } },
  ],
  segments: [
    { code: "SUPPLEMENT_FANS", name: "Supplement fans", description: "Two or more orders with supplements in 90 days.", when: { bought: { categories: ["Supplements"], orders: 2, withinDays: 90 } } },
    { code: "RECRUITERS", name: "Active recruiters", description: "Sponsored two or more members in 60 days.", when: { recruited: { count: 2, withinDays: 60 } } },
    { code: "LAPSED", name: "Lapsed buyers", description: "Bought before, but no order for 60 days.", when: { noOrderForDays: 60 } },
    { code: "VIP", name: "VIP members", description: "Tagged vip by the company.", when: { tags: ["vip"] } },
    { code: "BIG_BALANCES", name: "Big balances", description: "5,000 reward points or more to spend.", when: { minBalance: { pointType: "REWARD", points: 5000 } } },
  ],
  checkout: { pointType: "REWARD", maxShareOfOrder: 0.5, minPoints: 100 },
  calendar: { dates: "LOCAL", timeZones: { US: "America/New_York", CA: "America/Toronto", BR: "America/Sao_Paulo", MX: "America/Mexico_City", AU: "Australia/Sydney" } },
} satisfies z.input<typeof programSchema>;
