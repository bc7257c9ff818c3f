import { jsonRows } from "@/server/db/json-rows";
import { formatHundredths } from "@/lib/money";
import { Prisma } from "@/server/db/client";
import { db } from "@/server/db/unit-of-work";
import { toPage, type Page } from "@/server/domain/shared/page";
import type { OrderStatusName, PricedOrder, ShippingAddress } from "./order.rules";
import type { OrderFilter, OrderRecord, PaymentAttemptRecord, StoredRefundPlan } from "./order.types";

const orderInclude = {
  lines: { orderBy: { id: "asc" } },
  // Money that moved; attempts still in flight or refused are read apart.
  payments: { where: { status: "SUCCEEDED" }, orderBy: { id: "asc" } },
} satisfies Prisma.OrderInclude;
type OrderRow = Prisma.OrderGetPayload<{ include: typeof orderInclude }>;

const dec = (n: number) => new Prisma.Decimal(formatHundredths(n));

function toRecord(o: OrderRow): OrderRecord {
  return {
    id: o.id, memberId: o.memberId, customerId: o.customerId, placedById: o.placedById, status: o.status,
    currency: o.currency, subtotal: o.subtotal.toFixed(2), tax: o.tax.toFixed(2), total: o.total.toFixed(2),
    refundedTotal: o.refundedTotal.toFixed(2), pv: o.pv.toFixed(2), bv: o.bv.toFixed(2),
    pointsType: o.pointsType, pointsRedeemed: o.pointsRedeemed, pointsValue: o.pointsValue.toFixed(2), pointsReturned: o.pointsReturned,
    pointsValueReturned: o.pointsValueReturned.toFixed(2), amountDue: o.total.minus(o.pointsValue).toFixed(2),
    shippingAddress: o.shippingAddress as unknown as ShippingAddress, warehouseId: o.warehouseId, periodId: o.periodId,
    placedAt: o.placedAt, paidAt: o.paidAt, shippedAt: o.shippedAt, deliveredAt: o.deliveredAt, cancelledAt: o.cancelledAt,
    lines: o.lines.map((l) => ({
      id: l.id, productId: l.productId, sku: l.sku, name: l.name, quantity: l.quantity, refundedQuantity: l.refundedQuantity,
      unitPrice: l.unitPrice.toFixed(2), unitPv: l.unitPv.toFixed(2), unitBv: l.unitBv.toFixed(2),
    })),
    payments: o.payments.map((p) => ({
      id: p.id, kind: p.kind, provider: p.provider, reference: p.reference ?? "", amount: p.amount.toFixed(2), currency: p.currency, createdAt: p.createdAt,
    })),
  };
}

function orderWhere(filter: OrderFilter): Prisma.OrderWhereInput {
  const where: Prisma.OrderWhereInput = {};
  if (filter.status) where.status = filter.status;
  if (filter.memberId) where.memberId = filter.memberId;
  if (filter.customerId) where.customerId = filter.customerId;
  if (filter.currency) where.currency = filter.currency;
  if (filter.scopes) {
    where.member = {
      OR: filter.scopes.map((sc) => ({
        AND: [
          sc.countries ? { country: { in: [...sc.countries] } } : {},
          sc.teamOf != null ? { OR: [{ placementPath: { has: sc.teamOf } }, { sponsorPath: { has: sc.teamOf } }] } : {},
        ],
      })),
    };
  }
  if (filter.placedFrom || filter.placedBefore) {
    where.placedAt = { ...(filter.placedFrom ? { gte: filter.placedFrom } : {}), ...(filter.placedBefore ? { lt: filter.placedBefore } : {}) };
  }
  return where;
}

export interface NewOrder {
  memberId: number;
  customerId: number | null;
  placedById: number;
  currency: string;
  priced: PricedOrder;
  shippingAddress: ShippingAddress;
  warehouseId: number;
  idempotencyKey: string;
  requestHash: string;
  /** Points paying part of the total (value in hundredths). */
  points: { pointType: string; points: number; value: number } | null;
}

const TAX_SETTING = "order.taxRates";

type PaymentRow = Prisma.PaymentGetPayload<object>;

function toAttempt(p: PaymentRow): PaymentAttemptRecord {
  const key = p.idempotencyKey ?? `payment:${p.id}`;
  return {
    id: p.id, orderId: p.orderId, kind: p.kind, status: p.status, provider: p.provider, amount: p.amount.toFixed(2),
    currency: p.currency, idempotencyKey: key, sequence: Number(key.split(":").at(-1)) || 0,
    plan: (p.plan as StoredRefundPlan | null) ?? null, leaseUntil: p.leaseUntil,
  };
}

export const orderRepository = {
  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      orders: await jsonRows(
        `SELECT o.id, o.status, o.currency, o.subtotal, o.tax, o.total, o.refunded_total, o.points_type, o.points_redeemed, o.points_value, o.points_returned,
                o.points_value_returned, o.pv, o.bv, o.shipping_address, o.ship_country,
                o.placed_by_id, o.customer_id, o.placed_at, o.paid_at, o.shipped_at, o.delivered_at, o.cancelled_at,
                (SELECT coalesce(json_agg(l ORDER BY l.id), '[]') FROM order_line l WHERE l.order_id = o.id) AS lines,
                (SELECT coalesce(json_agg(json_build_object('id', p.id, 'kind', p.kind, 'provider', p.provider, 'status', p.status, 'amount', p.amount, 'currency', p.currency) ORDER BY p.id), '[]')
                   FROM payment p WHERE p.order_id = o.id) AS payments
         FROM sales_order o WHERE o.member_id = $1 ORDER BY o.id`, [memberId]),
    };
  },

  /** Erasure: where the member's orders went is theirs; the country stays (tax, volume reports). */
  async eraseAddresses(memberId: number): Promise<number> {
    return db().execute`UPDATE sales_order SET shipping_address = jsonb_build_object('erased', true, 'country', ship_country) WHERE member_id = ${memberId}`;
  },

  async taxRatesSetting(): Promise<unknown> {
    const row = await db().orm.setting.findUnique({ where: { key: TAX_SETTING } });
    return row?.value ?? null;
  },

  async findById(id: number): Promise<OrderRecord | null> {
    const o = await db().orm.order.findUnique({ where: { id }, include: orderInclude });
    return o && toRecord(o);
  },

  async findByKey(placedById: number, idempotencyKey: string): Promise<{ order: OrderRecord; requestHash: string } | null> {
    const o = await db().orm.order.findUnique({ where: { placedById_idempotencyKey: { placedById, idempotencyKey } }, include: orderInclude });
    return o && { order: toRecord(o), requestHash: o.requestHash };
  },

  /** The order, its row locked until the transaction ends (status and money changes take turns). */
  async lock(id: number): Promise<OrderRecord | null> {
    const locked = await db().sql<{ id: number }>`SELECT id FROM sales_order WHERE id = ${id} FOR UPDATE`;
    if (locked.length === 0) return null;
    return this.reload(id);
  },

  async reload(id: number): Promise<OrderRecord> {
    return toRecord(await db().orm.order.findUniqueOrThrow({ where: { id }, include: orderInclude }));
  },

  async insert(o: NewOrder): Promise<number> {
    const created = await db().orm.order.create({
      data: {
        memberId: o.memberId, customerId: o.customerId, placedById: o.placedById, currency: o.currency,
        subtotal: dec(o.priced.subtotal), tax: dec(o.priced.tax), total: dec(o.priced.total),
        pv: dec(o.priced.pv), bv: dec(o.priced.bv),
        shippingAddress: o.shippingAddress as unknown as Prisma.InputJsonValue, shipCountry: o.shippingAddress.country,
        warehouseId: o.warehouseId, idempotencyKey: o.idempotencyKey, requestHash: o.requestHash,
        ...(o.points ? { pointsType: o.points.pointType, pointsRedeemed: o.points.points, pointsValue: dec(o.points.value) } : {}),
        lines: {
          create: o.priced.lines.map((l) => ({
            productId: l.productId, sku: l.sku, name: l.name, quantity: l.quantity,
            unitPrice: dec(l.unitPrice), unitPv: dec(l.unitPv), unitBv: dec(l.unitBv),
          })),
        },
      },
      select: { id: true },
    });
    return created.id;
  },

  async update(
    id: number,
    patch: {
      status?: OrderStatusName; periodId?: number; paidAt?: Date; shippedAt?: Date; deliveredAt?: Date; cancelledAt?: Date; refundedTotal?: number;
      pointsReturned?: number; pointsValueReturned?: number;
    },
  ): Promise<void> {
    const { refundedTotal, pointsValueReturned, ...rest } = patch;
    await db().orm.order.update({
      where: { id },
      data: { ...rest, ...(refundedTotal != null ? { refundedTotal: dec(refundedTotal) } : {}), ...(pointsValueReturned != null ? { pointsValueReturned: dec(pointsValueReturned) } : {}) },
    });
  },

  async addRefundedQuantities(lines: readonly { id: number; quantity: number }[]): Promise<void> {
    for (const l of lines) {
      await db().orm.orderLine.update({ where: { id: l.id }, data: { refundedQuantity: { increment: l.quantity } } });
    }
  },

  /** The charge or refund of this order whose provider call has not been settled, if any. */
  async pendingPayment(orderId: number): Promise<PaymentAttemptRecord | null> {
    const p = await db().orm.payment.findFirst({ where: { orderId, status: "PENDING" } });
    return p && toAttempt(p);
  },

  async attemptCount(orderId: number, kind: "CHARGE" | "REFUND"): Promise<number> {
    return db().orm.payment.count({ where: { orderId, kind } });
  },

  /** Writes an attempt PENDING, before its provider call (the partial unique index allows one per order). */
  async beginPayment(a: {
    orderId: number; kind: "CHARGE" | "REFUND"; provider: string; amount: number; currency: string; idempotencyKey: string;
    plan: StoredRefundPlan | null; leaseUntil: Date;
  }): Promise<PaymentAttemptRecord> {
    const { plan, amount, ...rest } = a;
    const p = await db().orm.payment.create({
      data: { ...rest, amount: dec(amount), status: "PENDING", plan: plan ? (plan as unknown as Prisma.InputJsonValue) : Prisma.DbNull },
    });
    return toAttempt(p);
  },

  async setLease(paymentId: number, until: Date): Promise<void> {
    await db().orm.payment.update({ where: { id: paymentId }, data: { leaseUntil: until } });
  },

  /**
   * Settles a pending attempt with the provider's answer; false when it was settled
   * already (another request finished it first).
   */
  async settlePayment(paymentId: number, outcome: { status: "SUCCEEDED"; reference: string } | { status: "FAILED"; failure: string }): Promise<boolean> {
    const { count } = await db().orm.payment.updateMany({
      where: { id: paymentId, status: "PENDING" },
      data: { ...outcome, settledAt: new Date(), leaseUntil: null },
    });
    return count === 1;
  },

  /** The provider's reference of the order's settled charge. */
  async chargeReference(orderId: number): Promise<string | null> {
    const p = await db().orm.payment.findFirst({ where: { orderId, kind: "CHARGE", status: "SUCCEEDED" }, select: { reference: true } });
    return p?.reference ?? null;
  },

  /** Newest first, keyset on id. */
  async list(filter: OrderFilter, limit: number, beforeId: number | null): Promise<Page<OrderRecord>> {
    const where = orderWhere(filter);
    const { orm } = db();
    const [rows, totalCount] = await Promise.all([
      orm.order.findMany({
        where: beforeId ? { AND: [where, { id: { lt: beforeId } }] } : where,
        include: orderInclude,
        orderBy: { id: "desc" },
        take: limit + 1,
      }),
      orm.order.count({ where }),
    ]);
    return toPage(rows.map(toRecord), limit, totalCount);
  },

  /** Pages through orders oldest first for exports, without holding them all in memory. */
  async *exportRows(filter: OrderFilter, pageSize = 1000) {
    let afterId = 0;
    for (;;) {
      const rows = await db().orm.order.findMany({
        where: { AND: [orderWhere(filter), { id: { gt: afterId } }] },
        include: { lines: true, member: { select: { firstName: true, lastName: true, email: true } }, customer: { select: { firstName: true, lastName: true } } },
        orderBy: { id: "asc" },
        take: pageSize,
      });
      if (rows.length === 0) return;
      yield rows.map((o) => ({
        id: o.id, placedAt: o.placedAt.toISOString(), status: o.status, memberId: o.memberId,
        member: `${o.member.firstName} ${o.member.lastName}`, memberEmail: o.member.email,
        customer: o.customer ? `${o.customer.firstName} ${o.customer.lastName}` : "", currency: o.currency,
        subtotal: o.subtotal.toFixed(2), tax: o.tax.toFixed(2), total: o.total.toFixed(2), refunded: o.refundedTotal.toFixed(2),
        pv: o.pv.toFixed(2), bv: o.bv.toFixed(2), items: o.lines.reduce((n, l) => n + l.quantity, 0), shipCountry: o.shipCountry,
        paidAt: o.paidAt?.toISOString() ?? "", shippedAt: o.shippedAt?.toISOString() ?? "", deliveredAt: o.deliveredAt?.toISOString() ?? "",
        cancelledAt: o.cancelledAt?.toISOString() ?? "",
      }));
      afterId = rows.at(-1)!.id;
    }
  },
};
