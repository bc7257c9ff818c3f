import { z } from "zod";
import { applyBasisPoints } from "@/lib/money";
import type { CatalogEntry } from "@/server/domain/catalog/catalog.types";
import type { FieldError } from "@/server/domain/shared/input.errors";
import { OrderErrorCode } from "./order.errors";

export type OrderStatusName = "PENDING" | "PAID" | "SHIPPED" | "DELIVERED" | "CANCELLED" | "REFUNDED";
export type OrderAction = "PAY" | "SHIP" | "DELIVER" | "CANCEL" | "REFUND";

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  region?: string | null;
  country: string;
}

export interface OrderRequest {
  lines: { productId: number; quantity: number }[];
  currency: string;
  shippingAddress: ShippingAddress;
  idempotencyKey: string;
  /** Points to pay part of the order with (the programme's checkout point type); none when 0 or absent. */
  points?: number | null;
}

export const MAX_LINES = 100;
export const MAX_QUANTITY = 999;

/** Tax per shipping country in basis points (1900 = 19 %); countries not listed pay none. */
export const taxRatesSchema = z.record(z.string().regex(/^[A-Z]{2}$/), z.number().int().min(0).max(10_000));
export type TaxRates = z.infer<typeof taxRatesSchema>;

/**
 * Checks and normalises an order request. Lines for one product are merged, so an
 * order holds each product once.
 */
export function normalizeOrderRequest(input: OrderRequest): { request: OrderRequest; errors: FieldError<OrderErrorCode>[] } {
  const errors: FieldError<OrderErrorCode>[] = [];
  const currency = input.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.push({ field: "currency", code: OrderErrorCode.INVALID, message: "A three-letter ISO 4217 code." });
  const key = input.idempotencyKey.trim();
  if (!key) errors.push({ field: "idempotencyKey", code: OrderErrorCode.REQUIRED, message: "Send a key that is unique per order you mean to place." });
  else if (key.length > 100) errors.push({ field: "idempotencyKey", code: OrderErrorCode.TOO_LONG, message: "At most 100 characters." });

  if (input.lines.length === 0) errors.push({ field: "lines", code: OrderErrorCode.REQUIRED, message: "An order needs at least one line." });
  if (input.lines.length > MAX_LINES) errors.push({ field: "lines", code: OrderErrorCode.INVALID, message: `At most ${MAX_LINES} lines.` });
  const merged = new Map<number, number>();
  input.lines.forEach((line, i) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      errors.push({ field: `lines.${i}.quantity`, code: OrderErrorCode.INVALID, message: `A whole number from 1 to ${MAX_QUANTITY}.` });
      return;
    }
    merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  });
  for (const [productId, quantity] of merged) {
    if (quantity > MAX_QUANTITY) {
      const i = input.lines.findIndex((l) => l.productId === productId);
      errors.push({ field: `lines.${i}.quantity`, code: OrderErrorCode.INVALID, message: `At most ${MAX_QUANTITY} of one product.` });
    }
  }

  const a = input.shippingAddress;
  const address: ShippingAddress = {
    name: a.name?.trim() ?? "",
    line1: a.line1?.trim() ?? "",
    line2: a.line2?.trim() || null,
    city: a.city?.trim() ?? "",
    postalCode: a.postalCode?.trim() ?? "",
    region: a.region?.trim() || null,
    country: a.country?.trim().toUpperCase() ?? "",
  };
  for (const field of ["name", "line1", "city", "postalCode"] as const) {
    if (!address[field]) errors.push({ field: `shippingAddress.${field}`, code: OrderErrorCode.REQUIRED, message: "Required for delivery." });
    else if (address[field].length > 200) errors.push({ field: `shippingAddress.${field}`, code: OrderErrorCode.TOO_LONG, message: "At most 200 characters." });
  }
  if (!/^[A-Z]{2}$/.test(address.country)) errors.push({ field: "shippingAddress.country", code: OrderErrorCode.INVALID, message: "A two-letter ISO 3166 code." });

  const points = input.points ?? 0;
  if (!Number.isSafeInteger(points) || points < 0) errors.push({ field: "points", code: OrderErrorCode.INVALID, message: "A whole number of points." });

  const lines = [...merged].map(([productId, quantity]) => ({ productId, quantity })).sort((x, y) => x.productId - y.productId);
  return { request: { lines, currency, shippingAddress: address, idempotencyKey: key, points: points > 0 ? points : null }, errors };
}

/** What must match for a retried placeOrder to count as the same order (points only when used, so older orders keep their fingerprint). */
export function requestFingerprint(memberId: number, customerId: number | null, r: OrderRequest): string {
  return JSON.stringify([memberId, customerId, r.currency, r.lines.map((l) => [l.productId, l.quantity]), r.shippingAddress, ...(r.points ? [r.points] : [])]);
}

export interface PricedLine {
  productId: number;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  unitPv: number;
  unitBv: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  subtotal: number;
  tax: number;
  total: number;
  pv: number;
  bv: number;
}

/** Prices the lines in one currency from the catalog as it is now; all in hundredths. */
export function priceOrder(
  request: OrderRequest,
  catalog: ReadonlyMap<number, CatalogEntry>,
  taxBasisPoints: number,
  fieldOf: (productId: number) => string,
): { order: PricedOrder | null; errors: FieldError<OrderErrorCode>[] } {
  const errors: FieldError<OrderErrorCode>[] = [];
  const lines: PricedLine[] = [];
  for (const line of request.lines) {
    const product = catalog.get(line.productId);
    const field = fieldOf(line.productId);
    if (!product) {
      errors.push({ field, code: OrderErrorCode.PRODUCT_NOT_FOUND, message: "No such product." });
      continue;
    }
    if (!product.active) {
      errors.push({ field, code: OrderErrorCode.PRODUCT_INACTIVE, message: `${product.name} is no longer sold.` });
      continue;
    }
    const unitPrice = product.prices[request.currency];
    if (unitPrice == null) {
      errors.push({ field, code: OrderErrorCode.PRICE_MISSING, message: `${product.name} has no price in ${request.currency}.` });
      continue;
    }
    lines.push({ productId: product.id, sku: product.sku, name: product.name, quantity: line.quantity, unitPrice, unitPv: product.pv, unitBv: product.bv });
  }
  if (errors.length > 0) return { order: null, errors };
  const subtotal = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const tax = applyBasisPoints(subtotal, taxBasisPoints);
  return {
    order: {
      lines,
      subtotal,
      tax,
      total: subtotal + tax,
      pv: lines.reduce((s, l) => s + l.unitPv * l.quantity, 0),
      bv: lines.reduce((s, l) => s + l.unitBv * l.quantity, 0),
    },
    errors,
  };
}

/**
 * Which status an action leads to from `from`, or null when it is not allowed:
 * 1. pay: pending → paid
 * 2. ship: paid → shipped; deliver: shipped → delivered
 * 3. cancel: pending or paid (not yet shipped) → cancelled
 * 4. refund: paid, shipped or delivered; the status becomes refunded only when nothing is left
 *    (the caller decides that), so here it stays where it is.
 */
export function nextStatus(from: OrderStatusName, action: OrderAction): OrderStatusName | null {
  switch (action) {
    case "PAY":
      return from === "PENDING" ? "PAID" : null;
    case "SHIP":
      return from === "PAID" ? "SHIPPED" : null;
    case "DELIVER":
      return from === "SHIPPED" ? "DELIVERED" : null;
    case "CANCEL":
      return from === "PENDING" || from === "PAID" ? "CANCELLED" : null;
    case "REFUND":
      return from === "PAID" || from === "SHIPPED" || from === "DELIVERED" ? from : null;
  }
}

export interface OrderLineState {
  id: number;
  quantity: number;
  refundedQuantity: number;
  unitPrice: number;
  unitPv: number;
  unitBv: number;
}

export interface RefundPlan {
  lines: { id: number; quantity: number }[];
  amount: number;
  pv: number;
  bv: number;
  /** Nothing is left to refund afterwards. */
  complete: boolean;
}

/**
 * What a refund gives back: the named lines and quantities, or everything not yet
 * refunded. Tax goes back in proportion; the last refund takes whatever is left, so
 * the refunds of an order always add up to its total exactly.
 */
export function planRefund(
  order: { subtotal: number; tax: number; total: number; refundedTotal: number; lines: OrderLineState[] },
  requested: { lineId: number; quantity: number }[] | null,
): { plan: RefundPlan | null; errors: FieldError<OrderErrorCode>[] } {
  const errors: FieldError<OrderErrorCode>[] = [];
  const want = new Map<number, number>();
  if (requested == null) {
    for (const l of order.lines) if (l.quantity > l.refundedQuantity) want.set(l.id, l.quantity - l.refundedQuantity);
  } else {
    requested.forEach((r, i) => {
      const line = order.lines.find((l) => l.id === r.lineId);
      const left = line ? line.quantity - line.refundedQuantity - (want.get(r.lineId) ?? 0) : 0;
      if (!line) errors.push({ field: `lines.${i}.lineId`, code: OrderErrorCode.NOT_FOUND, message: "This order has no such line." });
      else if (!Number.isSafeInteger(r.quantity) || r.quantity < 1 || r.quantity > left) {
        errors.push({ field: `lines.${i}.quantity`, code: OrderErrorCode.INVALID, message: `Between 1 and ${left}, the units not yet refunded.` });
      } else want.set(r.lineId, (want.get(r.lineId) ?? 0) + r.quantity);
    });
  }
  if (errors.length > 0) return { plan: null, errors };
  if (want.size === 0) return { plan: null, errors: [{ field: "orderId", code: OrderErrorCode.NOTHING_TO_REFUND, message: "Everything in this order has been refunded." }] };

  const lines = [...want].map(([id, quantity]) => ({ id, quantity }));
  const byId = new Map(order.lines.map((l) => [l.id, l]));
  let goods = 0;
  let pv = 0;
  let bv = 0;
  for (const l of lines) {
    const line = byId.get(l.id)!;
    goods += line.unitPrice * l.quantity;
    pv += line.unitPv * l.quantity;
    bv += line.unitBv * l.quantity;
  }
  const complete = order.lines.every((l) => l.quantity - l.refundedQuantity === (want.get(l.id) ?? 0));
  const proportionalTax = order.subtotal === 0 ? 0 : Math.round((order.tax * goods) / order.subtotal);
  const amount = complete ? order.total - order.refundedTotal : Math.min(goods + proportionalTax, order.total - order.refundedTotal);
  return { plan: { lines, amount, pv, bv, complete }, errors };
}
