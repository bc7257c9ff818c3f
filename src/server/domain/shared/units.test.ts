import { describe, expect, it } from "vitest";
import { fromMinor, isUnit, refundedShare, toMinor, unitScale } from "./units";

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

describe("refunds take back what the order earned", () => {
  it.each([
    [999, 0, 10000, 10000, 999],
    [999, 0, 5000, 10000, 499],
    [999, 499, 10000, 10000, 500],
    [999, 499, 7500, 10000, 250],
    [999, 0, 0, 10000, 0],
  ])("lot %i, %i taken before, %i of %i refunded: %i", (amount, before, refunded, total, expected) => {
    expect(refundedShare(amount, before, refunded, total)).toBe(expected);
  });
});

describe("refundedShare: what points paid comes back with refunds", () => {
  // An order of 100.00 of which points paid 30.00 (3,000 points).
  it.each([
    ["a quarter refunded: a quarter of the points", 3000, 0, 2500, 10000, 750],
    ["then half in all: another quarter", 3000, 750, 5000, 10000, 750],
    ["rounded down until the end", 3000, 0, 3333, 10000, 999],
    ["the last refund takes what is left", 3000, 999, 10000, 10000, 2001],
    ["nothing paid with points: nothing back", 0, 0, 5000, 10000, 0],
  ])("%s", (_n, paid, before, refunded, total, expected) => expect(refundedShare(paid, before, refunded, total)).toBe(expected));

  it("never gives back more than was paid, whatever the refunds", () => {
    let back = 0;
    let refunded = 0;
    for (const step of [1, 7, 333, 1000, 2659, 6000]) {
      refunded = Math.min(10000, refunded + step);
      back += refundedShare(2999, back, refunded, 10000);
      expect(back).toBeLessThanOrEqual(2999);
    }
    expect([refunded, back]).toEqual([10000, 2999]);
  });
});
