import { describe, expect, it } from "vitest";
import { normalizeLabels } from "./labels";

describe("labels", () => {
  it("lower-cases, trims and keeps each once", () => {
    expect(normalizeLabels([" VIP", "vip", "event-2026", ""], "tags")).toEqual({ labels: ["vip", "event-2026"], errors: [] });
  });
  it.each([["a space", ["two words"]], ["a symbol", ["vip!"]], ["too long", ["x".repeat(33)]], ["a leading dash", ["-x"]]])("refuses %s", (_n, list) => {
    expect(normalizeLabels(list, "tags").errors).toEqual([expect.objectContaining({ field: "tags", code: "INVALID" })]);
  });
  it("refuses more than 20", () => {
    expect(normalizeLabels(Array.from({ length: 21 }, (_, i) => `l${i}`), "labels").errors[0]!.message).toBe("At most 20.");
  });
});
