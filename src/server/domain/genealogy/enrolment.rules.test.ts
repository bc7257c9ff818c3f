import { describe, expect, it } from "vitest";
import { normalizeRegistration, referralCodeFromBytes, validateRegistration, type RegistrationInput } from "./enrolment.rules";

const valid: RegistrationInput = {
  email: "ana@example.com", password: "lantern-river-7", firstName: "Ana", lastName: "O'Neil-Pérez",
  country: "PT", phone: "+351 21 123 4567", sponsorCode: "ABCD2345",
};

describe("validateRegistration", () => {
  it("accepts a well-formed registration", () => {
    expect(validateRegistration(normalizeRegistration(valid))).toEqual([]);
  });

  it.each([
    ["email", "ana@", "INVALID"],
    ["email", "", "REQUIRED"],
    ["password", "anabelle1", "WEAK_PASSWORD"],
    ["password", "", "REQUIRED"],
    ["firstName", "A1", "INVALID"],
    ["lastName", "x".repeat(61), "TOO_LONG"],
    ["country", "XX", "INVALID"],
    ["country", "PRT", "INVALID"],
    ["phone", "0211234567", "INVALID"],
    ["sponsorCode", "", "REQUIRED"],
    ["sponsorCode", "no code", "SPONSOR_NOT_FOUND"],
  ] as const)("refuses %s %j with %s", (field, value, code) => {
    const errors = validateRegistration(normalizeRegistration({ ...valid, [field]: value }));
    expect(errors).toEqual([expect.objectContaining({ field, code })]);
  });
});

describe("normalizeRegistration", () => {
  it("lower-cases e-mails, strips phone spacing and upper-cases codes", () => {
    const n = normalizeRegistration({ ...valid, email: " Ana@Example.COM ", phone: "0049 (30) 123-4567", sponsorCode: "abcd2345", country: "pt" });
    expect([n.email, n.phone, n.sponsorCode, n.country]).toEqual(["ana@example.com", "+49301234567", "ABCD2345", "PT"]);
  });
});

describe("referralCodeFromBytes", () => {
  it("makes an 8-character code without look-alike characters", () => {
    const code = referralCodeFromBytes(new Uint8Array([0, 1, 8, 14, 31, 32, 200, 255]));
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
  });
});
