import { describe, expect, it } from "vitest";
import { applyBasisPoints, defaultCurrencyFor, formatHundredths, parseHundredths, percentChange } from "./money";

describe("money", () => {
  it.each([["12.3", 1230], ["0.05", 5], ["-1.5", -150], ["7", 700], ["1.999", null], ["1e3", null], ["", null]] as const)(
    "reads %s as %s hundredths", (text, expected) => expect(parseHundredths(text)).toBe(expected),
  );

  it("writes hundredths back with two decimals, signs included", () => {
    expect([formatHundredths(1230), formatHundredths(-5), formatHundredths(0)]).toEqual(["12.30", "-0.05", "0.00"]);
  });

  it("rounds basis points half away from zero", () => {
    expect([applyBasisPoints(5997, 1900), applyBasisPoints(50, 1000), applyBasisPoints(-50, 1000)]).toEqual([1139, 5, -5]);
  });

  it.each([[120, 100, "+20%", "increase"], [80, 100, "-20%", "decrease"], [0, 0, "±0%", "unchanged"], [5, 0, "new", "increase"]] as const)(
    "describes %s against %s as %s", (now, before, text, direction) => expect(percentChange(now, before)).toEqual({ text, direction }),
  );

  it("picks the shopping currency by country", () => {
    expect([defaultCurrencyFor("DE"), defaultCurrencyFor("GB"), defaultCurrencyFor("JP")]).toEqual(["EUR", "GBP", "USD"]);
  });
});
