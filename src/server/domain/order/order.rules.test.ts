import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "@/server/domain/catalog/catalog.types";
import { nextStatus, normalizeOrderRequest, planRefund, priceOrder } from "./order.rules";

const address = { name: "Mia Schmidt", line1: "Hauptstr. 1", city: "Berlin", postalCode: "10115", country: "de" };
const catalog = new Map<number, CatalogEntry>([
  [1, { id: 1, sku: "VIT-C", name: "Vitamin C", active: true, pv: 2500, bv: 2000, prices: { EUR: 1999, USD: 2199 } }],
  [2, { id: 2, sku: "OLD", name: "Old tea", active: false, pv: 100, bv: 100, prices: { EUR: 500 } }],
  [3, { id: 3, sku: "SOAP", name: "Soap", active: true, pv: 300, bv: 250, prices: { USD: 450 } }],
]);

describe("normalizeOrderRequest", () => {
  it("merges lines for one product and upper-cases codes", () => {
    const { request, errors } = normalizeOrderRequest({
      lines: [{ productId: 3, quantity: 1 }, { productId: 1, quantity: 2 }, { productId: 3, quantity: 4 }],
      currency: "usd", shippingAddress: address, idempotencyKey: " k1 ",
    });
    expect(errors).toEqual([]);
    expect(request.lines).toEqual([{ productId: 1, quantity: 2 }, { productId: 3, quantity: 5 }]);
    expect(request.currency).toBe("USD");
    expect(request.shippingAddress.country).toBe("DE");
    expect(request.idempotencyKey).toBe("k1");
  });

  it("names every bad field", () => {
    const { errors } = normalizeOrderRequest({
      lines: [{ productId: 1, quantity: 0 }],
      currency: "EURO", shippingAddress: { ...address, city: " ", country: "Germany" }, idempotencyKey: "",
    });
    expect(errors.map((e) => `${e.field}:${e.code}`).sort()).toEqual([
      "currency:INVALID", "idempotencyKey:REQUIRED", "lines.0.quantity:INVALID", "shippingAddress.city:REQUIRED", "shippingAddress.country:INVALID",
    ]);
  });
});

describe("priceOrder", () => {
  const field = (id: number) => `product ${id}`;

  it("totals price, tax, PV and BV in hundredths", () => {
    const { order } = priceOrder({ lines: [{ productId: 1, quantity: 3 }], currency: "EUR", shippingAddress: address, idempotencyKey: "k" }, catalog, 1900, field);
    expect(order).toMatchObject({ subtotal: 5997, tax: 1139, total: 7136, pv: 7500, bv: 6000 });
  });

  it("refuses inactive products and missing prices", () => {
    const { order, errors } = priceOrder({ lines: [{ productId: 2, quantity: 1 }, { productId: 3, quantity: 1 }, { productId: 9, quantity: 1 }], currency: "EUR", shippingAddress: address, idempotencyKey: "k" }, catalog, 0, field);
    expect(order).toBeNull();
    expect(errors.map((e) => e.code)).toEqual(["PRODUCT_INACTIVE", "PRICE_MISSING", "PRODUCT_NOT_FOUND"]);
  });
});

describe("nextStatus", () => {
  it.each([
    ["PENDING", "PAY", "PAID"], ["PAID", "PAY", null], ["PAID", "SHIP", "SHIPPED"],
    ["PENDING", "SHIP", null], ["SHIPPED", "DELIVER", "DELIVERED"], ["PENDING", "CANCEL", "CANCELLED"],
    ["PAID", "CANCEL", "CANCELLED"], ["SHIPPED", "CANCEL", null], ["PENDING", "REFUND", null], ["DELIVERED", "REFUND", "DELIVERED"],
    ["CANCELLED", "REFUND", null], ["REFUNDED", "CANCEL", null],
  ] as const)("%s + %s → %s", (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });
});

describe("planRefund", () => {
  const order = {
    subtotal: 3000, tax: 333, total: 3333, refundedTotal: 0,
    lines: [
      { id: 10, quantity: 2, refundedQuantity: 0, unitPrice: 1000, unitPv: 500, unitBv: 400 },
      { id: 11, quantity: 1, refundedQuantity: 0, unitPrice: 1000, unitPv: 100, unitBv: 100 },
    ],
  };

  it("refunds one unit with its share of tax", () => {
    const { plan } = planRefund(order, [{ lineId: 10, quantity: 1 }]);
    expect(plan).toEqual({ lines: [{ id: 10, quantity: 1 }], amount: 1111, pv: 500, bv: 400, complete: false });
  });

  it("gives the last refund exactly what is left, so refunds add up to the total", () => {
    const after = { ...order, refundedTotal: 1111, lines: [{ ...order.lines[0]!, refundedQuantity: 1 }, order.lines[1]!] };
    const { plan } = planRefund(after, null);
    expect(plan).toMatchObject({ amount: 2222, pv: 600, complete: true });
  });

  it("refuses more units than are left and a refund of nothing", () => {
    expect(planRefund(order, [{ lineId: 11, quantity: 2 }]).errors[0]).toMatchObject({ field: "lines.0.quantity", code: "INVALID" });
    const done = { ...order, lines: order.lines.map((l) => ({ ...l, refundedQuantity: l.quantity })) };
    expect(planRefund(done, null).errors[0]).toMatchObject({ code: "NOTHING_TO_REFUND" });
  });
});
