import { beforeAll, describe, expect, it } from "vitest";
import { sign, verify } from "./signature";

beforeAll(() => {
  process.env.NEXTAUTH_SECRET ??= "test-secret";
});

describe("link signatures", () => {
  it("verify for the purpose and value they were made for only", () => {
    const s = sign("share", "ABC/badge-GOLD");
    expect(s).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(verify("share", "ABC/badge-GOLD", s)).toBe(true);
    expect(verify("share", "ABC/badge-SILVER", s)).toBe(false);
    expect(verify("reset", "ABC/badge-GOLD", s)).toBe(false);
    expect(verify("share", "ABC/badge-GOLD", s.slice(1))).toBe(false);
    expect(verify("share", "ABC/badge-GOLD", `${s.slice(0, -1)}${s.endsWith("A") ? "B" : "A"}`)).toBe(false);
  });
});
