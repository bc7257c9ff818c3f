import { describe, expect, it } from "vitest";
import { birthDateProblem, diffProfile, normalizeProfilePatch, validateProfilePatch } from "./member.rules";

const TODAY = "2026-11-23";

describe("validateProfilePatch", () => {
  it("checks only the fields sent", () => {
    expect(validateProfilePatch(normalizeProfilePatch({ phone: "call me" }), TODAY)).toEqual([expect.objectContaining({ field: "phone", code: "INVALID" })]);
    expect(validateProfilePatch(normalizeProfilePatch({ firstName: "Helena", country: "at" }), TODAY)).toEqual([]);
    expect(validateProfilePatch(normalizeProfilePatch({ birthDate: "" }), TODAY)).toEqual([]); // takes it away
  });

  it("takes a birth date that is a real day, after 1900, of someone at least 16", () => {
    expect(birthDateProblem("1990-02-28", TODAY)).toBeNull();
    expect(birthDateProblem("2010-11-23", TODAY)).toBeNull(); // 16 today
    expect(birthDateProblem("2010-11-24", TODAY)).toMatch(/at least 16/);
    for (const bad of ["1990-02-30", "1990-2-3", "23.11.1990", "1899-12-31", "2026-11-23T00:00:00Z"]) expect(birthDateProblem(bad, TODAY), bad).not.toBeNull();
  });
});

describe("diffProfile", () => {
  it("lists only fields whose value changes", () => {
    const current = { firstName: "Ana", lastName: "Silva", country: "PT", phone: "+351211234567", preferredLeg: "LEFT", birthDate: "" };
    expect(diffProfile(current, { firstName: "Ana", country: "ES", preferredLeg: "RIGHT" })).toEqual([
      { field: "country", oldValue: "PT", newValue: "ES" },
      { field: "preferredLeg", oldValue: "LEFT", newValue: "RIGHT" },
    ]);
  });
});
