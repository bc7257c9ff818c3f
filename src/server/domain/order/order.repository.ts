import { formatHundredths } from "@/lib/money";
import { prisma, Prisma, transaction, type Tx } from "@/server/db/client";
import { defaultDriver } from "@/server/db/driver";
import type { OrderStatusName, PricedOrder, ShippingAddress } from "./order.rules";
import type { CustomerRecord, OrderFilter, OrderRecord } from "./order.types";

const orderInclude = {
  lines: { orderBy: { id: "asc" } },
  payments: { orderBy: { id: "asc" } },
} satisfies Prisma.OrderInclude;
type OrderRow = Prisma.OrderGetPayload<{ include: typeof orderInclude }>;

const dec = (n: number) => new Prisma.Decimal(formatHundredths(n));

function toRecord(o: OrderRow): OrderRecord {
  return {
    id: o.id, memberId: o.memberId, customerId: o.customerId, placedById: o.placedById, status: o.status,
    currency: o.currency, subtotal: o.subtotal.toFixed(2), tax: o.tax.toFixed(2), total: o.total.toFixed(2),
    refundedTotal: o.refundedTotal.toFixed(2), pv: o.pv.toFixed(2), bv: o.bv.toFixed(2),
    shippingAddress: o.shippingAddress as unknown as ShippingAddress, warehouseId: o.warehouseId, periodId: o.periodId,
    placedAt: o.placedAt, paidAt: o.paidAt, shippedAt: o.shippedAt, deliveredAt: o.deliveredAt, cancelledAt: o.cancelledAt,
    lines: o.lines.map((l) => ({
      id: l.id, productId: l.productId, sku: l.sku, name: l.name, quantity: l.quantity, refundedQuantity: l.refundedQuantity,
      unitPrice: l.unitPrice.toFixed(2), unitPv: l.unitPv.toFixed(2), unitBv: l.unitBv.toFixed(2),
    })),
    payments: o.payments.map((p) => ({
      id: p.id, kind: p.kind, provider: p.provider, reference: p.reference, amount: p.amount.toFixed(2), currency: p.currency, createdAt: p.createdAt,
    })),
  };
}

function orderWhere(filter: OrderFilter): Prisma.OrderWhereInput {
  const where: Prisma.OrderWhereInput = {};
  if (filter.status) where.status = filter.status;
  if (filter.memberId) where.memberId = filter.memberId;
  if (filter.customerId) where.customerId = filter.customerId;
  if (filter.currency) where.currency = filter.currency;
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
}

const TAX_SETTING = "order.taxRates";

/** The columns of the orders export, in order. */
export const ORDER_EXPORT_COLUMNS = [
  "id", "placedAt", "status", "memberId", "member", "memberEmail", "customer", "currency", "subtotal", "tax", "total",
  "refunded", "pv", "bv", "items", "shipCountry", "paidAt", "shippedAt", "deliveredAt", "cancelledAt",
] as const;

export const orderRepository = {
  transaction,

  async taxRatesSetting(): Promise<unknown> {
    const row = await prisma().setting.findUnique({ where: { key: TAX_SETTING } });
    return row?.value ?? null;
  },

  async saveTaxRatesSetting(value: Record<string, number>): Promise<void> {
    await prisma().setting.upsert({ where: { key: TAX_SETTING }, create: { key: TAX_SETTING, value }, update: { value } });
  },

  async findById(id: number): Promise<OrderRecord | null> {
    const o = await prisma().order.findUnique({ where: { id }, include: orderInclude });
    return o && toRecord(o);
  },

  async findByKey(placedById: number, idempotencyKey: string): Promise<{ order: OrderRecord; requestHash: string } | null> {
    const o = await prisma().order.findUnique({ where: { placedById_idempotencyKey: { placedById, idempotencyKey } }, include: orderInclude });
    return o && { order: toRecord(o), requestHash: o.requestHash };
  },

  /** The order, its row locked until the transaction ends (status changes take turns). */
  async lock(tx: Tx, id: number): Promise<OrderRecord | null> {
    const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM sales_order WHERE id = ${id} FOR UPDATE`;
    if (locked.length === 0) return null;
    return toRecord(await tx.order.findUniqueOrThrow({ where: { id }, include: orderInclude }));
  },

  async reload(tx: Tx, id: number): Promise<OrderRecord> {
    return toRecord(await tx.order.findUniqueOrThrow({ where: { id }, include: orderInclude }));
  },

  async insert(tx: Tx, o: NewOrder): Promise<number> {
    const created = await tx.order.create({
      data: {
        memberId: o.memberId, customerId: o.customerId, placedById: o.placedById, currency: o.currency,
        subtotal: dec(o.priced.subtotal), tax: dec(o.priced.tax), total: dec(o.priced.total),
        pv: dec(o.priced.pv), bv: dec(o.priced.bv),
        shippingAddress: o.shippingAddress as unknown as Prisma.InputJsonValue, shipCountry: o.shippingAddress.country,
        warehouseId: o.warehouseId, idempotencyKey: o.idempotencyKey, requestHash: o.requestHash,
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
    tx: Tx,
    id: number,
    patch: { status?: OrderStatusName; periodId?: number; paidAt?: Date; shippedAt?: Date; deliveredAt?: Date; cancelledAt?: Date; refundedTotal?: number },
  ): Promise<void> {
    const { refundedTotal, ...rest } = patch;
    await tx.order.update({ where: { id }, data: { ...rest, ...(refundedTotal != null ? { refundedTotal: dec(refundedTotal) } : {}) } });
  },

  async addRefundedQuantities(tx: Tx, lines: readonly { id: number; quantity: number }[]): Promise<void> {
    for (const l of lines) {
      await tx.orderLine.update({ where: { id: l.id }, data: { refundedQuantity: { increment: l.quantity } } });
    }
  },

  async addPayment(tx: Tx, p: { orderId: number; kind: "CHARGE" | "REFUND"; provider: string; reference: string; amount: number; currency: string }) {
    await tx.payment.create({ data: { ...p, amount: dec(p.amount) } });
  },

  /** Newest first, keyset on id. */
  async list(filter: OrderFilter, limit: number, beforeId: number | null) {
    const where = orderWhere(filter);
    const [rows, totalCount] = await Promise.all([
      prisma().order.findMany({
        where: beforeId ? { AND: [where, { id: { lt: beforeId } }] } : where,
        include: orderInclude,
        orderBy: { id: "desc" },
        take: limit + 1,
      }),
      prisma().order.count({ where }),
    ]);
    return { rows: rows.slice(0, limit).map(toRecord), hasNextPage: rows.length > limit, totalCount };
  },

  async createCustomer(data: Omit<CustomerRecord, "id" | "createdAt">): Promise<CustomerRecord> {
    return prisma().customer.create({ data });
  },

  findCustomer(id: number): Promise<CustomerRecord | null> {
    return prisma().customer.findUnique({ where: { id } });
  },

  findCustomers(ids: readonly number[]): Promise<CustomerRecord[]> {
    return prisma().customer.findMany({ where: { id: { in: [...ids] } } });
  },

  customersOf(distributorId: number, limit: number): Promise<CustomerRecord[]> {
    return prisma().customer.findMany({ where: { distributorId }, orderBy: [{ lastName: "asc" }, { firstName: "asc" }], take: limit });
  },

  /** Paid sales in [from, to) per currency: orders, gross total, refunds. */
  async salesBetween(from: Date, to: Date) {
    return defaultDriver().query<{ currency: string; orders: number; total: string; refunded: string }>(
      `SELECT currency, count(*)::int AS orders, sum(total)::text AS total, sum(refunded_total)::text AS refunded
       FROM sales_order WHERE paid_at >= $1 AND paid_at < $2 GROUP BY currency ORDER BY sum(total) DESC`,
      [from, to],
    );
  },

  /** Best sellers by units (refunds taken off) among orders paid in [from, to). */
  async topProducts(from: Date, to: Date, limit: number) {
    return defaultDriver().query<{ product_id: number; sku: string; name: string; units: number; pv: string }>(
      `SELECT l.product_id, l.sku, l.name, sum(l.quantity - l.refunded_quantity)::int AS units,
         sum((l.quantity - l.refunded_quantity) * l.unit_pv)::text AS pv
       FROM sales_order o JOIN order_line l ON l.order_id = o.id
       WHERE o.paid_at >= $1 AND o.paid_at < $2
       GROUP BY l.product_id, l.sku, l.name HAVING sum(l.quantity - l.refunded_quantity) > 0
       ORDER BY units DESC, l.product_id LIMIT $3`,
      [from, to, limit],
    );
  },

  /** A member's own and customers' paid order totals per UTC day in [from, to), per currency. */
  async salesByDay(memberId: number | null, from: Date, to: Date) {
    return defaultDriver().query<{ day: Date; currency: string; total: string; orders: number }>(
      `SELECT date_trunc('day', paid_at AT TIME ZONE 'UTC') AS day, currency, sum(total - refunded_total)::text AS total, count(*)::int AS orders
       FROM sales_order WHERE paid_at >= $2 AND paid_at < $3 AND ($1::int IS NULL OR member_id = $1)
       GROUP BY 1, 2 ORDER BY 1`,
      [memberId, from, to],
    );
  },

  /** Pages through orders oldest first for exports, without holding them all in memory. */
  async *exportRows(filter: OrderFilter, pageSize = 1000) {
    let afterId = 0;
    for (;;) {
      const rows = await prisma().order.findMany({
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
