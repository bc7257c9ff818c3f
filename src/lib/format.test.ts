import { describe, expect, it } from "vitest";
import { codeLabel, groupDigits, plural } from "./format";

describe("groupDigits", () => {
  it("groups the whole part by thousands and keeps the decimals and sign as they are", () => {
    expect(groupDigits("24032.09")).toBe("24,032.09");
    expect(groupDigits("-1234567.5")).toBe("-1,234,567.5");
    expect(groupDigits("999")).toBe("999");
    expect(groupDigits("1000")).toBe("1,000");
    expect(groupDigits("0.00")).toBe("0.00");
    expect(groupDigits("12345678901234567890.01")).toBe("12,345,678,901,234,567,890.01"); // no float rounding
    expect(groupDigits("n/a")).toBe("n/a");
  });
});

describe("codeLabel", () => {
  it("reads a bonus type as a phrase", () => {
    expect(["UNILEVEL", "FAST_START", "RANK_ADVANCEMENT"].map(codeLabel)).toEqual(["Unilevel", "Fast start", "Rank advancement"]);
  });
});

describe("plural", () => {
  it("names one thing in the singular and every other count in the plural, grouped", () => {
    expect([plural(1, "item"), plural(0, "item"), plural(2, "item"), plural(1204, "line")]).toEqual(["1 item", "0 items", "2 items", "1,204 lines"]);
    expect(plural(3, "entry", "entries")).toBe("3 entries");
  });
});
