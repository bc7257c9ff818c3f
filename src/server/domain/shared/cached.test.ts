import { afterEach, describe, expect, it, vi } from "vitest";
import { cached } from "./cached";

describe("cached", () => {
  afterEach(() => vi.useRealTimers());

  it("loads once within the TTL, again after it and after clear()", async () => {
    vi.useFakeTimers();
    let loads = 0;
    const c = cached(async () => ++loads, 1000);
    expect(await c.get()).toBe(1);
    expect(await c.get()).toBe(1);
    vi.advanceTimersByTime(1001);
    expect(await c.get()).toBe(2);
    c.clear();
    expect(await c.get()).toBe(3);
  });

  it("does not keep a failed load", async () => {
    let fail = true;
    const c = cached(async () => {
      if (fail) throw new Error("down");
      return "up";
    }, 60_000);
    await expect(c.get()).rejects.toThrow("down");
    fail = false;
    expect(await c.get()).toBe("up");
  });
});

describe("cached by name", () => {
  it("shares one value and its clear() between copies of a module (Next's layers and server.ts)", async () => {
    let loads = 0;
    const pageCopy = cached(async () => ++loads, 60_000, "test.shared");
    const routeCopy = cached(async () => ++loads, 60_000, "test.shared");
    expect(await pageCopy.get()).toBe(1);
    expect(await routeCopy.get()).toBe(1);
    routeCopy.clear(); // a save through the API
    expect(await pageCopy.get()).toBe(2);
    const unnamed = cached(async () => ++loads, 60_000);
    expect(await unnamed.get()).toBe(3);
  });
});
