import { createHash } from "node:crypto";
import { formatHundredths, hundredths } from "@/lib/money";
import { catalogService } from "@/server/domain/catalog/catalog.service";
import { memberService } from "@/server/domain/member/member.service";
import type { Viewer } from "@/server/domain/member/member.types";
import { forbidden, notFound } from "@/server/domain/shared/access.errors";
import { cached } from "@/server/domain/shared/cached";
import { fieldError, InputError, type FieldError } from "@/server/domain/shared/input.errors";
import { volumeService } from "@/server/domain/volume/volume.service";
import type { VolumeChange } from "@/server/domain/volume/volume.types";
import { publish } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { OrderErrorCode } from "./order.errors";
import { ORDER_EXPORT_COLUMNS, orderRepository } from "./order.repository";
import {
  nextStatus, normalizeOrderRequest, planRefund, priceOrder, requestFingerprint, taxRatesSchema,
  type OrderAction, type OrderRequest, type TaxRates,
} from "./order.rules";
import type { CustomerRecord, OrderFilter, OrderRecord } from "./order.types";
import { paymentProvider } from "./payment-providers";

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

const isAdmin = (v: Viewer) => v.role === "ADMIN";

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "P2002" || /unique constraint/i.test(e?.message ?? "");
}

function refuse(action: OrderAction, order: OrderRecord): never {
  throw fieldError("orderId", OrderErrorCode.INVALID_TRANSITION, `A ${order.status.toLowerCase()} order cannot be ${{
    PAY: "paid", SHIP: "shipped", DELIVER: "delivered", CANCEL: "cancelled", REFUND: "refunded",
  }[action]}.`);
}

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
}, 5_000);

function taxRates(): Promise<TaxRates> {
  return taxSetting.get();
}

async function announcePlaced(order: OrderRecord, customer: CustomerRecord | null): Promise<void> {
  const member = await memberService.findById(order.memberId);
  publish(Topic.OrderPlaced, {
    id: order.id,
    status: order.status,
    memberId: order.memberId,
    memberName: member ? `${member.firstName} ${member.lastName}` : `#${order.memberId}`,
    customerName: customer ? `${customer.firstName} ${customer.lastName}` : null,
    country: order.shippingAddress.country,
    currency: order.currency,
    total: order.total,
    pv: order.pv,
    itemCount: order.lines.reduce((n, l) => n + l.quantity, 0),
    placedAt: order.placedAt.toISOString(),
  });
}

/** The shared work of cancel and refund (access already checked), under the order's row lock. */
async function giveBack(order: OrderRecord, lines: { lineId: number; quantity: number }[] | null, action: "CANCEL" | "REFUND"): Promise<OrderRecord> {
  const now = new Date();
  const posting = await volumeService.prepare(now);
  let change: VolumeChange | null = null;
  const result = await orderRepository.transaction(async (tx) => {
    const locked = (await orderRepository.lock(tx, order.id))!;
    if (action === "CANCEL" && locked.status === "CANCELLED") return locked;
    if (!nextStatus(locked.status, action)) refuse(action, locked);
    if (locked.status === "PENDING") {
      await catalogService.release(tx, locked.warehouseId, locked.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })));
      await orderRepository.update(tx, locked.id, { status: "CANCELLED", cancelledAt: now });
      return orderRepository.reload(tx, locked.id);
    }
    const money = {
      subtotal: hundredths(locked.subtotal), tax: hundredths(locked.tax), total: hundredths(locked.total), refundedTotal: hundredths(locked.refundedTotal),
    };
    const { plan, errors } = planRefund({ ...money, lines: lineStates(locked) }, lines);
    if (!plan) throw new InputError(errors);
    // From the locked row: the order may have been paid since it was first read.
    const charge = locked.payments.find((p) => p.kind === "CHARGE");
    const provider = charge ? paymentProvider(charge.provider) : null;
    if (!provider) throw fieldError("orderId", OrderErrorCode.PAYMENT_PROVIDER, `The provider "${charge?.provider ?? "?"}" is not available for refunds.`);
    const sequence = locked.payments.filter((p) => p.kind === "REFUND").length + 1;
    const { reference } = await provider.refund({ id: locked.id, currency: locked.currency }, formatHundredths(plan.amount), sequence);
    await orderRepository.addPayment(tx, { orderId: locked.id, kind: "REFUND", provider: provider.name, reference, amount: plan.amount, currency: locked.currency });
    await orderRepository.addRefundedQuantities(tx, plan.lines);
    if (locked.status === "PAID") {
      const byId = new Map(locked.lines.map((l) => [l.id, l.productId]));
      await catalogService.release(tx, locked.warehouseId, plan.lines.map((l) => ({ productId: byId.get(l.id)!, quantity: l.quantity })));
    }
    await orderRepository.update(tx, locked.id, {
      refundedTotal: money.refundedTotal + plan.amount,
      ...(action === "CANCEL" ? { status: "CANCELLED", cancelledAt: now } : plan.complete ? { status: "REFUNDED" } : {}),
    });
    const after = await orderRepository.reload(tx, locked.id);
    change = await volumeService.reverse(tx, posting, {
      memberId: locked.memberId, orderId: locked.id, pv: plan.pv, bv: plan.bv, creditedPeriodId: locked.periodId!,
      reason: action === "CANCEL" ? "ORDER_CANCELLED" : "ORDER_REFUNDED", idempotencyKey: `order:${locked.id}:refund:${sequence}`,
    });
    return after;
  });
  volumeService.publish(change);
  return result;
}

export const orderService = {
  /**
   * Places an order for the viewer, one of the viewer's customers, or (admins) anyone.
   * Reserves stock for every line or fails with OUT_OF_STOCK; the same idempotency key
   * sent again returns the first order. Volume moves when the order is paid.
   */
  async place(viewer: Viewer, input: PlaceOrderInput): Promise<OrderRecord> {
    const { request, errors } = normalizeOrderRequest(input);
    let memberId = input.memberId ?? viewer.id;
    let customer: CustomerRecord | null = null;
    if (input.customerId != null) {
      customer = await orderRepository.findCustomer(input.customerId);
      if (!customer || (!isAdmin(viewer) && customer.distributorId !== viewer.id)) {
        errors.push({ field: "customerId", code: OrderErrorCode.CUSTOMER_NOT_FOUND, message: "You have no customer with this id." });
      } else if (input.memberId != null && input.memberId !== customer.distributorId) {
        errors.push({ field: "memberId", code: OrderErrorCode.INVALID, message: "A customer's order is credited to the customer's own distributor." });
      } else memberId = customer.distributorId;
    }
    if (!isAdmin(viewer) && memberId !== viewer.id) throw forbidden("orders for other members");
    if (!(await memberService.findById(memberId))) errors.push({ field: "memberId", code: OrderErrorCode.NOT_FOUND, message: "No such member." });
    if (errors.length > 0) throw new InputError(errors);

    const fingerprint = createHash("sha256").update(requestFingerprint(memberId, customer?.id ?? null, request)).digest("hex");
    const sameRequest = async (): Promise<OrderRecord | null> => {
      const found = await orderRepository.findByKey(viewer.id, request.idempotencyKey);
      if (!found) return null;
      if (found.requestHash !== fingerprint) {
        throw fieldError("idempotencyKey", OrderErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was used for a different order.");
      }
      return found.order;
    };
    const earlier = await sameRequest();
    if (earlier) return earlier;

    const lineField = (productId: number) => `lines.${input.lines.findIndex((l) => l.productId === productId)}.productId`;
    const catalog = await catalogService.entries(request.lines.map((l) => l.productId));
    const rates = await taxRates();
    const { order: priced, errors: priceErrors } = priceOrder(request, catalog, rates[request.shippingAddress.country] ?? 0, lineField);
    if (!priced) throw new InputError(priceErrors);
    const warehouse = await catalogService.warehouseFor(request.shippingAddress.country);
    if (!warehouse) {
      throw new InputError(request.lines.map((l) => ({ field: lineField(l.productId), code: OrderErrorCode.OUT_OF_STOCK, message: "Nothing is in stock anywhere yet." })));
    }

    let id: number;
    try {
      id = await orderRepository.transaction(async (tx) => {
        const orderId = await orderRepository.insert(tx, {
          memberId, customerId: customer?.id ?? null, placedById: viewer.id, currency: request.currency, priced,
          shippingAddress: request.shippingAddress, warehouseId: warehouse.id, idempotencyKey: request.idempotencyKey, requestHash: fingerprint,
        });
        const short = await catalogService.reserve(tx, warehouse.id, request.lines);
        if (short.length > 0) throw new OutOfStock(short);
        return orderId;
      });
    } catch (err) {
      if (err instanceof OutOfStock) {
        throw new InputError(err.productIds.map((p): FieldError => ({
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
    await announcePlaced(order, customer).catch((err) => console.error("[orders] could not announce order", id, err));
    return order;
  },

  /**
   * Records payment through a provider and credits the order's PV/BV to the period of
   * the payment date. Paying a paid order again changes nothing.
   */
  async markPaid(viewer: Viewer, orderId: number, providerName = "manual"): Promise<OrderRecord> {
    const order = await this.get(viewer, orderId);
    const provider = paymentProvider(providerName);
    if (!provider) throw fieldError("provider", OrderErrorCode.PAYMENT_PROVIDER, `No payment provider "${providerName}".`);
    if (provider.usableBy === "ADMIN" && !isAdmin(viewer)) throw forbidden(`payments through ${provider.name}`);
    if (order.status === "PAID" || order.status === "SHIPPED" || order.status === "DELIVERED") return order;
    if (!nextStatus(order.status, "PAY")) refuse("PAY", order);

    const { reference } = await provider.charge({ id: order.id, total: order.total, currency: order.currency });
    const paidAt = new Date();
    const posting = await volumeService.prepare(paidAt);
    const period = posting.period;
    let change: VolumeChange | null = null;
    const result = await orderRepository.transaction(async (tx) => {
      const locked = (await orderRepository.lock(tx, orderId))!;
      if (locked.status !== "PENDING") return locked.status === "CANCELLED" || locked.status === "REFUNDED" ? refuse("PAY", locked) : locked;
      await orderRepository.update(tx, orderId, { status: "PAID", paidAt, periodId: period.id });
      await orderRepository.addPayment(tx, { orderId, kind: "CHARGE", provider: provider.name, reference, amount: hundredths(order.total), currency: order.currency });
      const paid = await orderRepository.reload(tx, orderId);
      // Last, so the upline's rows stay locked for as short a time as possible (until commit).
      change = await volumeService.credit(tx, posting, {
        memberId: order.memberId, orderId, pv: hundredths(order.pv), bv: hundredths(order.bv),
        idempotencyKey: `order:${orderId}:paid`,
      });
      return paid;
    });
    volumeService.publish(change);
    return result;
  },

  /** Reserved units leave the warehouse (admins). */
  async ship(viewer: Viewer, orderId: number): Promise<OrderRecord> {
    if (!isAdmin(viewer)) throw forbidden("shipping");
    return orderRepository.transaction(async (tx) => {
      const order = await orderRepository.lock(tx, orderId);
      if (!order) throw notFound("Order");
      if (order.status === "SHIPPED" || order.status === "DELIVERED") return order;
      if (!nextStatus(order.status, "SHIP")) refuse("SHIP", order);
      await catalogService.ship(tx, order.warehouseId, order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity - l.refundedQuantity })));
      await orderRepository.update(tx, orderId, { status: "SHIPPED", shippedAt: new Date() });
      return orderRepository.reload(tx, orderId);
    });
  },

  async deliver(viewer: Viewer, orderId: number): Promise<OrderRecord> {
    if (!isAdmin(viewer)) throw forbidden("deliveries");
    return orderRepository.transaction(async (tx) => {
      const order = await orderRepository.lock(tx, orderId);
      if (!order) throw notFound("Order");
      if (order.status === "DELIVERED") return order;
      if (!nextStatus(order.status, "DELIVER")) refuse("DELIVER", order);
      await orderRepository.update(tx, orderId, { status: "DELIVERED", deliveredAt: new Date() });
      return orderRepository.reload(tx, orderId);
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
    if (!isAdmin(viewer) && order.status !== "PENDING") throw forbidden("cancelling a paid order (ask the company for a refund)");
    if (!nextStatus(order.status, "CANCEL")) refuse("CANCEL", order);
    return giveBack(order, null, "CANCEL");
  },

  /** Refunds named lines and quantities, or all that is left (admins). */
  async refund(viewer: Viewer, orderId: number, lines: { lineId: number; quantity: number }[] | null): Promise<OrderRecord> {
    if (!isAdmin(viewer)) throw forbidden("refunds");
    const order = await this.get(viewer, orderId);
    if (!nextStatus(order.status, "REFUND")) refuse("REFUND", order);
    return giveBack(order, lines, "REFUND");
  },

  /** An order the viewer may see: their own, their customers', or any for admins. */
  async get(viewer: Viewer, orderId: number): Promise<OrderRecord> {
    const order = await orderRepository.findById(orderId);
    if (!order) throw notFound("Order");
    if (!isAdmin(viewer) && order.memberId !== viewer.id && order.placedById !== viewer.id) throw forbidden("this order");
    return order;
  },

  /** Newest first; distributors see their own and their customers' orders only. */
  list(viewer: Viewer, filter: OrderFilter, first: number, beforeId: number | null) {
    const f = isAdmin(viewer) ? filter : { ...filter, memberId: viewer.id };
    return orderRepository.list(f, Math.min(Math.max(first, 1), 200), beforeId);
  },

  async createCustomer(viewer: Viewer, input: { distributorId?: number | null; firstName: string; lastName: string; email?: string | null; phone?: string | null; country: string }) {
    const distributorId = input.distributorId ?? viewer.id;
    if (!isAdmin(viewer) && distributorId !== viewer.id) throw forbidden("other members' customers");
    const errors: FieldError[] = [];
    const firstName = input.firstName.trim();
    const lastName = input.lastName.trim();
    const country = input.country.trim().toUpperCase();
    const email = input.email?.trim().toLowerCase() || null;
    if (!firstName) errors.push({ field: "firstName", code: OrderErrorCode.REQUIRED, message: "Required." });
    if (!lastName) errors.push({ field: "lastName", code: OrderErrorCode.REQUIRED, message: "Required." });
    if (!/^[A-Z]{2}$/.test(country)) errors.push({ field: "country", code: OrderErrorCode.INVALID, message: "A two-letter ISO 3166 code." });
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ field: "email", code: OrderErrorCode.INVALID, message: "Not an e-mail address." });
    if (!(await memberService.findById(distributorId))) errors.push({ field: "distributorId", code: OrderErrorCode.NOT_FOUND, message: "No such member." });
    if (errors.length > 0) throw new InputError(errors);
    return orderRepository.createCustomer({ distributorId, firstName, lastName, email, phone: input.phone?.trim() || null, country });
  },

  async customers(viewer: Viewer, distributorId: number | null | undefined, limit = 200) {
    const id = distributorId ?? viewer.id;
    if (!isAdmin(viewer) && id !== viewer.id) throw forbidden("other members' customers");
    return orderRepository.customersOf(id, Math.min(Math.max(limit, 1), 500));
  },

  findCustomers(ids: readonly number[]) {
    return orderRepository.findCustomers(ids);
  },

  /** Sales for the admins' overview: today and this period per currency, best sellers. */
  async salesOverview(viewer: Viewer, period: { startsAt: Date; endsAt: Date }, now = new Date()) {
    if (!isAdmin(viewer)) throw forbidden("company reports");
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const [salesToday, salesPeriod, topProducts, recent] = await Promise.all([
      orderRepository.salesBetween(today, now),
      orderRepository.salesBetween(period.startsAt, period.endsAt),
      orderRepository.topProducts(period.startsAt, period.endsAt, 8),
      orderRepository.list({}, 10, null),
    ]);
    return { salesToday, salesPeriod, topProducts, recent: recent.rows };
  },

  /** A member's own and customers' sales per day (net of refunds). */
  async salesByDay(viewer: Viewer, memberId: number, from: Date, to: Date) {
    if (!isAdmin(viewer) && viewer.id !== memberId) throw forbidden("these sales");
    return orderRepository.salesByDay(memberId, from, to);
  },

  /** All orders matching the filter as CSV chunks (admins): header first, then a chunk per page. */
  async *exportCsv(viewer: Viewer, filter: OrderFilter): AsyncGenerator<string> {
    if (!isAdmin(viewer)) throw forbidden("order exports");
    const { default: Papa } = await import("papaparse");
    // The header even when nothing matches, so an empty export still opens with its columns.
    yield `${ORDER_EXPORT_COLUMNS.join(",")}\r\n`;
    for await (const rows of orderRepository.exportRows(filter)) {
      yield `${Papa.unparse(rows, { header: false, columns: [...ORDER_EXPORT_COLUMNS], newline: "\r\n", escapeFormulae: true })}\r\n`;
    }
  },
};
