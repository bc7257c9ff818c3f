import { describe, expect, it } from "vitest";
import { fromMinor, isUnit, toMinor, unitScale } from "./units";

describe("units", () => {
  it("knows each currency's decimals and counts points whole", () => {
    expect([unitScale("USD"), unitScale("JPY"), unitScale("KWD"), unitScale("POINTS")]).toEqual([2, 0, 3, 0]);
    expect([isUnit("EUR"), isUnit("POINTS"), isUnit("eur"), isUnit("X")]).toEqual([true, true, false, false]);
  });

  it.each([
    ["12.3", "USD", 1230],
    ["0.01", "USD", 1],
    ["-4.50", "EUR", -450],
    ["1500", "JPY", 1500],
    ["1.234", "KWD", 1234],
    ["250", "POINTS", 250],
  ])("reads %s %s as %i minor units, and back", (text, unit, minor) => {
    expect(toMinor(text, unit)).toBe(minor);
    expect(toMinor(fromMinor(minor, unit), unit)).toBe(minor);
  });

  it.each([["1.234", "USD"], ["1.5", "JPY"], ["abc", "USD"], ["1e3", "USD"], ["12.5", "POINTS"]])("refuses %s %s", (text, unit) => {
    expect(toMinor(text, unit)).toBeNull();
  });

  it("formats with the unit's decimals", () => {
    expect([fromMinor(1230, "USD"), fromMinor(-5, "USD"), fromMinor(1500, "JPY"), fromMinor(7, "POINTS")]).toEqual(["12.30", "-0.05", "1500", "7"]);
  });
});
