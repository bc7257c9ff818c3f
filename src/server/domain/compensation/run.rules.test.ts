import { describe, expect, it } from "vitest";
import type { LineRow } from "./compensation.repository";
import { computeRun, emptyInput, type EngineResult } from "./engine.rules";
import { parsePlan } from "./plan.rules";
import { advancements, concatRows, engineRows, idIndex, isLineCursor, lineCursor, rowList, summarize } from "./run.rules";

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

describe("line rows, made a chunk at a time", () => {
  // 1 sponsors 2 and 3; 3 sponsors 4. Unilevel 10 %, 5 %: lines are made source by source
  // (2 → 1; 3 → 1; 4 → 3, 1) and written earner by earner.
  const parsed = parsePlan({ currency: "USD", volume: "PV", activeMinPv: 0, ranks: [{ name: "Member" }], bonuses: [{ type: "UNILEVEL", levels: [0.1, 0.05] }] });
  const input = emptyInput(4);
  [[1, -1, 100], [2, 0, 200], [3, 0, 300], [4, 2, 400]].forEach(([id, sponsor, pv], i) => {
    input.ids[i] = id!;
    input.sponsor[i] = sponsor!;
    input.pv[i] = input.bv[i] = pv! * 100;
  });
  const rows = engineRows(parsed.plan!, 9, input.ids, computeRun(parsed.plan!, input));
  const key = (r: LineRow) => `${r.memberId}<-${r.sourceMemberId} L${r.level}: ${r.amount}`;

  it("are in earner order, whichever slices are asked for", () => {
    // 1 earns 10 % of 200 and of 300, 5 % of 400; 3 earns 10 % of 400 (in cents).
    const all = ["1<-2 L1: 2000", "1<-3 L1: 3000", "1<-4 L2: 2000", "3<-4 L1: 4000"];
    expect(rows.length).toBe(4);
    expect(rows.slice(0, 4).map(key)).toEqual(all);
    expect([...rows.slice(0, 3), ...rows.slice(3, 10)].map(key)).toEqual(all);
    expect(rows.slice(1, 2)[0]).toMatchObject({ periodId: 9, bonusType: "UNILEVEL", kind: "EARNED", ratePpm: 100_000, basis: 300_00 });
    // One by one (one object refilled): the same rows, read as they come.
    expect(Array.from(rows.each(1, 4), (r) => ({ ...r }))).toEqual(rows.slice(1, 4));
    expect(Array.from(concatRows(rows, [rows.slice(0, 1)[0]!]).each(3, 5), key)).toEqual(["3<-4 L1: 4000", "1<-2 L1: 2000"]);
  });

  it("carry the rate of their bonus at their level and the earner's paid-as rank, which the lines do not keep", () => {
    // 1 → 4 is level 2 (5 %); 3 → 4 level 1 (10 %). Everyone is paid as Member (rank 0).
    expect(rows.slice(0, 4).map((r) => [r.level, r.ratePpm, r.rankIndex])).toEqual([[1, 100_000, 0], [1, 100_000, 0], [2, 50_000, 0], [1, 100_000, 0]]);
    const ranked = parsePlan({
      currency: "USD", volume: "PV", activeMinPv: 0, ranks: [{ name: "Member" }, { name: "Bronze", minGv: 500 }],
      bonuses: [{ type: "UNILEVEL", levels: [0.1, 0.05] }, { type: "RANK_ADVANCEMENT", amounts: { Bronze: 10 } }, { type: "POOL", share: 0.02, shares: { Bronze: 1 } }],
    }).plan!;
    // GV: 1 has 100 + 200 + 300 + 400 = 1000 (Bronze), 3 has 700 (Bronze), 2 and 4 are Members.
    const got = engineRows(ranked, 9, input.ids, computeRun(ranked, input)).slice(0, 20).map((r) => `${r.memberId} ${r.bonusType} L${r.level} ${r.ratePpm} r${r.rankIndex}`);
    expect(got).toEqual([
      "1 UNILEVEL L1 100000 r1", "1 UNILEVEL L1 100000 r1", "1 UNILEVEL L2 50000 r1", "1 RANK_ADVANCEMENT L1 0 r1", "1 POOL L1 20000 r1",
      "3 UNILEVEL L1 100000 r1", "3 RANK_ADVANCEMENT L1 0 r1", "3 POOL L1 20000 r1",
    ]);
  });

  it("add up without being made, also with rows appended", () => {
    const extra: LineRow = { ...rows.slice(3, 4)[0]!, memberId: 2, amount: -500 };
    const both = concatRows(rows, [extra]);
    expect(both.length).toBe(5);
    expect(both.slice(3, 5).map(key)).toEqual(["3<-4 L1: 4000", "2<-4 L1: -500"]);
    expect(rows.nets()).toEqual([{ memberId: 1, amount: 7000 }, { memberId: 3, amount: 4000 }]);
    expect(both.nets()).toEqual([{ memberId: 1, amount: 7000 }, { memberId: 2, amount: -500 }, { memberId: 3, amount: 4000 }]);
    expect(rowList([extra, { ...extra, amount: 500 }]).nets()).toEqual([]); // nets of zero are left out
  });

  it("carry their basis and compression path as member ids, source side first, one by one as in slices", () => {
    // A sponsor line 10 ← 20 ← 30 ← 40 ← 50 (ids, not indexes); 20 and 30 are inactive
    // (PV 10 and 20 under 50), so they earn nothing and use up no level. Unilevel 10 %, 5 %:
    // 20 → 10 at level 1 (nobody between), 1.00; 30 → 10 at level 1 past 20, 2.00;
    // 40 → 10 at level 1 past 30 and 20, 10.00; 50 → 40 at level 1, 10.00, and → 10 at
    // level 2 past 30 and 20, 5 % of 100 = 5.00.
    const compressed = parsePlan({ currency: "USD", volume: "PV", activeMinPv: 50, ranks: [{ name: "Member" }], bonuses: [{ type: "UNILEVEL", levels: [0.1, 0.05], compression: true }] }).plan!;
    const line = emptyInput(5);
    [[10, -1, 100], [20, 0, 10], [30, 1, 20], [40, 2, 100], [50, 3, 100]].forEach(([id, sponsor, pv], i) => {
      line.ids[i] = id!;
      line.sponsor[i] = sponsor!;
      line.pv[i] = line.bv[i] = pv! * 100;
    });
    const made = engineRows(compressed, 9, line.ids, computeRun(compressed, line));
    const show = (r: LineRow) => `${r.memberId}<-${r.sourceMemberId} L${r.level} of ${r.basis / 100}: ${r.amount} [${r.path.join(",")}]`;
    const expected = ["10<-20 L1 of 10: 100 []", "10<-30 L1 of 20: 200 [20]", "10<-40 L1 of 100: 1000 [30,20]", "10<-50 L2 of 100: 500 [30,20]", "40<-50 L1 of 100: 1000 []"];
    expect(Array.from(made.each(0, 10), show)).toEqual(expected);
    expect(made.slice(0, 10).map(show)).toEqual(expected);
    // Rows handed out one by one and kept: each its own path.
    const kept = Array.from(made.each(1, 4), (r) => ({ ...r }));
    expect(kept.map((r) => r.path)).toEqual([[20], [30, 20], [30, 20]]);
    expect(kept[1]!.path).not.toBe(kept[2]!.path);
  });
});

describe("idIndex", () => {
  it("finds each id's index, dense or sparse, and -1 for anything else", () => {
    const dense = idIndex(Int32Array.from([3, 4, 7, 9]));
    expect([3, 4, 7, 9, 5, 0, 10, 2.5, -1].map(dense)).toEqual([0, 1, 2, 3, -1, -1, -1, -1, -1]);
    // Ids far apart (more than four slots a member): a binary search, same answers.
    const sparse = idIndex(Int32Array.from([5, 90_000, 1_000_000, 2_000_000_000]));
    expect([5, 90_000, 1_000_000, 2_000_000_000, 6, 1_999_999_999, 0].map(sparse)).toEqual([0, 1, 2, 3, -1, -1, -1]);
    expect(idIndex(new Int32Array(0))(1)).toBe(-1);
    expect(() => idIndex(Int32Array.from([2, 1]))).toThrow(/ascending/);
  });
});

describe("run summary", () => {
  // 30 members, ids 10, 20, … 300 (or the same ids shuffled); member k earns (k * 7) % 13
  // dollars in two lines (ties), member 300 earns +5 and -5 (not an earner). Ranks: k % 3.
  const parsed = parsePlan({
    currency: "USD", volume: "BV", activeMinPv: 50, rounding: "HALF_UP",
    ranks: [{ name: "Member" }, { name: "Bronze", minPv: 50 }, { name: "Silver", minPv: 100 }],
    bonuses: [{ type: "UNILEVEL", levels: [0.05] }, { type: "BINARY", rate: 0.1 }],
  });
  const ids = Array.from({ length: 30 }, (_, k) => 10 * (k + 1));
  const line = (memberId: number, bonusIndex: number, amount: number): LineRow => ({
    periodId: 1, memberId, bonusIndex, sourceMemberId: 0, level: 1, bonusType: "UNILEVEL", kind: "EARNED", basis: 0, ratePpm: 0, uncapped: amount, amount, rankIndex: 0, path: [], detail: null,
  });
  const rows = rowList([
    ...ids.slice(0, 29).flatMap((id, k) => [line(id, 0, ((k * 7) % 13) * 60), line(id, 1, ((k * 7) % 13) * 40)]),
    line(300, 0, 500), line(300, 1, -500),
  ]);
  const expected = () => {
    const totals = ids.slice(0, 29).map((id, k) => ({ memberId: id, amount: ((k * 7) % 13) * 100 })).filter((t) => t.amount !== 0);
    const top = [...totals].sort((a, b) => b.amount - a.amount || a.memberId - b.memberId).slice(0, 10);
    const byRank = [0, 1, 2].map((r) => {
      const members = ids.filter((_, k) => k % 3 === r);
      const total = members.reduce((sum, id) => sum + (totals.find((t) => t.memberId === id)?.amount ?? 0), 0);
      return { members: members.length, total };
    });
    return { top, byRank, earners: totals.length };
  };

  it.each([["ids ascending", ids], ["ids in another order", [...ids].reverse()]])("totals by bonus and rank and the ten biggest earners, %s", (_name, order) => {
    const input = emptyInput(order.length);
    order.forEach((id, i) => (input.ids[i] = id));
    const paidAs = Int32Array.from(order, (id) => (id / 10 - 1) % 3);
    const summary = summarize(parsed.plan!, { input }, { paidAs, companyVolume: 0, uncappedTotal: 0, capFactor: null } as unknown as EngineResult, rows);
    const want = expected();
    expect(summary.topEarners.map(({ memberId, amount }) => ({ memberId, amount }))).toEqual(want.top);
    expect(summary.byRank.map(({ members, total }) => ({ members, total }))).toEqual(want.byRank);
    expect(summary.earners).toBe(want.earners);
    const dollars = ids.slice(0, 29).reduce((sum, _id, k) => sum + ((k * 7) % 13), 0);
    expect(summary.byBonus.map((b) => [b.amount, b.lines])).toEqual([[dollars * 60 + 500, 30], [dollars * 40 - 500, 30]]);
  });
});

