import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type BoardDetail, breadthFirst, computeRun, emptyInput, type EngineInput, type EngineResult, lineRates, Lines, mulDiv, runHash, runHasher } from "./engine.rules";
import { parsePlan, type Plan } from "./plan.rules";

// Small hand-computed networks. Volumes in the rows are in volume units, money in dollars;
// the arithmetic of each expectation is written next to it.

interface Row {
  id: number;
  sponsor?: number;
  parent?: number;
  pos?: number;
  pv?: number;
  bv?: number;
  retail?: number;
  fastStart?: number;
  carryLeft?: number;
  carryRight?: number;
  achieved?: number;
}

function network(rows: Row[]): EngineInput {
  const input = emptyInput(rows.length);
  const at = new Map(rows.map((r, i) => [r.id, i]));
  rows.forEach((r, i) => {
    input.ids[i] = r.id;
    input.sponsor[i] = r.sponsor === undefined ? -1 : at.get(r.sponsor)!;
    input.parent[i] = r.parent === undefined ? -1 : at.get(r.parent)!;
    input.position[i] = r.pos ?? 0;
    input.pv[i] = Math.round((r.pv ?? 0) * 100);
    input.bv[i] = Math.round((r.bv ?? r.pv ?? 0) * 100);
    input.retail[i] = Math.round((r.retail ?? 0) * 100);
    input.fastStart[i] = Math.round((r.fastStart ?? 0) * 100);
    input.carryLeft[i] = Math.round((r.carryLeft ?? 0) * 100);
    input.carryRight[i] = Math.round((r.carryRight ?? 0) * 100);
    input.achievedBefore[i] = r.achieved ?? -1;
  });
  return input;
}

function plan(doc: Record<string, unknown>): Plan {
  const parsed = parsePlan({ currency: "USD", volume: "BV", activeMinPv: 50, ranks: [{ name: "Member" }], bonuses: [], ...doc });
  if (!parsed.plan) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

/** The lines as "earner<-source L level: dollars" (source 0 for none), in run order. */
function lines(input: EngineInput, result: EngineResult): string[] {
  const l = result.lines;
  return Array.from({ length: l.count }, (_, k) => {
    const s = l.source[k]!;
    return `${input.ids[l.member[k]!]}<-${s < 0 ? 0 : input.ids[s]} L${l.level[k]}: ${(l.amount[k]! / 100).toFixed(2)}`;
  });
}

const RANKS = [
  { name: "Member" },
  { name: "Bronze", minPv: 50, minGv: 1000, minActiveDirects: 2 },
  { name: "Silver", minPv: 100, minGv: 5000, maxLegShare: 0.6, legsWithRank: { rank: "Bronze", count: 2 } },
];

describe("ranks", () => {
  // A(100) sponsors B(60), C(60), D(x). B sponsors B1(50), B2(50), B3(4000); C sponsors C1(500), C2(500), C3(100).
  // B: GV 60+50+50+4000 = 4160, 3 active directs → Bronze (PV 60 < 100, no Silver).
  // C: GV 60+500+500+100 = 1160, 3 active directs → Bronze.
  // A: Silver needs 5000 with each leg at most 0.6 × 5000 = 3000:
  //    100 + min(4160, 3000) + min(1160, 3000) + min(D, 3000) = 4260 + D; and two Bronze legs (B, C).
  const tree = (d: number) =>
    network([
      { id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 60 }, { id: 3, sponsor: 1, pv: 60 }, { id: 4, sponsor: 1, pv: d },
      { id: 5, sponsor: 2, pv: 50 }, { id: 6, sponsor: 2, pv: 50 }, { id: 7, sponsor: 2, pv: 4000 },
      { id: 8, sponsor: 3, pv: 500 }, { id: 9, sponsor: 3, pv: 500 }, { id: 10, sponsor: 3, pv: 100 },
    ]);
  const p = plan({ ranks: RANKS });

  it.each([
    // D's PV, A's qualifying volume (4260 + D), A's paid-as rank
    [700, 4960, "Bronze"], // 4960 < 5000: the big leg only counts 3000 of its 4160
    [740, 5000, "Silver"], // exactly 5000
  ])("with D at %d PV, A qualifies %d and is paid as %s", (d, qv, name) => {
    const r = computeRun(p, tree(d));
    expect(r.rankVolume(0, 2)).toBe(qv * 100);
    expect(r.gv(0)).toBe((100 + 4160 + 1160 + d) * 100);
    expect([r.activeDirects(0), r.activeDirects(1), r.activeDirects(3)]).toEqual([3, 3, 0]); // B, C, D; B1-B3; none
    expect(RANKS[r.paidAs[0]!]!.name).toBe(name);
    expect([r.paidAs[1], r.paidAs[2]]).toEqual([1, 1]); // B and C are Bronze
    expect(r.paidAs[4]).toBe(0); // B1: Member (no rules)
  });

  it("legsWithRank counts legs, not members: two Bronze in one leg is one leg", () => {
    // C is no longer Bronze (1 active direct): A has one Bronze leg (B) → not Silver even with D at 900.
    const input = tree(900);
    input.pv[8] = 0; // C2
    input.pv[9] = 0; // C3
    const r = computeRun(p, input);
    expect(r.paidAs[2]).toBe(0);
    expect(r.legsWithRank(0, 1)).toBe(1);
    expect(r.paidAs[0]).toBe(1);
  });

  it("achieved rank is the highest ever: a Silver paid as Bronze stays Silver", () => {
    const input = tree(700);
    input.achievedBefore[0] = 2;
    const r = computeRun(p, input);
    expect([r.paidAs[0], r.achieved[0]]).toEqual([1, 2]);
  });

  it("a member failing the first rank's rules has no rank", () => {
    const r = computeRun(plan({ ranks: [{ name: "Active", minPv: 50 }] }), network([{ id: 1, pv: 49.99 }, { id: 2, pv: 50 }]));
    expect(Array.from(r.paidAs)).toEqual([-1, 0]);
  });
});

describe("UNILEVEL", () => {
  // R(100) → A(100) → B(10, inactive) → C(100) → S(source, BV 1000); levels 5 %, 5 %, 4 %.
  const chain = (sPv = 100) =>
    network([{ id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 100 }, { id: 3, sponsor: 2, pv: 10 }, { id: 4, sponsor: 3, pv: 100 }, { id: 5, sponsor: 4, pv: sPv, bv: 1000 }]);
  const levels = [0.05, 0.05, 0.04];
  const only5 = (input: EngineInput, r: EngineResult) => lines(input, r).filter((l) => l.includes("<-5 "));

  it("with compression the inactive B is skipped and uses no level", () => {
    const input = chain();
    const r = computeRun(plan({ bonuses: [{ type: "UNILEVEL", levels, compression: true }] }), input);
    // C level 1: 5 % of 1000 = 50; A level 2: 5 % = 50 (B skipped); R level 3: 4 % = 40
    expect(only5(input, r)).toEqual(["4<-5 L1: 50.00", "2<-5 L2: 50.00", "1<-5 L3: 40.00"]);
    const a = 1; // A's line is the second
    const k = lines(input, r).indexOf("2<-5 L2: 50.00");
    expect(r.lines.path(k).map((i) => input.ids[i])).toEqual([3]);
    void a;
  });

  it("a compressed line's path lists the inactive members skipped on the way up, source side first", () => {
    // 1 ← 2 (inactive) ← 3 ← 4 (inactive) ← 5 (inactive) ← 6 (source, BV 1000); levels 5 %, 5 %.
    const input = network([
      { id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 10 }, { id: 3, sponsor: 2, pv: 100 }, { id: 4, sponsor: 3, pv: 0 }, { id: 5, sponsor: 4, pv: 0 },
      { id: 6, sponsor: 5, pv: 100, bv: 1000 },
    ]);
    const r = computeRun(plan({ bonuses: [{ type: "UNILEVEL", levels: [0.05, 0.05], compression: true }] }), input);
    const all = lines(input, r);
    const at = (line: string) => all.indexOf(line);
    // 3 is level 1 past 5 and 4; 1 is level 2 past those and 2. Basis: 6's 1000.
    expect([at("3<-6 L1: 50.00"), at("1<-6 L2: 50.00")].map((k) => [r.lines.path(k).map((i) => input.ids[i]), r.lines.basis(k)])).toEqual([
      [[5, 4], 1000_00], [[5, 4, 2], 1000_00],
    ]);
    // 1's line from 3 passes only 2.
    expect(r.lines.path(at("1<-3 L1: 5.00")).map((i) => input.ids[i])).toEqual([2]);
  });

  it("without compression B uses level 2 and earns nothing; R is beyond level 3", () => {
    const input = chain();
    const r = computeRun(plan({ bonuses: [{ type: "UNILEVEL", levels, compression: false }] }), input);
    // C level 1: 50; B level 2: inactive; A level 3: 4 % = 40
    expect(only5(input, r)).toEqual(["4<-5 L1: 50.00", "2<-5 L3: 40.00"]);
  });

  it("inactiveVolumePays: false: an inactive source pays nobody", () => {
    const input = chain(10);
    const pays = computeRun(plan({ bonuses: [{ type: "UNILEVEL", levels, compression: true }] }), input);
    const paysNot = computeRun(plan({ bonuses: [{ type: "UNILEVEL", levels, compression: true, inactiveVolumePays: false }] }), input);
    expect(only5(input, pays)).toHaveLength(3);
    expect(only5(input, paysNot)).toEqual([]);
  });

  it("levelRanks: level 3 needs Silver, so R (Member) earns nothing at level 3", () => {
    const input = chain();
    const r = computeRun(plan({ ranks: RANKS, bonuses: [{ type: "UNILEVEL", levels, compression: true, levelRanks: [null, null, "Silver"] }] }), input);
    expect(only5(input, r)).toEqual(["4<-5 L1: 50.00", "2<-5 L2: 50.00"]);
  });
});

describe("volume below zero (refunds beyond a member's orders)", () => {
  it("counts as zero for commissions and company volume, and the input is left as it was", () => {
    // 1 ← 2 (BV −300) and 1 ← 3 (BV 500); 2 and 3 are 1's legs. Unilevel 10 %: 1 earns 50 from 3, nothing from 2.
    const input = network([{ id: 1, pv: 100 }, { id: 2, sponsor: 1, parent: 1, pos: 0, pv: 60, bv: -300 }, { id: 3, sponsor: 1, parent: 1, pos: 1, pv: 60, bv: 500 }]);
    const r = computeRun(plan({ bonuses: [{ type: "UNILEVEL", levels: [0.1] }, { type: "BINARY", rate: 0.1 }] }), input);
    // Binary: legs 0 (not −300) and 500: nothing matched, the right leg carries 500.
    expect(lines(input, r)).toEqual(["1<-3 L1: 50.00"]);
    expect([r.companyVolume, r.carryLeft[0], r.carryRight[0], input.bv[1]]).toEqual([100_00 + 500_00, 0, 500_00, -300_00]);
  });
});

describe("BINARY", () => {
  // X with left child Lc (200) over Lg (100) and right child Rc (500): legs 300 | 500.
  const tree = (carryLeft = 0, carryRight = 0) =>
    network([
      { id: 1, pv: 100, bv: 0, carryLeft, carryRight },
      { id: 2, parent: 1, pos: 0, pv: 200 }, { id: 3, parent: 2, pos: 0, pv: 100 }, { id: 4, parent: 1, pos: 1, pv: 500 },
    ]);

  it("rate: the weaker leg is matched and carries nothing; the stronger keeps the rest", () => {
    const input = tree(100, 0); // left 300 + 100 carry = 400, right 500
    const r = computeRun(plan({ bonuses: [{ type: "BINARY", rate: 0.1 }] }), input);
    expect(lines(input, r)[0]).toBe("1<-0 L0: 40.00"); // 10 % of 400
    expect([r.carryLeft[0], r.carryRight[0]]).toEqual([0, 100_00]); // 500 − 400
    expect(r.lines.detail(0)).toMatchObject({ left: 300_00, right: 500_00, carryInLeft: 100_00, matched: 400_00 });
  });

  it("rate: capPerPeriod and maxCarry", () => {
    const input = tree(100, 0);
    const r = computeRun(plan({ bonuses: [{ type: "BINARY", rate: 0.1, capPerPeriod: 30, maxCarry: 50 }] }), input);
    expect(lines(input, r)[0]).toBe("1<-0 L0: 30.00"); // 40 capped at 30
    expect(r.carryRight[0]).toBe(50_00); // 100 capped at 50
    expect(r.lines.detail(0)).toEqual({
      left: 300_00, right: 500_00, carryInLeft: 100_00, carryInRight: 0, matched: 400_00, cycles: null, carryOutLeft: 0, carryOutRight: 50_00, capped: true,
    });
  });

  it("cycle: whole cycles of 200 | 200 pay 20 each; both legs keep their remainders", () => {
    const input = tree(150, 400); // left 450, right 900 → min(2.25, 4.5) = 2 cycles
    const r = computeRun(plan({ bonuses: [{ type: "BINARY", cycle: { left: 200, right: 200, amount: 20 } }] }), input);
    expect(lines(input, r)[0]).toBe("1<-0 L0: 40.00");
    expect([r.carryLeft[0], r.carryRight[0]]).toEqual([50_00, 500_00]); // 450 − 400, 900 − 400
    expect(r.lines.detail(0)).toEqual({
      left: 300_00, right: 500_00, carryInLeft: 150_00, carryInRight: 400_00, matched: 400_00, cycles: 2, carryOutLeft: 50_00, carryOutRight: 500_00, capped: false,
    });
  });

  it("an inactive member is not paid and carries both legs; after N such periods the carry is flushed", () => {
    const input = tree(0, 0);
    input.pv[0] = 0;
    const b = { type: "BINARY", rate: 0.1, flushAfterInactivePeriods: 2 };
    const first = computeRun(plan({ bonuses: [b] }), input);
    expect(lines(input, first).filter((l) => l.startsWith("1<-"))).toEqual([]);
    expect([first.carryLeft[0], first.carryRight[0], first.unqualifiedPeriods[0]]).toEqual([300_00, 500_00, 1]);
    input.unqualifiedPeriods[0] = 1;
    const second = computeRun(plan({ bonuses: [b] }), input);
    expect([second.carryLeft[0], second.carryRight[0]]).toEqual([0, 0]);
  });

  it("qualification: one active personal recruit in each leg", () => {
    // 1 sponsored 2 (left) only: not qualified. Then 4 (right) too: qualified.
    const rows = [
      { id: 1, pv: 100 }, { id: 2, parent: 1, pos: 0, sponsor: 1, pv: 200 }, { id: 3, parent: 2, pos: 0, sponsor: 2, pv: 100 }, { id: 4, parent: 1, pos: 1, sponsor: 3, pv: 500 },
    ];
    const b = { type: "BINARY", rate: 0.1, qualification: { active: true, personalRecruitEachLeg: true } };
    expect(lines(network(rows), computeRun(plan({ bonuses: [b] }), network(rows))).filter((l) => l.startsWith("1<-"))).toEqual([]);
    rows[3]!.sponsor = 1;
    expect(lines(network(rows), computeRun(plan({ bonuses: [b] }), network(rows))).filter((l) => l.startsWith("1<-"))).toEqual(["1<-0 L0: 30.00"]);
  });
});

describe("the other bonuses", () => {
  it("MATCHING: 10 % of the binary a personal recruit earned, 5 % a generation further", () => {
    // 1 sponsors 2, 2 sponsors 3; 3 earns binary 10 % of min(300, 500) = 30.
    const input = network([
      { id: 1, pv: 100, bv: 0 }, { id: 2, sponsor: 1, pv: 100, bv: 0 }, { id: 3, sponsor: 2, pv: 100, bv: 0 },
      { id: 4, parent: 3, pos: 0, pv: 300 }, { id: 5, parent: 3, pos: 1, pv: 500 },
    ]);
    const r = computeRun(plan({ bonuses: [{ type: "BINARY", rate: 0.1 }, { type: "MATCHING", generations: [0.1, 0.05] }] }), input);
    // 2: 10 % of 30 = 3.00; 1: 5 % of 30 = 1.50
    expect(lines(input, r)).toEqual(["3<-0 L0: 30.00", "2<-3 L1: 3.00", "1<-3 L2: 1.50"]);
  });

  it("RETAIL: a share of the member's retail customers' volume", () => {
    const input = network([{ id: 1, pv: 0, retail: 333.33 }]);
    // 7.5 % of 333.33 = 24.999... → 25.00 (half up)
    expect(lines(input, computeRun(plan({ bonuses: [{ type: "RETAIL", rate: 0.075 }] }), input))).toEqual(["1<-0 L0: 25.00"]);
  });

  it("FAST_START: shares per sponsor level of a recruit's early volume; inactive sponsors earn nothing", () => {
    const input = network([{ id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 0 }, { id: 3, sponsor: 2, pv: 200, fastStart: 200 }]);
    // level 1 (2, inactive): nothing; level 2 (1): 10 % of 200 = 20
    expect(lines(input, computeRun(plan({ bonuses: [{ type: "FAST_START", days: 30, levels: [0.2, 0.1] }] }), input))).toEqual(["1<-3 L2: 20.00"]);
  });

  it("MATRIX: shares per placement level inside the width; a member placed beyond it is outside", () => {
    // width 2: 2 and 3 under 1 at positions 0 and 1, 4 at position 2 (outside), 5 under 2.
    const input = network([
      { id: 1, pv: 100 }, { id: 2, parent: 1, pos: 0, pv: 100 }, { id: 3, parent: 1, pos: 1, pv: 100 }, { id: 4, parent: 1, pos: 2, pv: 100 }, { id: 5, parent: 2, pos: 0, pv: 100 },
    ]);
    const r = computeRun(plan({ bonuses: [{ type: "MATRIX", width: 2, depth: 2, levels: [0.1, 0.05] }] }), input);
    // 2 → 1 L1 10; 3 → 1 L1 10; 4: outside; 5 → 2 L1 10, → 1 L2 5
    expect(lines(input, r)).toEqual(["1<-2 L1: 10.00", "1<-3 L1: 10.00", "2<-5 L1: 10.00", "1<-5 L2: 5.00"]);
  });

  it("GENERATION: a leader's group stops at the next leader", () => {
    // Leaders: PV ≥ 100 (rank Leader). 1 (leader) → 2 (50) → 3 (leader, 100) → 4 (50) → 5 (leader, 200)
    // groups: 5: 200; 3: 100 + 50 = 150 (stops at 5); 1: 100 + 50 = 150.
    const input = network([
      { id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 50 }, { id: 3, sponsor: 2, pv: 100 }, { id: 4, sponsor: 3, pv: 50 }, { id: 5, sponsor: 4, pv: 200 },
    ]);
    const p = plan({ ranks: [{ name: "Member" }, { name: "Leader", minPv: 100 }], bonuses: [{ type: "GENERATION", rank: "Leader", generations: [0.1, 0.05] }] });
    // 3's group to 1 (gen 1): 10 % of 150 = 15; 5's group to 3 (gen 1): 10 % of 200 = 20, to 1 (gen 2): 5 % = 10
    expect(lines(input, computeRun(p, input))).toEqual(["1<-3 L1: 15.00", "3<-5 L1: 20.00", "1<-5 L2: 10.00"]);
  });

  it("RANK_ADVANCEMENT: once per rank newly achieved, every rank jumped over included", () => {
    const p = plan({ ranks: [{ name: "Member" }, { name: "Bronze", minPv: 100 }, { name: "Silver", minPv: 200 }], bonuses: [{ type: "RANK_ADVANCEMENT", amounts: { Bronze: 100, Silver: 250 } }] });
    const input = network([{ id: 1, pv: 200, achieved: 0 }, { id: 2, pv: 200, achieved: 2 }, { id: 3, pv: 100, achieved: 0 }]);
    // 1 jumps Member → Silver: 100 + 250; 2 had Silver already; 3 reaches Bronze
    expect(lines(input, computeRun(p, input))).toEqual(["1<-0 L1: 100.00", "1<-0 L2: 250.00", "3<-0 L1: 100.00"]);
  });

  it("POOL: a share of company volume by shares per rank, rounded down", () => {
    const p = plan({ ranks: [{ name: "Member" }, { name: "Gold", minPv: 500 }, { name: "Diamond", minPv: 1000 }], bonuses: [{ type: "POOL", share: 0.03, shares: { Gold: 1, Diamond: 2 } }] });
    const input = network([{ id: 1, pv: 1000 }, { id: 2, pv: 500 }, { id: 3, pv: 600 }, { id: 4, pv: 100 }]);
    // company volume 2200; pool 3 % = 66.00; shares 2 + 1 + 1 = 4 → 33.00, 16.50, 16.50
    expect(lines(input, computeRun(p, input))).toEqual(["1<-0 L2: 33.00", "2<-0 L1: 16.50", "3<-0 L1: 16.50"]);
  });

  it("BOARD: boards fill breadth first as members join, pay their top, split in two; the top moves up or re-enters", () => {
    // Boards of 3 seats (width 2, depth 2): a top and two under it. Stage 1 pays 10, stage 2 pays 50.
    const p = plan({ bonuses: [{ type: "BOARD", depth: 2, stages: [{ amount: 10 }, { amount: 50 }] }] });
    // Joined in id order; 1, 2 and 3 before the period, 4 to 7 during it.
    const input = network([
      { id: 1 }, { id: 2, sponsor: 1 }, { id: 3, sponsor: 1 },
      { id: 4, sponsor: 2 }, { id: 5, sponsor: 2 }, { id: 6, sponsor: 3 }, { id: 7, sponsor: 3 },
    ]);
    input.joinedBefore = 3;
    // 1 opens stage-1 board A; 2 and 3 fill it under 1 (their sponsor's board): A is full,
    //   1 is paid 10 (before the period: not paid now); A splits into [2] and [3]; 1 opens a stage-2 board.
    // 4 and 5 join 2's board [2, 4, 5]: full → 2 earns 10 (source 5); 2 moves up to 1's stage-2 board [1, 2].
    // 6 and 7 join 3's board [3, 6, 7]: full → 3 earns 10 (source 7); 3 moves up to [1, 2, 3]:
    //   full → 1 earns 50 (stage 2, source 7) and, after the last stage, re-enters stage 1.
    expect(lines(input, computeRun(p, input))).toEqual(["2<-5 L1: 10.00", "3<-7 L1: 10.00", "1<-7 L2: 50.00"]);
    const r = computeRun(p, input);
    expect(r.lines.detail(2)).toEqual({ stage: 2, board: 4, seats: 3, movedTo: 1 });
    // Without re-entry 1 leaves the boards after stage 2.
    const leave = computeRun(plan({ bonuses: [{ type: "BOARD", depth: 2, stages: [{ amount: 10 }, { amount: 50 }], reenter: false }] }), input);
    expect(leave.lines.detail(2)).toMatchObject({ movedTo: null });
  });

  it("BOARD: a member without a sponsor on the stage takes the oldest board's first free seat", () => {
    const p = plan({ bonuses: [{ type: "BOARD", depth: 2, stages: [{ amount: 10 }] }] });
    // 1 opens A; 2 and 3 fill it (1 earns 10, re-enters on the oldest stage-1 board, [2]: [2, 1]);
    // 4 has no sponsor: the oldest board is [2, 1] → full, 2 earns 10 (source 4).
    const input = network([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(lines(input, computeRun(p, input))).toEqual(["1<-3 L1: 10.00", "2<-4 L1: 10.00"]);
  });
});

describe("rounding and the payout cap", () => {
  it.each([
    ["HALF_UP", "0.54"], // 5 % of 10.70 = 0.535
    ["HALF_EVEN", "0.54"], // 53.5 cents → 54 (even)
    ["DOWN", "0.53"],
  ])("%s rounds 5 %% of 10.70 to %s", (rounding, dollars) => {
    const input = network([{ id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 10.7 }]);
    const r = computeRun(plan({ rounding, activeMinPv: 0, bonuses: [{ type: "UNILEVEL", levels: [0.05] }] }), input);
    expect((r.lines.amount[0]! / 100).toFixed(2)).toBe(dollars);
  });

  it("HALF_EVEN keeps an even cent down: 5 % of 10.50 = 0.525 → 0.52", () => {
    const input = network([{ id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 10.5 }]);
    const r = computeRun(plan({ rounding: "HALF_EVEN", activeMinPv: 0, bonuses: [{ type: "UNILEVEL", levels: [0.05] }] }), input);
    expect(r.lines.amount[0]).toBe(52);
  });

  it("the cap scales every line by one factor, rounding down", () => {
    // volume 100 + 1000 = 1100, cap 10 % = 110.00; uncapped: 1 earns 50 % of 1000 = 500 → factor 110/500
    const input = network([{ id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 1000 }]);
    const r = computeRun(plan({ payoutCap: { shareOfVolume: 0.1 }, bonuses: [{ type: "UNILEVEL", levels: [0.5] }] }), input);
    expect(r.uncappedTotal).toBe(500_00);
    expect(r.capFactor).toEqual({ numerator: 110_00, denominator: 500_00 });
    expect(r.total).toBe(110_00);
    // The line keeps what it earned before the cap beside what it pays: 500.00 × 110/500 = 110.00.
    expect([r.lines.uncapped[0], r.lines.amount[0]]).toEqual([500_00, 110_00]);
  });

  it("without a cap that bites, a line's uncapped amount is its amount", () => {
    const input = network([{ id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 1000 }]);
    const r = computeRun(plan({ payoutCap: { shareOfVolume: 0.5 }, bonuses: [{ type: "UNILEVEL", levels: [0.05] }] }), input);
    expect(r.capFactor).toBeNull();
    expect([r.lines.uncapped[0], r.lines.amount[0]]).toEqual([50_00, 50_00]);
  });
});

describe("arithmetic and order", () => {
  it("mulDiv is exact beyond 2^53", () => {
    expect(mulDiv(9_007_199_254_740_991, 3, 3, "DOWN")).toBe(9_007_199_254_740_991);
    expect(mulDiv(10, 5, 4, "HALF_UP")).toBe(13); // 12.5 → 13
    expect(mulDiv(10, 5, 4, "HALF_EVEN")).toBe(12);
  });

  it("breadthFirst puts every parent before its children whatever the input order", () => {
    const parent = Int32Array.from([3, -1, 0, 1, 2]); // 1 → 3 → 0 → 2 → 4
    expect(Array.from(breadthFirst(parent))).toEqual([1, 3, 0, 2, 4]);
    expect(() => breadthFirst(Int32Array.from([1, 0]))).toThrow(/cycle/);
  });

  it("breadthFirst gives each position its parent's position", () => {
    // Two roots (5 and 1); 1 has children 0 and 4, 0 has 2 and 3, 5 has 6.
    const parent = Int32Array.from([1, -1, 0, 0, 1, -1, 5]);
    const at = new Int32Array(parent.length);
    const order = breadthFirst(parent, at);
    expect(Array.from(order)).toEqual([1, 5, 0, 4, 6, 2, 3]);
    expect(Array.from(at)).toEqual([-1, -1, 0, 0, 1, 2, 2]);
    for (let k = 0; k < order.length; k++) expect(at[k] === -1 ? -1 : order[at[k]!]).toBe(parent[order[k]!]);
  });

  it("the hash covers every amount", () => {
    const input = network([{ id: 1, pv: 100 }, { id: 2, sponsor: 1, pv: 1000 }]);
    const p = plan({ bonuses: [{ type: "UNILEVEL", levels: [0.05] }] });
    const a = computeRun(p, input);
    expect(runHash(input.ids, computeRun(p, input).lines)).toBe(runHash(input.ids, a.lines));
    input.bv[1] = 1001_00;
    expect(runHash(input.ids, computeRun(p, input).lines)).not.toBe(runHash(input.ids, a.lines));
  });

  it("the hash is sha256 of the text 'earner,bonus,source,level,amount' per line, whatever the numbers", () => {
    const ids = Int32Array.from([7, 12_345_678, 90]);
    const lines = new Lines(2); // grows past its first columns
    lines.add(0, 0, 1, 1, 1234);
    lines.add(1, 2, -1, 0, 0); // no source: 0
    lines.add(2, 1, 0, 3, 9_007_199_254_740_991);
    lines.add(0, 10, 2, 12, -5); // a correction below zero
    lines.add(1, 0, 0, 1, 2.5); // not an integer: as JavaScript prints it
    const text = "7,0,12345678,1,1234\n12345678,2,0,0,0\n90,1,7,3,9007199254740991\n7,10,90,12,-5\n12345678,0,7,1,2.5\n";
    expect(runHash(ids, lines)).toBe(createHash("sha256").update(text).digest("hex"));
    // A slice at a time (a commit hashes between writes): the same hash, whatever the slices.
    for (const slice of [1, 2, 3, 5, 100]) {
      const hasher = runHasher(ids, lines);
      let steps = 1;
      while (!hasher.step(slice)) steps++;
      expect([hasher.digest(), steps]).toEqual([runHash(ids, lines), Math.max(1, Math.ceil(5 / slice))]);
    }
  });

  it("keeps every line's columns as they grow past the room made first", () => {
    const lines = new Lines(4); // room for 4 lines
    for (let k = 0; k < 40; k++) lines.add(k, k % 5, k + 1, 1 + (k % 3), k * 7);
    expect(lines.count).toBe(40);
    expect([lines.member[39], lines.bonus[39], lines.source[39], lines.level[39], lines.amount[39]]).toEqual([39, 4, 40, 1, 273]);
    expect([lines.member[3], lines.amount[3]]).toEqual([3, 21]);
  });

  it("asks a line's bonus for its basis, details and path; a bonus that says nothing gives 0, none and an empty path", () => {
    const lines = new Lines(2);
    lines.explainBy(1, { basis: (k) => 100 * k, detail: (k) => ({ stage: k, board: 7, seats: 3, movedTo: null }), path: (k) => [k, k + 1] });
    lines.explainBy(2, { basis: () => 5 });
    for (const b of [0, 1, 2, 1]) lines.add(0, b, -1, 0, 1);
    expect([0, 1, 2, 3].map((k) => [lines.basis(k), (lines.detail(k) as BoardDetail | undefined)?.board ?? null, lines.path(k)])).toEqual([
      [0, null, []], [100, 7, [1, 2]], [5, null, []], [300, 7, [3, 4]],
    ]);
  });

  it("gives a line's rate from its bonus and level (lines do not keep it)", () => {
    const p = plan({
      ranks: [{ name: "Member" }, { name: "Gold" }],
      bonuses: [
        { type: "UNILEVEL", levels: [0.05, 0.04] }, { type: "BINARY", rate: 0.1 }, { type: "BINARY", cycle: { left: 200, right: 200, amount: 20 } },
        { type: "MATCHING", generations: [0.2], of: "BINARY" }, { type: "RETAIL", rate: 0.25 }, { type: "POOL", share: 0.03, shares: { Gold: 1 } },
        { type: "RANK_ADVANCEMENT", amounts: { Gold: 100 } },
      ],
    });
    const rate = lineRates(p);
    // [bonus, level]: unilevel levels 1-2 (3 has none), binary by rate (level 0), in cycles (none),
    // matching generation 1, retail, the pool at either rank (its level), rank advancement (none).
    const asked = [[0, 1], [0, 2], [0, 3], [1, 0], [2, 0], [3, 1], [4, 0], [5, 0], [5, 1], [6, 1], [9, 1]] as const;
    expect(asked.map(([b, l]) => rate(b, l))).toEqual([50_000, 40_000, 0, 100_000, 0, 200_000, 250_000, 30_000, 30_000, 0, 0]);
  });

  it("keeps bonus and level as the plan's largest allow them (20 bonuses, 50 levels)", () => {
    const lines = new Lines(1);
    lines.add(0, 19, 1, 50, 1);
    lines.add(1, 0, -1, 0, 0);
    expect([lines.bonus[0], lines.level[0], lines.bonus[1], lines.source[1]]).toEqual([19, 50, 0, -1]);
  });
});
