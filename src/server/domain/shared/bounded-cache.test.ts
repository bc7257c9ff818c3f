import { describe, expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache";

describe("BoundedCache", () => {
  it("never holds more than its size, keeps the newest half, and forgets the oldest", () => {
    const cache = new BoundedCache<number, string>(1_000);
    for (let i = 0; i < 1_000_000; i++) {
      cache.set(i, `v${i}`);
      if (cache.size > 1_000) throw new Error(`${cache.size} entries after ${i + 1} writes`);
    }
    for (let i = 1_000_000 - 500; i < 1_000_000; i++) expect(cache.get(i)).toBe(`v${i}`);
    expect(cache.get(0)).toBeUndefined();
    expect(cache.get(998_000)).toBeUndefined();
  });

  it("keeps what is read: a value read from the older half survives the next turn", () => {
    const cache = new BoundedCache<string, number>(4);
    cache.set("a", 1);
    cache.set("b", 2); // newer full (2 of 4)
    cache.set("c", 3); // a, b move to the older
    expect(cache.get("a")).toBe(1); // written to the newer again
    cache.set("d", 4); // newer (c, a) full: c and a move to the older, b is dropped
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.get("d")]).toEqual([1, undefined, 3, 4]);
    expect(() => new BoundedCache(1)).toThrow(/at least 2/);
  });
});
