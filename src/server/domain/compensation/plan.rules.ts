import { z } from "zod";
import type { FieldError } from "@/server/domain/shared/input.errors";
import { documentDiff, jsonPath, type DocumentChange } from "@/server/domain/shared/document";
import { unitScale } from "@/server/domain/shared/units";
import { CompensationErrorCode } from "./compensation.errors";

// A compensation plan is data: this JSON document, validated here, kept as versions.
// Field names and meanings are a public contract (integrators, imports and tests rely on
// them); the format may grow, never rename. Amounts (caps, cycle amounts, bonuses) are in
// the plan's currency, volumes (minPv, minGv, carry, cycle legs) in volume units, shares and
// rates as fractions (0.05 = 5 %) with at most six decimals.

/** A share 0..1 with at most six decimals (kept exactly as parts per million). */
const rate = z
  .number()
  .min(0, "A share is at least 0.")
  .max(1, "A share is at most 1 (100 %).")
  .refine((r) => Math.abs(r * 1e6 - Math.round(r * 1e6)) < 1e-6, "At most six decimals.");
const volume = z
  .number()
  .min(0, "A volume is at least 0.")
  .max(1e12)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, "At most two decimals.");
const money = z.number().min(0, "An amount is at least 0.").max(1e12);
const rankName = z.string().trim().min(1, "A rank needs a name.").max(40, "At most 40 characters.");
const levels = z.array(rate).min(1, "At least one level.").max(50, "At most 50 levels.");

export const rankSchema = z.strictObject({
  name: rankName,
  /** Personal volume (PV) of the period. */
  minPv: volume.optional(),
  /** Group volume (PV of the sponsor subtree), each first-level leg counting at most maxLegShare × minGv. */
  minGv: volume.optional(),
  /** The maximum-leg rule: the share of minGv one first-level leg may bring. */
  maxLegShare: rate.optional(),
  /** Active personally sponsored members. */
  minActiveDirects: z.number().int().min(0).max(10_000).optional(),
  /** `count` different first-level legs each holding a member paid as at least `rank`. */
  legsWithRank: z.strictObject({ rank: rankName, count: z.number().int().min(1).max(1_000) }).optional(),
});

const unilevel = z.strictObject({
  type: z.literal("UNILEVEL"),
  /** levels[i]: the share of a downline member's volume at sponsor level i + 1. */
  levels,
  /** Dynamic compression: inactive members neither earn nor use up a level. */
  compression: z.boolean().default(false),
  /** Whether an inactive member's own volume pays their uplines (default true). */
  inactiveVolumePays: z.boolean().default(true),
  /** levelRanks[i]: the paid-as rank an earner needs for level i + 1 (null: none). */
  levelRanks: z.array(rankName.nullable()).optional(),
});

const binary = z
  .strictObject({
    type: z.literal("BINARY"),
    /** rate × matched volume (the weaker leg), or … */
    rate: rate.optional(),
    /** … `amount` per whole cycle of `left` and `right` volume. */
    cycle: z.strictObject({ left: volume.refine((v) => v > 0, "More than 0."), right: volume.refine((v) => v > 0, "More than 0."), amount: money }).optional(),
    capPerPeriod: money.optional(),
    /** What each leg may carry into the next period. */
    maxCarry: volume.optional(),
    /** Who qualifies: active, and one active personal recruit in each leg. */
    qualification: z.strictObject({ active: z.boolean().default(true), personalRecruitEachLeg: z.boolean().default(false) }).optional(),
    /** Carry is lost after this many periods in a row without qualifying. */
    flushAfterInactivePeriods: z.number().int().min(1).max(120).optional(),
  })
  .refine((b) => (b.rate === undefined) !== (b.cycle === undefined), { message: "Either rate or cycle, not both.", path: ["rate"] });

const matching = z.strictObject({
  type: z.literal("MATCHING"),
  /** generations[i]: the share of what a member at sponsor generation i + 1 earned from `of`. */
  generations: levels,
  of: z.enum(["BINARY", "UNILEVEL", "GENERATION", "MATRIX", "RETAIL", "FAST_START"]).default("BINARY"),
});

const retail = z.strictObject({ type: z.literal("RETAIL"), rate });

const fastStart = z.strictObject({
  type: z.literal("FAST_START"),
  /** Orders paid within this many days of the recruit joining count. */
  days: z.number().int().min(1).max(365),
  /** levels[i]: the share for the sponsor at level i + 1. */
  levels,
});

const matrix = z.strictObject({
  type: z.literal("MATRIX"),
  width: z.number().int().min(2).max(50),
  depth: z.number().int().min(1).max(50),
  /** levels[i]: the share of a member's volume at placement level i + 1 (at most depth levels). */
  levels,
});

const generation = z.strictObject({
  type: z.literal("GENERATION"),
  /** Leaders are members paid as at least this rank. */
  rank: rankName,
  /** generations[i]: the share of the group volume of each leader of generation i + 1 below. */
  generations: levels,
});

const rankAdvancement = z.strictObject({
  type: z.literal("RANK_ADVANCEMENT"),
  /** A one-time amount the first time a rank is achieved, by rank name. */
  amounts: z.record(rankName, money),
});

const pool = z.strictObject({
  type: z.literal("POOL"),
  /** The share of company volume shared out. */
  share: rate,
  /** Shares per rank: a member paid as at least a listed rank holds the shares of the highest one. */
  shares: z.record(rankName, z.number().int().min(1).max(1_000)),
});

const board = z.strictObject({
  type: z.literal("BOARD"),
  /** Seats under each seat; a full board splits into this many boards (2: in two). */
  width: z.number().int().min(2).max(10).default(2),
  /** Levels of a board, its top included: width 2 and depth 3 make 1 + 2 + 4 = 7 seats. */
  depth: z.number().int().min(2).max(10),
  /** Low to high: a full board pays its top the stage's `amount`, and the top moves up to the next stage. */
  stages: z.array(z.strictObject({ amount: money })).min(1, "At least one stage.").max(10, "At most 10 stages."),
  /** After the last stage the top re-enters the first stage (default) or leaves the boards. */
  reenter: z.boolean().default(true),
});

/** Seats of a full board: 1 + w + w² + … (depth levels). */
export const boardSeats = (width: number, depth: number): number => (width ** depth - 1) / (width - 1);

export const bonusSchema = z.discriminatedUnion("type", [unilevel, binary, matching, retail, fastStart, matrix, generation, rankAdvancement, pool, board]);
export type Bonus = z.infer<typeof bonusSchema>;
export type BonusType = Bonus["type"];
export const BONUS_TYPES = ["UNILEVEL", "BINARY", "MATCHING", "RETAIL", "FAST_START", "MATRIX", "GENERATION", "RANK_ADVANCEMENT", "POOL", "BOARD"] as const satisfies readonly BonusType[];

export const planSchema = z.strictObject({
  currency: z.string().refine((c) => /^[A-Z]{3}$/.test(c) && unitScale(c) >= 0, "An ISO 4217 currency code such as USD."),
  /** Commissions are paid on this volume of the source's orders. */
  volume: z.enum(["PV", "BV"]),
  /** A member is active in a period when their PV is at least this. */
  activeMinPv: volume,
  /** How every line is rounded to the currency's minor unit. */
  rounding: z.enum(["HALF_UP", "HALF_EVEN", "DOWN"]).default("HALF_UP"),
  /** Every line of a period is scaled down by one factor when the total would exceed this share of company volume. */
  payoutCap: z.strictObject({ shareOfVolume: rate }).optional(),
  /** Low to high. */
  ranks: z.array(rankSchema).min(1, "At least one rank.").max(30, "At most 30 ranks."),
  bonuses: z.array(bonusSchema).max(20, "At most 20 bonuses."),
});
export type Plan = z.infer<typeof planSchema>;
export type Rank = z.infer<typeof rankSchema>;
export type Rounding = Plan["rounding"];

const problem = (field: string, message: string, code: CompensationErrorCode = CompensationErrorCode.PLAN_INVALID): FieldError<CompensationErrorCode> => ({ field, code, message });

/** Rules zod cannot see: rank names exist, are unique and are referenced in order. */
function crossChecks(plan: Plan): FieldError<CompensationErrorCode>[] {
  const errors: FieldError<CompensationErrorCode>[] = [];
  const index = new Map<string, number>();
  plan.ranks.forEach((r, i) => {
    if (index.has(r.name)) errors.push(problem(`ranks[${i}].name`, `"${r.name}" is used twice.`));
    else index.set(r.name, i);
  });
  const known = (field: string, name: string, below?: number) => {
    const at = index.get(name);
    if (at === undefined) errors.push(problem(field, `No rank is called "${name}".`, CompensationErrorCode.UNKNOWN_RANK));
    else if (below !== undefined && at >= below) errors.push(problem(field, `"${name}" must be a lower rank.`, CompensationErrorCode.UNKNOWN_RANK));
  };
  plan.ranks.forEach((r, i) => {
    if (r.legsWithRank) known(`ranks[${i}].legsWithRank.rank`, r.legsWithRank.rank, i);
    if (r.maxLegShare !== undefined && r.minGv === undefined) errors.push(problem(`ranks[${i}].maxLegShare`, "The maximum-leg rule needs minGv."));
  });
  plan.bonuses.forEach((b, i) => {
    const at = `bonuses[${i}]`;
    switch (b.type) {
      case "UNILEVEL":
        if (b.levelRanks) {
          if (b.levelRanks.length !== b.levels.length) errors.push(problem(`${at}.levelRanks`, "One entry per level."));
          b.levelRanks.forEach((n, j) => n !== null && known(`${at}.levelRanks[${j}]`, n));
        }
        break;
      case "MATRIX":
        if (b.levels.length > b.depth) errors.push(problem(`${at}.levels`, "At most one share per matrix level (depth)."));
        break;
      case "GENERATION":
        known(`${at}.rank`, b.rank);
        break;
      case "RANK_ADVANCEMENT":
        for (const name of Object.keys(b.amounts)) known(`${at}.amounts.${name}`, name);
        break;
      case "POOL":
        for (const name of Object.keys(b.shares)) known(`${at}.shares.${name}`, name);
        break;
      case "BOARD":
        if (boardSeats(b.width, b.depth) > 1_000) errors.push(problem(`${at}.depth`, "A board has at most 1,000 seats (width and depth too large)."));
        break;
      case "MATCHING":
        if (!plan.bonuses.some((o) => o.type === b.of)) errors.push(problem(`${at}.of`, `The plan has no ${b.of} bonus to match.`));
        break;
    }
  });
  return errors;
}

/** The plan, or one error per problem with its JSON path as the field. */
export function parsePlan(doc: unknown): { plan: Plan; errors: [] } | { plan: null; errors: FieldError<CompensationErrorCode>[] } {
  const parsed = planSchema.safeParse(doc);
  if (!parsed.success) {
    return { plan: null, errors: parsed.error.issues.map((i) => problem(jsonPath(i.path), i.message)) };
  }
  const errors = crossChecks(parsed.data);
  return errors.length ? { plan: null, errors } : { plan: parsed.data, errors: [] };
}

/**
 * The personal volumes a plan asks of a member in a period, lowest first: being active
 * (`activeMinPv`) and each rank's `minPv`; levels that coincide are named together
 * ("Active · Bronze"). What a nudge can help a member reach.
 */
export function pvLevels(plan: Pick<Plan, "activeMinPv" | "ranks">): { name: string; pv: number }[] {
  const at = new Map<number, string[]>();
  const add = (pv: number | undefined, name: string) => {
    if (pv != null && pv > 0) at.set(pv, [...(at.get(pv) ?? []), name]);
  };
  add(plan.activeMinPv, "Active");
  for (const r of plan.ranks) add(r.minPv, r.name);
  return [...at].sort((a, b) => a[0] - b[0]).map(([pv, names]) => ({ name: names.join(" · "), pv }));
}

/** A share as integer parts per million (0.05 → 50 000). */
export const ppm = (share: number): number => Math.round(share * 1e6);

/** What changed between two plan documents: one entry per changed JSON path. */
export type PlanChange = DocumentChange;
export const planDiff = documentDiff;

/** The plan of the issue that described the format: a hybrid of unilevel and binary. */
export const EXAMPLE_PLAN = {
  currency: "USD",
  volume: "BV",
  activeMinPv: 50,
  rounding: "HALF_UP",
  payoutCap: { shareOfVolume: 0.5 },
  ranks: [
    { name: "Member" },
    { name: "Bronze", minPv: 50, minGv: 1000, minActiveDirects: 2 },
    { name: "Silver", minPv: 100, minGv: 5000, maxLegShare: 0.6, legsWithRank: { rank: "Bronze", count: 2 } },
  ],
  bonuses: [
    { type: "UNILEVEL", levels: [0.05, 0.05, 0.04], compression: true },
    { type: "BINARY", rate: 0.1, capPerPeriod: 1000, maxCarry: 20000 },
  ],
} as const;
