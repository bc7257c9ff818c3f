import { describe, expect, it } from "vitest";
import { periodBounds, previousPeriodStart, volumesFromEntries } from "./volume.rules";

describe("periodBounds", () => {
  it.each([
    ["2026-11-22T13:00:00Z", "2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
    ["2026-12-31T23:59:59.999Z", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["2027-01-01T00:00:00Z", "2027-01-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z"],
  ])("puts %s in the calendar month from %s", (at, from, to) => {
    const b = periodBounds(new Date(at), "MONTHLY");
    expect([b.startsAt.toISOString(), b.endsAt.toISOString()]).toEqual([from, to]);
  });

  it.each([
    ["2026-11-22T13:00:00Z", "2026-11-16T00:00:00.000Z"], // a Sunday belongs to the week that began on Monday
    ["2026-11-23T00:00:00Z", "2026-11-23T00:00:00.000Z"], // Monday midnight starts a week
    ["2027-01-01T08:00:00Z", "2026-12-28T00:00:00.000Z"], // weeks cross years
  ])("puts %s in the ISO week from %s", (at, from) => {
    const b = periodBounds(new Date(at), "WEEKLY");
    expect(b.startsAt.toISOString()).toBe(from);
    expect(b.endsAt.getTime() - b.startsAt.getTime()).toBe(7 * 24 * 3600 * 1000);
  });

  it("finds the previous month across a year boundary", () => {
    expect(previousPeriodStart(new Date("2027-01-01T00:00:00Z"), "MONTHLY").toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });
});

describe("volumesFromEntries", () => {
  // 1 ─┬─ 2 (left) ── 4 (left)
  //    └─ 3 (right)
  const members = [
    { id: 1, sponsorPath: [1], placementPath: [1], placementPosition: null },
    { id: 2, sponsorPath: [1, 2], placementPath: [1, 2], placementPosition: 0 },
    { id: 3, sponsorPath: [1, 3], placementPath: [1, 3], placementPosition: 1 },
    { id: 4, sponsorPath: [1, 2, 4], placementPath: [1, 2, 4], placementPosition: 0 },
  ];

  it("adds PV to the buyer and GV to the buyer and every sponsor above", () => {
    const t = volumesFromEntries(members, [{ memberId: 4, pv: 1000, bv: 800 }], true);
    expect(t.get(4)).toMatchObject({ pv: 1000, bv: 800, gv: 1000 });
    expect(t.get(2)).toMatchObject({ pv: 0, gv: 1000, leftLeg: 1000, rightLeg: 0 });
    expect(t.get(1)).toMatchObject({ gv: 1000, leftLeg: 1000, rightLeg: 0 });
    expect(t.get(3)).toBeUndefined();
  });

  it("counts the right leg for members below position 1 and cancels a reversal exactly", () => {
    const t = volumesFromEntries(members, [{ memberId: 3, pv: 500, bv: 0 }, { memberId: 3, pv: -200, bv: 0 }], true);
    expect(t.get(1)).toMatchObject({ gv: 300, leftLeg: 0, rightLeg: 300 });
  });

  it("keeps no leg volume when the placement tree is not binary", () => {
    const t = volumesFromEntries(members, [{ memberId: 4, pv: 100, bv: 0 }], false);
    expect(t.get(1)).toMatchObject({ gv: 100, leftLeg: 0, rightLeg: 0 });
  });
});
