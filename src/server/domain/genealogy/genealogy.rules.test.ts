import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, relativeLevel, subtreeUpperBound } from "./genealogy.rules";

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
