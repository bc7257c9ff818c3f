import { createHash } from "node:crypto";
import { formatHundredths, hundredths } from "@/lib/money";
import { isUniqueViolation, transaction } from "@/server/db/unit-of-work";
import { catalogService } from "@/server/domain/catalog/catalog.service";
import { customerService } from "@/server/domain/customer/customer.service";
import type { CustomerRecord } from "@/server/domain/customer/customer.types";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import { memberService } from "@/server/domain/member/member.service";
import { accessService } from "@/server/domain/access/access.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { forbidden, listScopes, notFound } from "@/server/domain/shared/access";
import { cached } from "@/server/domain/shared/cached";
import { FieldErrors, fieldError, InputError } from "@/server/domain/shared/input.errors";
import { pageSize } from "@/server/domain/shared/page";
import { refundedShare } from "@/server/domain/shared/units";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService, type PostingContext } from "@/server/domain/volume/volume.service";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { publish } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { OrderErrorCode } from "./order.errors";
import { orderRepository } from "./order.repository";
import {
  nextStatus, normalizeOrderRequest, planRefund, priceOrder, requestFingerprint, taxRatesSchema,
  type OrderAction, type OrderRequest, type TaxRates,
} from "./order.rules";
import type { OrderFilter, OrderRecord, PaymentAttemptRecord, StoredRefundPlan } from "./order.types";
import { PaymentDeclined, paymentProvider, type PaymentProvider } from "./payment-providers";

export interface PlaceOrderInput extends OrderRequest {
  memberId?: number | null;
  customerId?: number | null;
}

/** Thrown inside the placing transaction to roll it back when stock is short. */
class OutOfStock extends Error {
  constructor(readonly productIds: number[]) {
    super("out of stock");
  }
}

/** How long a request drives the provider call it claimed; after that a retry may take it over. */
const PAYMENT_LEASE_MS = 60_000;

function refuse(action: OrderAction, order: OrderRecord): never {
  throw fieldError("orderId", OrderErrorCode.INVALID_TRANSITION, `A ${order.status.toLowerCase()} order cannot be ${{
    PAY: "paid", SHIP: "shipped", DELIVER: "delivered", CANCEL: "cancelled", REFUND: "refunded",
  }[action]}.`);
}

const isPaid = (o: OrderRecord) => o.status === "PAID" || o.status === "SHIPPED" || o.status === "DELIVERED";

const inProgress = () =>
  fieldError("orderId", OrderErrorCode.PAYMENT_IN_PROGRESS, "A payment or refund of this order is being processed; try again in a moment.");

/** Line states in hundredths, for the refund rules. */
function lineStates(o: OrderRecord) {
  return o.lines.map((l) => ({
    id: l.id, quantity: l.quantity, refundedQuantity: l.refundedQuantity,
    unitPrice: hundredths(l.unitPrice), unitPv: hundredths(l.unitPv), unitBv: hundredths(l.unitBv),
  }));
}

const taxSetting = cached(async (): Promise<TaxRates> => {
  const parsed = taxRatesSchema.safeParse(await orderRepository.taxRatesSetting());
  return parsed.success ? parsed.data : {};
}, 5_000, "order.taxSetting");

async function announcePlaced(order: OrderRecord, member: { firstName: string; lastName: string }, customer: CustomerRecord | null): Promise<void> {
  publish(Topic.OrderPlaced, {
    id: order.id,
    status: order.status,
    memberId: order.memberId,
    memberName: `${member.firstName} ${member.lastName}`,
    customerName: customer ? `${customer.firstName} ${customer.lastName}` : null,
    country: order.shippingAddress.country,
    currency: order.currency,
    total: order.total,
    pv: order.pv,
    itemCount: order.lines.reduce((n, l) => n + l.quantity, 0),
    placedAt: order.placedAt.toISOString(),
  });
}

// Money moves in three steps, so that a provider is never called inside a database
// transaction and never twice for one request:
//   1. claim: under the order's row lock, write the attempt PENDING with its idempotency key
//      (at most one per order: a concurrent second request gets PAYMENT_IN_PROGRESS);
//   2. call the provider with that key, outside any transaction;
//   3. settle: under the row lock again, record the answer and apply its effects (paid and
//      volume credited; or refunded, stock released and volume reversed), once.
// A request that dies between 1 and 3 leaves the attempt PENDING; once its lease runs out,
// the next payment action on the order drives it to the end with the same key (the
// provider answers as the first time), then does what it was asked.

type Claim<T> = { done: T } | { attempt: PaymentAttemptRecord };

/** Step 1, with the recovery of an abandoned attempt: returns what to drive, or the finished answer. */
async function claimPayment<T>(orderId: number, claim: (locked: OrderRecord) => Promise<Claim<T>>, lean: boolean): Promise<{ done: T } | { attempt: PaymentAttemptRecord; recovered: boolean }> {
  return transaction(async () => {
    const locked = await orderRepository.lock(orderId);
    if (!locked) throw notFound("Order");
    const pending = await orderRepository.pendingPayment(orderId);
    if (pending) {
      if (pending.leaseUntil && pending.leaseUntil.getTime() > Date.now()) throw inProgress();
      await orderRepository.setLease(pending.id, new Date(Date.now() + PAYMENT_LEASE_MS));
      return { attempt: pending, recovered: true };
    }
    const result = await claim(locked);
    return "done" in result ? result : { attempt: result.attempt, recovered: false };
  }, { lean });
}

/** Steps 2 and 3 for one attempt: the provider call, then its effects under the row lock. */
async function drivePayment(attempt: PaymentAttemptRecord): Promise<OrderRecord> {
  const provider = paymentProvider(attempt.provider);
  const at = new Date();
  const posting = await volumeService.prepare(at);
  let reference: string;
  try {
    if (!provider) throw new PaymentDeclined(`The payment provider "${attempt.provider}" is not available.`);
    const request = { orderId: attempt.orderId, amount: attempt.amount, currency: attempt.currency, idempotencyKey: attempt.idempotencyKey };
    // Points paid it all (or all this refund gives back): no money moves, no provider call.
    if (hundredths(attempt.amount) === 0) reference = `points:${attempt.idempotencyKey}`;
    else if (attempt.kind === "CHARGE") ({ reference } = await provider.charge(request));
    else {
      const chargeReference = (await orderRepository.chargeReference(attempt.orderId)) ?? "";
      ({ reference } = await provider.refund({ ...request, chargeReference }));
    }
  } catch (err) {
    if ((err as Error)?.name === "PaymentDeclined") {
      await transaction(async () => {
        await orderRepository.lock(attempt.orderId);
        await orderRepository.settlePayment(attempt.id, { status: "FAILED", failure: (err as Error).message });
      }, { lean: true });
      throw fieldError(attempt.kind === "CHARGE" ? "provider" : "orderId", OrderErrorCode.PAYMENT_FAILED, (err as Error).message);
    }
    // Unknown: the money may or may not have moved. Keep the attempt, free it for a retry with the same key.
    console.error(`[orders] ${attempt.provider} did not confirm ${attempt.idempotencyKey}`, err);
    await orderRepository.setLease(attempt.id, new Date());
    throw fieldError("orderId", OrderErrorCode.PAYMENT_UNCONFIRMED, "The payment provider did not confirm; send the same request again (it will not be charged twice).");
  }
  // A charge writes SQL only (a lean transaction); a refund also releases stock and points.
  return transaction(async () => {
    const locked = (await orderRepository.lock(attempt.orderId))!;
    if (!(await orderRepository.settlePayment(attempt.id, { status: "SUCCEEDED", reference }))) return locked;
    if (attempt.kind === "CHARGE") await applyCharge(locked, attempt, at, posting);
    else await applyRefund(locked, attempt, attempt.plan!, at, posting);
    return orderRepository.reload(attempt.orderId);
  }, { lean: attempt.kind === "CHARGE" });
}

async function applyCharge(order: OrderRecord, attempt: PaymentAttemptRecord, paidAt: Date, posting: PostingContext): Promise<void> {
  await orderRepository.update(order.id, { status: "PAID", paidAt, periodId: posting.period.id });
  // Appended only: points are applied in batches after this commits (no shared rows locked here).
  await loyaltyService.orderPaid(order, paidAt);
  await webhookService.emit("order.paid", `order.paid:${order.id}`, {
    orderId: order.id, memberId: order.memberId, customerId: order.customerId, currency: order.currency, total: order.total, pv: order.pv, bv: order.bv, paidAt,
  });
  // Last, so the upline's rows stay locked for as short a time as possible (until commit).
  await volumeService.credit(posting, {
    memberId: order.memberId, orderId: order.id, pv: hundredths(order.pv), bv: hundredths(order.bv),
    idempotencyKey: `order:${order.id}:paid`,
  });
}

async function applyRefund(order: OrderRecord, attempt: PaymentAttemptRecord, plan: StoredRefundPlan, at: Date, posting: PostingContext): Promise<void> {
  await orderRepository.addRefundedQuantities(plan.lines);
  if (order.status === "PAID") {
    const productOf = new Map(order.lines.map((l) => [l.id, l.productId]));
    await catalogService.release(order.warehouseId, plan.lines.map((l) => ({ productId: productOf.get(l.id)!, quantity: l.quantity })));
  }
  const refunded = hundredths(order.refundedTotal) + (plan.value ?? plan.amount);
  await orderRepository.update(order.id, {
    refundedTotal: refunded,
    ...(plan.points ? { pointsReturned: order.pointsReturned + plan.points, pointsValueReturned: hundredths(order.pointsValueReturned) + (plan.pointsValue ?? 0) } : {}),
    ...(plan.action === "CANCEL" ? { status: "CANCELLED", cancelledAt: at } : plan.complete ? { status: "REFUNDED" } : {}),
  });
  if (plan.points) {
    await loyaltyService.returnFromCheckout({ memberId: order.memberId, customerId: order.customerId, orderId: order.id, pointType: order.pointsType!, points: plan.points, key: `refund:${attempt.sequence}` }, at);
  }
  await loyaltyService.orderRefunded(order, { sequence: attempt.sequence, refunded, total: hundredths(order.total) }, at);
  await webhookService.emit("order.refunded", `order.refunded:${order.id}:${attempt.sequence}`, {
    orderId: order.id, memberId: order.memberId, currency: order.currency, amount: formatHundredths(plan.amount), points: plan.points ?? 0,
    cancelled: plan.action === "CANCEL", complete: plan.complete, at,
  });
  await volumeService.reverse(posting, {
    memberId: order.memberId, orderId: order.id, pv: plan.pv, bv: plan.bv, creditedPeriodId: order.periodId!,
    reason: plan.action === "CANCEL" ? "ORDER_CANCELLED" : "ORDER_REFUNDED", idempotencyKey: `order:${order.id}:refund:${attempt.sequence}`,
  });
}

/** Runs a payment action: finishes an abandoned attempt first if there is one, then claims and drives its own. */
async function moveMoney(orderId: number, claim: (locked: OrderRecord) => Promise<Claim<OrderRecord>>, lean = false): Promise<OrderRecord> {
  for (let round = 0; round < 3; round++) {
    const claimed = await claimPayment(orderId, claim, lean);
    if ("done" in claimed) return claimed.done;
    const result = await drivePayment(claimed.attempt);
    if (!claimed.recovered) return result;
  }
  throw inProgress();
}

/** The buyer, or who placed it (for a customer); never an API key. */
function isOwnOrder(viewer: Viewer, order: OrderRecord): boolean {
  return viewer.apiKeyId == null && (order.memberId === viewer.id || order.placedById === viewer.id);
}

/** orders.write covering the order's member. */
async function requireOrderPermission(viewer: Viewer, orderId: number, what: string): Promise<void> {
  const order = await orderRepository.findById(orderId);
  if (!order) throw notFound("Order");
  await accessService.requireFor(viewer, order.memberId, "orders.write", what);
}

/**
 * Cancel or refund, under the row lock: a pending order just cancels; a paid one claims a
 * refund (only when `mayRefund`: buyers cancel pending orders only, and an order found
 * paid after an unconfirmed charge is finished stays paid for them).
 */
async function giveBack(orderId: number, lines: { lineId: number; quantity: number }[] | null, action: "CANCEL" | "REFUND", mayRefund: boolean): Promise<OrderRecord> {
  return moveMoney(orderId, async (locked) => {
    if (action === "CANCEL" && locked.status === "CANCELLED") return { done: locked };
    if (!nextStatus(locked.status, action)) refuse(action, locked);
    if (locked.status !== "PENDING" && !mayRefund) throw forbidden("cancelling a paid order (ask the company for a refund)");
    if (locked.status === "PENDING") {
      const at = new Date();
      await catalogService.release(locked.warehouseId, locked.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })));
      const points = locked.pointsRedeemed - locked.pointsReturned;
      await orderRepository.update(locked.id, {
        status: "CANCELLED", cancelledAt: at, ...(points > 0 ? { pointsReturned: locked.pointsRedeemed, pointsValueReturned: hundredths(locked.pointsValue) } : {}),
      });
      if (points > 0) await loyaltyService.returnFromCheckout({ memberId: locked.memberId, customerId: locked.customerId, orderId: locked.id, pointType: locked.pointsType!, points, key: "cancel" }, at);
      return { done: await orderRepository.reload(locked.id) };
    }
    const money = {
      subtotal: hundredths(locked.subtotal), tax: hundredths(locked.tax), total: hundredths(locked.total), refundedTotal: hundredths(locked.refundedTotal),
    };
    const { plan, errors } = planRefund({ ...money, lines: lineStates(locked) }, lines);
    if (!plan) throw new InputError(errors);
    // What points paid comes back as points in the refunded share; the rest is money.
    const refunded = money.refundedTotal + plan.amount;
    const points = refundedShare(locked.pointsRedeemed, locked.pointsReturned, refunded, money.total);
    const pointsValue = refundedShare(hundredths(locked.pointsValue), hundredths(locked.pointsValueReturned), refunded, money.total);
    const charge = locked.payments.find((p) => p.kind === "CHARGE");
    if (!charge || !paymentProvider(charge.provider)) {
      throw fieldError("orderId", OrderErrorCode.PAYMENT_PROVIDER, `The provider "${charge?.provider ?? "?"}" is not available for refunds.`);
    }
    const sequence = (await orderRepository.attemptCount(locked.id, "REFUND")) + 1;
    const attempt = await orderRepository.beginPayment({
      orderId: locked.id, kind: "REFUND", provider: charge.provider, amount: plan.amount - pointsValue, currency: locked.currency,
      idempotencyKey: `order:${locked.id}:refund:${sequence}`, leaseUntil: new Date(Date.now() + PAYMENT_LEASE_MS),
      plan: { action, ...plan, amount: plan.amount - pointsValue, value: plan.amount, points, pointsValue },
    });
    return { attempt };
  });
}

export const orderService = {
  /** The member's orders with their lines and payments, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return orderRepository.personalData(memberId);
  },

  /** Erasure (inside the caller's transaction): shipping addresses go, amounts and volume stay. */
  eraseAddresses(memberId: number): Promise<number> {
    return orderRepository.eraseAddresses(memberId);
  },

  /**
   * Places an order for the viewer, one of the viewer's customers, or (admins) anyone.
   * Reserves stock for every line or fails with OUT_OF_STOCK; the same idempotency key
   * sent again returns the first order. Volume moves when the order is paid.
   */
  async place(viewer: Viewer, input: PlaceOrderInput): Promise<OrderRecord> {
    const { request, errors: requestErrors } = normalizeOrderRequest(input);
    const errors = new FieldErrors<OrderErrorCode>().addAll(requestErrors);
    let memberId = input.memberId ?? viewer.id;
    let customer: CustomerRecord | null = null;
    if (input.customerId != null) {
      customer = await customerService.findForSale(viewer, input.customerId);
      if (!customer) errors.add("customerId", OrderErrorCode.CUSTOMER_NOT_FOUND, "You have no customer with this id.");
      else if (input.memberId != null && input.memberId !== customer.distributorId) {
        errors.add("memberId", OrderErrorCode.INVALID, "A customer's order is credited to the customer's own distributor.");
      } else memberId = customer.distributorId;
    }
    if (!(await accessService.isSelfOr(viewer, memberId, "orders.write"))) throw forbidden("orders for other members");
    const buyer = await memberService.findById(memberId);
    if (!buyer) errors.add("memberId", OrderErrorCode.NOT_FOUND, "No such member.");
    errors.throwIfAny();

    const fingerprint = createHash("sha256").update(requestFingerprint(memberId, customer?.id ?? null, request)).digest("hex");
    const sameRequest = async (): Promise<OrderRecord | null> => {
      const found = await orderRepository.findByKey(viewer.id, request.idempotencyKey);
      if (!found) return null;
      if (found.requestHash !== fingerprint) {
        throw fieldError("idempotencyKey", OrderErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was used for a different order.");
      }
      return found.order;
    };
    // A repeated key is usually found by the insert's unique index (one round trip fewer for
    // every new order); looked up first where checks could fail for a repeat alone (points
    // already spent), and before any input error.
    if (request.points) {
      const earlier = await sameRequest();
      if (earlier) return earlier;
    }

    const lineField = (productId: number) => `lines.${input.lines.findIndex((l) => l.productId === productId)}.productId`;
    const catalog = await catalogService.entries(request.lines.map((l) => l.productId));
    const rates = await taxSetting.get();
    const { order: priced, errors: priceErrors } = priceOrder(request, catalog, rates[request.shippingAddress.country] ?? 0, lineField);
    if (!priced) {
      const earlier = await sameRequest();
      if (earlier) return earlier;
      throw new InputError(priceErrors);
    }
    const points = request.points ? await this.pointsAtCheckout(memberId, customer, request.points, request.currency, priced.total) : null;
    const warehouse = await catalogService.warehouseFor(request.shippingAddress.country);
    if (!warehouse) {
      const earlier = await sameRequest();
      if (earlier) return earlier;
      throw new InputError(request.lines.map((l) => ({ field: lineField(l.productId), code: OrderErrorCode.OUT_OF_STOCK, message: "Nothing is in stock anywhere yet." })));
    }

    let id: number;
    try {
      id = await transaction(async () => {
        const orderId = await orderRepository.insert({
          memberId, customerId: customer?.id ?? null, placedById: viewer.id, currency: request.currency, priced,
          shippingAddress: request.shippingAddress, warehouseId: warehouse.id, idempotencyKey: request.idempotencyKey, requestHash: fingerprint, points,
        });
        const short = await catalogService.reserve(warehouse.id, request.lines);
        if (short.length > 0) throw new OutOfStock(short);
        if (points) await loyaltyService.spendAtCheckout({ memberId, customerId: customer?.id ?? null, orderId, pointType: points.pointType, points: points.points }, new Date());
        return orderId;
      }, { lean: true });
    } catch (err) {
      if (err instanceof OutOfStock) {
        throw new InputError(err.productIds.map((p) => ({
          field: lineField(p), code: OrderErrorCode.OUT_OF_STOCK, message: `Not enough ${catalog.get(p)?.name ?? "stock"} left.`,
        })));
      }
      // The same key sent twice at once: the unique index lets one through.
      if (isUniqueViolation(err)) {
        const first = await sameRequest();
        if (first) return first;
      }
      throw err;
    }
    const order = (await orderRepository.findById(id))!;
    // The order stands whatever happens to the announcement.
    await announcePlaced(order, buyer!, customer).catch((err) => console.error("[orders] could not announce order", id, err));
    return order;
  },

  /**
   * Checks points asked to pay part of an order (before its transaction; the spend itself
   * checks the balance again under the member's lock): the buyer's own order, the
   * programme's terms, the balance. What they pay, in hundredths.
   */
  async pointsAtCheckout(memberId: number, customer: CustomerRecord | null, points: number, currency: string, total: number) {
    // A customer's order is paid with the customer's own points.
    const offer = await loyaltyService.checkoutOffer({ memberId, customerId: customer?.id ?? null }, currency, total);
    if ("error" in offer) throw fieldError("points", OrderErrorCode.INVALID, offer.error);
    const quote = loyaltyService.quoteCheckout(offer.terms, points, offer.balance);
    if (quote.amount === null) throw new InputError(quote.errors);
    return { pointType: offer.terms.pointType, points, value: quote.amount };
  },

  /**
   * Takes payment through a provider and credits the order's PV/BV to the period of the
   * payment date. Paying a paid order again changes nothing; two requests at once charge
   * once (the second gets PAYMENT_IN_PROGRESS or the paid order).
   */
  async markPaid(viewer: Viewer, orderId: number, providerName = "manual"): Promise<OrderRecord> {
    const order = await this.get(viewer, orderId);
    const own = isOwnOrder(viewer, order);
    if (!own && !(await accessService.covers(viewer, order.memberId, "orders.write"))) throw forbidden("paying this order");
    const provider = paymentProvider(providerName);
    if (!provider) throw fieldError("provider", OrderErrorCode.PAYMENT_PROVIDER, `No payment provider "${providerName}".`);
    if (provider.usableBy === "ADMIN" && !(await accessService.covers(viewer, order.memberId, "orders.write"))) throw forbidden(`payments through ${provider.name}`);
    if (isPaid(order)) return order;
    if (!nextStatus(order.status, "PAY")) refuse("PAY", order);
    return moveMoney(orderId, (locked) => claimCharge(locked, provider), true);
  },

  /** Reserved units leave the warehouse (orders.write). */
  async ship(viewer: Viewer, orderId: number): Promise<OrderRecord> {
    await requireOrderPermission(viewer, orderId, "shipping");
    return transaction(async () => {
      const order = await orderRepository.lock(orderId);
      if (!order) throw notFound("Order");
      if (order.status === "SHIPPED" || order.status === "DELIVERED") return order;
      if (!nextStatus(order.status, "SHIP")) refuse("SHIP", order);
      // A refund being settled would release units that are about to leave.
      if (await orderRepository.pendingPayment(orderId)) throw inProgress();
      await catalogService.ship(order.warehouseId, order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity - l.refundedQuantity })));
      await orderRepository.update(orderId, { status: "SHIPPED", shippedAt: new Date() });
      return orderRepository.reload(orderId);
    });
  },

  async deliver(viewer: Viewer, orderId: number): Promise<OrderRecord> {
    await requireOrderPermission(viewer, orderId, "deliveries");
    return transaction(async () => {
      const order = await orderRepository.lock(orderId);
      if (!order) throw notFound("Order");
      if (order.status === "DELIVERED") return order;
      if (!nextStatus(order.status, "DELIVER")) refuse("DELIVER", order);
      await orderRepository.update(orderId, { status: "DELIVERED", deliveredAt: new Date() });
      return orderRepository.reload(orderId);
    });
  },

  /**
   * Cancels an order that has not shipped: reserved stock goes back, and for a paid
   * order the money not yet refunded and the volume it added are reversed. The buyer
   * may cancel while it is pending; admins until it ships.
   */
  async cancel(viewer: Viewer, orderId: number): Promise<OrderRecord> {
    const order = await this.get(viewer, orderId);
    if (order.status === "CANCELLED") return order;
    const staff = await accessService.covers(viewer, order.memberId, "orders.write");
    const own = isOwnOrder(viewer, order);
    if (!staff && !own) throw forbidden("cancelling this order");
    if (!staff && order.status !== "PENDING") {
      throw fieldError("orderId", OrderErrorCode.INVALID_TRANSITION, `A ${order.status.toLowerCase()} order cannot be cancelled by its buyer; ask the company for a refund.`);
    }
    if (!nextStatus(order.status, "CANCEL")) refuse("CANCEL", order);
    const done = await giveBack(orderId, null, "CANCEL", staff);
    if (staff && order.status !== "PENDING") await auditService.record(viewer, { action: "order.cancel", targetType: "order", targetId: orderId, before: { status: order.status }, after: { status: done.status, refunded: done.refundedTotal } });
    return done;
  },

  /** Refunds named lines and quantities, or all that is left (orders.write). */
  async refund(viewer: Viewer, orderId: number, lines: { lineId: number; quantity: number }[] | null): Promise<OrderRecord> {
    await requireOrderPermission(viewer, orderId, "refunds");
    const order = await this.get(viewer, orderId);
    if (!nextStatus(order.status, "REFUND")) refuse("REFUND", order);
    const done = await giveBack(orderId, lines, "REFUND", true);
    await auditService.record(viewer, { action: "order.refund", targetType: "order", targetId: orderId, before: { refunded: order.refundedTotal }, after: { refunded: done.refundedTotal, lines } });
    return done;
  },

  /** An order the viewer may see: their own, their customers', or of members their orders.read (or orders.write) covers. */
  async get(viewer: Viewer, orderId: number): Promise<OrderRecord> {
    const order = await orderRepository.findById(orderId);
    if (!order) throw notFound("Order");
    const own = isOwnOrder(viewer, order);
    if (!own && !(await accessService.covers(viewer, order.memberId, "orders.read")) && !(await accessService.covers(viewer, order.memberId, "orders.write"))) {
      throw forbidden("this order");
    }
    return order;
  },

  /** The shipping address if the viewer may see it (personal data): the buyer, who placed it, or members.personal covering the member. */
  async shippingAddressFor(viewer: Viewer | null, order: OrderRecord): Promise<OrderRecord["shippingAddress"] | null> {
    if (!viewer) return null;
    return isOwnOrder(viewer, order) || (await accessService.covers(viewer, order.memberId, "members.personal")) ? order.shippingAddress : null;
  },

  /**
   * The member's latest orders as a read to run with others: their own, or with
   * orders.read covering them (null for anyone else, who may not see them).
   */
  async recentRead(viewer: Viewer, memberId: number, limit: number) {
    return (await accessService.isSelfOr(viewer, memberId, "orders.read")) ? orderRepository.recentRead(memberId, pageSize(limit)) : null;
  },

  /** Newest first; holders of orders.read see the orders of the members it covers, distributors their own and their customers'. */
  list(viewer: Viewer, filter: OrderFilter, first: number, beforeId: number | null) {
    const scopes = listScopes(viewer, "orders.read");
    const f = scopes === "ALL" ? { ...filter, scopes: null } : scopes.length > 0 ? { ...filter, scopes } : { ...filter, scopes: null, memberId: viewer.id };
    return orderRepository.list(f, pageSize(first), beforeId);
  },
};

/** Claims a charge of a locked order, unless it is paid already. */
async function claimCharge(locked: OrderRecord, provider: PaymentProvider): Promise<Claim<OrderRecord>> {
  if (isPaid(locked)) return { done: locked };
  if (locked.status !== "PENDING") refuse("PAY", locked);
  const sequence = (await orderRepository.attemptCount(locked.id, "CHARGE")) + 1;
  const attempt = await orderRepository.beginPayment({
    orderId: locked.id, kind: "CHARGE", provider: provider.name, amount: hundredths(locked.amountDue), currency: locked.currency,
    idempotencyKey: `order:${locked.id}:charge:${sequence}`, plan: null, leaseUntil: new Date(Date.now() + PAYMENT_LEASE_MS),
  });
  return { attempt };
}
