import { describe, expect, it } from "vitest";
import { parsePlan } from "./plan.rules";
import { advancements, isLineCursor, lineCursor } from "./run.rules";

describe("commission line cursors", () => {
  it("accepts what lineCursor makes and nothing else", () => {
    const made = lineCursor({ periodStartsAt: new Date("2026-10-01T00:00:00Z"), runId: 4, memberId: 1234, bonusIndex: 0, sourceMemberId: null, level: 2 });
    expect(isLineCursor(made)).toBe(true);
    for (const bad of ["", "x", `${made}|1`, made.replace("2026-10-01", "2026-99-99"), made.replace("|4|", `|${"9".repeat(30)}|`), "602670985878569164327252101278", "2026-10-01T00:00:00.000Z|1|2|3|4|-5"]) {
      expect(isLineCursor(bad), bad).toBe(false);
    }
  });
});

describe("rank advancements", () => {
  const parsed = parsePlan({
    currency: "USD", volume: "PV", activeMinPv: 50, rounding: "HALF_UP",
    ranks: [{ name: "Member" }, { name: "Bronze", minPv: 50 }, { name: "Silver", minPv: 100 }, { name: "Gold", minPv: 200 }],
    bonuses: [{ type: "UNILEVEL", levels: [0.05] }],
  });
  it.each([
    ["a first rank above the base", -1, 1, [{ rank: "Bronze", from: null, ranks: ["Bronze"] }]],
    ["two ranks at once: both named", 0, 3, [{ rank: "Gold", from: "Member", ranks: ["Bronze", "Silver", "Gold"] }]],
    ["the base rank is no advancement", -1, 0, []],
    ["the same rank again is none", 2, 2, []],
    ["nothing is taken back by a lower number", 3, 2, []],
  ])("%s", (_name, before, achieved, expected) => {
    if (!parsed.plan) throw new Error(JSON.stringify(parsed.errors));
    const got = advancements(parsed.plan, Int32Array.of(42), Int32Array.of(before as number), Int32Array.of(achieved as number));
    expect(got).toEqual((expected as { rank: string; from: string | null; ranks: string[] }[]).map((e) => ({ memberId: 42, ...e })));
  });
});
