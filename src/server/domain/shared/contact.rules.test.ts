import { describe, expect, it } from "vitest";
import { checkCountry, checkEmail, checkName, checkPhone, normalizeEmail, normalizePhone } from "./contact.rules";
import type { CommonErrorCode, FieldError } from "./input.errors";

const run = (check: (out: FieldError<CommonErrorCode>[]) => void) => {
  const out: FieldError<CommonErrorCode>[] = [];
  check(out);
  return out.map((e) => `${e.field}:${e.code}`);
};

describe("contact rules", () => {
  it.each([
    ["ana@example.com", []],
    ["ana@mail.example.co.uk", []],
    ["ana@example", ["email:INVALID"]],
    ["ana@@example.com", ["email:INVALID"]],
    ["ana @example.com", ["email:INVALID"]],
    [`${"a".repeat(250)}@x.io`, ["email:TOO_LONG"]],
    ["", ["email:REQUIRED"]],
  ])("checks the e-mail %j", (email, expected) => {
    expect(run((out) => checkEmail(email, out))).toEqual(expected);
  });

  it("lets an optional e-mail or phone be empty, under its own field name", () => {
    expect(run((out) => checkEmail("", out, { required: false }))).toEqual([]);
    expect(run((out) => checkPhone("", out, { required: false }))).toEqual([]);
    expect(run((out) => checkEmail("nope", out, { field: "customer.email", required: false }))).toEqual(["customer.email:INVALID"]);
  });

  it.each([
    ["+49301234567", []],
    ["0301234567", ["phone:INVALID"]],
    ["+0301234567", ["phone:INVALID"]],
    ["", ["phone:REQUIRED"]],
  ])("checks the phone %j", (phone, expected) => {
    expect(run((out) => checkPhone(phone, out))).toEqual(expected);
  });

  it("checks names and countries", () => {
    expect(run((out) => checkName("firstName", "Zoë-Ann O'Neil", "First name", out))).toEqual([]);
    expect(run((out) => checkName("firstName", "R2D2", "First name", out))).toEqual(["firstName:INVALID"]);
    expect(run((out) => checkCountry("DE", out))).toEqual([]);
    expect(run((out) => checkCountry("ZZ", out))).toEqual(["country:INVALID"]);
  });

  it("normalizes e-mails and phones", () => {
    expect(normalizeEmail("  Ana@Example.COM ")).toBe("ana@example.com");
    expect(normalizePhone("0049 (30) 123-4567")).toBe("+49301234567");
  });
});
