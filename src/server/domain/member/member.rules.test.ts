import { describe, expect, it } from "vitest";
import { diffProfile, normalizeProfilePatch, validateProfilePatch } from "./member.rules";

describe("validateProfilePatch", () => {
  it("checks only the fields sent", () => {
    expect(validateProfilePatch(normalizeProfilePatch({ phone: "call me" }))).toEqual([expect.objectContaining({ field: "phone", code: "INVALID" })]);
    expect(validateProfilePatch(normalizeProfilePatch({ firstName: "Helena", country: "at" }))).toEqual([]);
  });
});

describe("diffProfile", () => {
  it("lists only fields whose value changes", () => {
    const current = { firstName: "Ana", lastName: "Silva", country: "PT", phone: "+351211234567", preferredLeg: "LEFT" };
    expect(diffProfile(current, { firstName: "Ana", country: "ES", preferredLeg: "RIGHT" })).toEqual([
      { field: "country", oldValue: "PT", newValue: "ES" },
      { field: "preferredLeg", oldValue: "LEFT", newValue: "RIGHT" },
    ]);
  });
});
