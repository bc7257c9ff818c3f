import { describe, expect, it } from "vitest";
import { passwordWeakness } from "./password.rules";

describe("passwordWeakness", () => {
  it.each([
    ["short7", "too short"],
    ["abcdefghijkl", "one character class"],
    ["password123", "well known"],
    ["anabelle-2024", "contains the e-mail's local part"],
  ])("calls %s weak (%s)", (password) => {
    expect(passwordWeakness(password, "anabelle@example.com")).not.toBeNull();
  });

  it("accepts a long mixed password", () => {
    expect(passwordWeakness("demo-member-123", "ava@demo.test")).toBeNull();
  });
});
