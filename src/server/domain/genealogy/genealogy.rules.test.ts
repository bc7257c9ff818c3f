import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, memberVisibility, relativeLevel, subtreeUpperBound } from "./genealogy.rules";

describe("subtreeUpperBound", () => {
  it("bounds exactly the descendants in array order", () => {
    const upper = subtreeUpperBound([1, 5, 9]);
    expect(upper).toEqual([1, 5, 10]);
    const cmp = (a: number[], b: number[]) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return a.length - b.length;
    };
    expect(cmp([1, 5, 9, 1_000_000], upper)).toBeLessThan(0);
    expect(cmp([1, 5, 10], upper)).toBe(0);
    expect(cmp([1, 5, 9], [1, 5, 9, 2])).toBeLessThan(0);
  });
});

describe("relativeLevel", () => {
  it("counts levels below an ancestor, null otherwise", () => {
    expect(relativeLevel([1, 4, 7, 9], 4)).toBe(2);
    expect(relativeLevel([1, 4, 7, 9], 9)).toBeNull();
    expect(relativeLevel([1, 4, 7, 9], 3)).toBeNull();
  });
});

describe("cursors", () => {
  const root = { id: 4, path: [1, 4], depth: 1 };
  it("round-trips a cursor within the root's downline", () => {
    const c = { depth: 3, path: [1, 4, 7, 9] };
    expect(decodeCursor(encodeCursor(c), root)).toEqual(c);
  });
  it("refuses a cursor outside the root's downline or malformed", () => {
    expect(decodeCursor(encodeCursor({ depth: 2, path: [1, 5, 6] }), root)).toBeNull();
    expect(decodeCursor("garbage!", root)).toBeNull();
    expect(decodeCursor(Buffer.from("2:1.4").toString("base64url"), root)).toBeNull();
  });
});

describe("memberVisibility", () => {
  const viewer = { id: 4, role: "DISTRIBUTOR", sponsorPath: [1, 4], placementPath: [1, 4] };
  it.each([
    ["themselves", { id: 4, sponsorPath: [1, 4], placementPath: [1, 4] }, "FULL"],
    ["a recruit", { id: 7, sponsorPath: [1, 4, 7], placementPath: [1, 4, 7] }, "PUBLIC"],
    ["a spillover placed below", { id: 8, sponsorPath: [1, 8], placementPath: [1, 4, 8] }, "PUBLIC"],
    ["their sponsor", { id: 1, sponsorPath: [1], placementPath: [1] }, "PUBLIC"],
    ["another line", { id: 5, sponsorPath: [1, 5], placementPath: [1, 5] }, "NONE"],
  ] as const)("a distributor sees %s: %s", (_label, target, expected) => {
    expect(memberVisibility(viewer, target)).toBe(expected);
  });
  it("admins see everyone in full", () => {
    expect(memberVisibility({ ...viewer, role: "ADMIN" }, { id: 5, sponsorPath: [1, 5], placementPath: [1, 5] })).toBe("FULL");
  });
});
