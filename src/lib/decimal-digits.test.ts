import { describe, expect, it } from "vitest";
import { writeDigits } from "./decimal-digits";

describe("decimal digits into bytes", () => {
  it("writes what String() writes, on both sides of 2^31, and says where it ended", () => {
    const buf = new Uint8Array(32).fill(120);
    for (const v of [0, 7, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 1_000_000_007, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const end = writeDigits(buf, 3, v);
      expect([Buffer.from(buf.subarray(3, end)).toString("latin1"), end]).toEqual([String(v), 3 + String(v).length]);
      expect(buf[2]).toBe(120); // nothing written before `at`
    }
  });
});
