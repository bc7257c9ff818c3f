import { describe, expect, it } from "vitest";
import { validateAdjustment, validateProduct, type ProductInput } from "./catalog.rules";

const complete: ProductInput = {
  sku: " vit-c-500 ", name: "Vitamin C 500", category: "Supplements", pv: "25", bv: "20.5",
  prices: [{ currency: "usd", amount: "19.99" }, { currency: "EUR", amount: "18.50" }],
};

const codes = (input: ProductInput, partial = false) => validateProduct(input, partial).errors.map((e) => `${e.field}:${e.code}`);

describe("validateProduct", () => {
  it("normalizes a complete product: SKU and currencies upper-case, money and volume in hundredths, defaults filled", () => {
    const { data, errors } = validateProduct(complete, false);
    expect(errors).toEqual([]);
    expect(data).toEqual({
      sku: "VIT-C-500", name: "Vitamin C 500", category: "Supplements", labels: [], description: "", imageUrl: null,
      pv: 2500, bv: 2050, active: true, prices: [{ currency: "USD", amount: 1999 }, { currency: "EUR", amount: 1850 }],
    });
  });

  it("normalizes labels for loyalty rules: lower case, each once; refuses what is not a label", () => {
    expect(validateProduct({ labels: ["New", " new ", "gift-card"] }, true)).toEqual({ data: { labels: ["new", "gift-card"] }, errors: [] });
    expect(codes({ ...complete, labels: ["two words"] })).toEqual(["labels:INVALID"]);
  });

  it("requires SKU, name, category and prices when creating", () => {
    expect(codes({})).toEqual(["sku:REQUIRED", "name:REQUIRED", "category:REQUIRED", "prices:REQUIRED"]);
  });

  it("checks only the fields given when updating", () => {
    const { data, errors } = validateProduct({ name: "Vitamin C 1000" }, true);
    expect(errors).toEqual([]);
    expect(data).toEqual({ name: "Vitamin C 1000" });
  });

  it.each([
    [{ sku: "a b" }, "sku:INVALID"],
    [{ name: "x".repeat(121) }, "name:TOO_LONG"],
    [{ imageUrl: "ftp://x" }, "imageUrl:INVALID"],
    [{ pv: "-1" }, "pv:INVALID"],
    [{ bv: "1.234" }, "bv:INVALID"],
    [{ prices: [{ currency: "US", amount: "1" }] }, "prices.0.currency:INVALID"],
    [{ prices: [{ currency: "USD", amount: "1" }, { currency: "usd", amount: "2" }] }, "prices.1.currency:INVALID"],
    [{ prices: [{ currency: "USD", amount: "cheap" }] }, "prices.0.amount:INVALID"],
  ] as [ProductInput, string][])("refuses %j with %s", (patch, expected) => {
    expect(codes(patch, true)).toEqual([expected]);
  });
});

describe("validateAdjustment", () => {
  it("wants a whole, non-zero delta and a reason", () => {
    expect(validateAdjustment(5, "Delivery from supplier")).toEqual([]);
    expect(validateAdjustment(-3, "Damaged")).toEqual([]);
    expect(validateAdjustment(0, "").map((e) => `${e.field}:${e.code}`)).toEqual(["delta:INVALID", "reason:REQUIRED"]);
    expect(validateAdjustment(1.5, "x".repeat(201)).map((e) => `${e.field}:${e.code}`)).toEqual(["delta:INVALID", "reason:TOO_LONG"]);
  });
});
