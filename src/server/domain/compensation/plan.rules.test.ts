import { describe, expect, it } from "vitest";
import { EXAMPLE_PLAN, parsePlan, planDiff, pvLevels } from "./plan.rules";

const withPatch = (patch: Record<string, unknown>) => ({ ...structuredClone(EXAMPLE_PLAN), ...patch });

describe("plan documents", () => {
  it("accepts the documented example", () => {
    expect(parsePlan(EXAMPLE_PLAN).errors).toEqual([]);
  });

  it.each([
    [{ currency: "US" }, "currency", "PLAN_INVALID"],
    [{ volume: "GV" }, "volume", "PLAN_INVALID"],
    [{ activeMinPv: -1 }, "activeMinPv", "PLAN_INVALID"],
    [{ bonuses: [{ type: "UNILEVEL", levels: [0.05, 1.5] }] }, "bonuses[0].levels[1]", "PLAN_INVALID"],
    [{ bonuses: [{ type: "BINARY", rate: 0.1, cycle: { left: 1, right: 1, amount: 1 } }] }, "bonuses[0].rate", "PLAN_INVALID"],
    [{ bonuses: [{ type: "UNILEVEL", levels: [0.1234567] }] }, "bonuses[0].levels[0]", "PLAN_INVALID"],
    [{ bonuses: [{ type: "GENERATION", rank: "Gold", generations: [0.1] }] }, "bonuses[0].rank", "UNKNOWN_RANK"],
    [{ bonuses: [{ type: "MATCHING", generations: [0.1] }] }, "bonuses[0].of", "PLAN_INVALID"],
    [{ ranks: [{ name: "A" }, { name: "A" }] }, "ranks[1].name", "PLAN_INVALID"],
    [{ ranks: [{ name: "A", legsWithRank: { rank: "B", count: 1 } }, { name: "B" }] }, "ranks[0].legsWithRank.rank", "UNKNOWN_RANK"],
    [{ surprise: 1 }, "plan", "PLAN_INVALID"],
    [{ bonuses: [{ type: "BOARD", width: 4, depth: 6, stages: [{ amount: 10 }] }] }, "bonuses[0].depth", "PLAN_INVALID"], // 1 365 seats
    [{ bonuses: [{ type: "BOARD", depth: 3, stages: [] }] }, "bonuses[0].stages", "PLAN_INVALID"],
  ])("%j → %s %s", (patch, field, code) => {
    const { plan, errors } = parsePlan(withPatch(patch));
    expect(plan).toBeNull();
    expect(errors.map((e) => [e.field, e.code])).toContainEqual([field, code]);
  });

  it("reports one error per problem", () => {
    const { errors } = parsePlan(withPatch({ currency: "x", activeMinPv: "50", bonuses: [{ type: "RETAIL", rate: 2 }] }));
    expect(errors.map((e) => e.field).sort()).toEqual(["activeMinPv", "bonuses[0].rate", "currency"]);
  });

  it("diffs two versions by JSON path", () => {
    const after = withPatch({ activeMinPv: 60, bonuses: [{ type: "UNILEVEL", levels: [0.05, 0.06], compression: true }, EXAMPLE_PLAN.bonuses[1]] });
    expect(planDiff(EXAMPLE_PLAN, after)).toEqual([
      { path: "activeMinPv", before: 50, after: 60 },
      { path: "bonuses[0].levels[1]", before: 0.05, after: 0.06 },
      { path: "bonuses[0].levels[2]", before: 0.04, after: null },
    ]);
  });
});

describe("the PV levels a plan asks for", () => {
  it("lists being active and each rank's PV, lowest first, naming levels that coincide together", () => {
    // activeMinPv 50 and Bronze's minPv 50 are one level; Silver asks 100; Member asks no PV.
    expect(pvLevels(parsePlan(EXAMPLE_PLAN).plan!)).toEqual([{ name: "Active · Bronze", pv: 50 }, { name: "Silver", pv: 100 }]);
    const plan = { ...parsePlan(EXAMPLE_PLAN).plan!, activeMinPv: 0, ranks: [{ name: "Gold", minPv: 300 }, { name: "Star", minPv: 40 }] };
    // No PV to be active: no "Active" level; ranks sorted by PV, not by their place in the plan.
    expect(pvLevels(plan)).toEqual([{ name: "Star", pv: 40 }, { name: "Gold", pv: 300 }]);
  });
});
