import { jsonRows } from "@/server/db/json-rows";
import { formatHundredths } from "@/lib/money";
import { Prisma } from "@/server/db/client";
import { db, queryRead, type Read } from "@/server/db/unit-of-work";
import { toPage, type Page } from "@/server/domain/shared/page";
import type { OrderStatusName, PricedOrder, ShippingAddress } from "./order.rules";
import type { OrderFilter, OrderRecord, PaymentAttemptRecord, StoredRefundPlan } from "./order.types";

const orderInclude = {
  lines: { orderBy: { id: "asc" } },
  // Money that moved; attempts still in flight or refused are read apart.
  payments: { where: { status: "SUCCEEDED" }, orderBy: { id: "asc" } },
} satisfies Prisma.OrderInclude;
type OrderRow = Prisma.OrderGetPayload<{ include: typeof orderInclude }>;


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

/**
 * An order with its lines and settled payments in one statement (the order path's reads;
 * SQL, so they also run in lean transactions). Decimals come as text with their scale.
 */
const ORDER_SELECT = `SELECT o.id, o.member_id AS "memberId", o.customer_id AS "customerId", o.placed_by_id AS "placedById", o.status::text AS status,
    o.currency, o.subtotal::text, o.tax::text, o.total::text, o.refunded_total::text AS "refundedTotal", o.pv::text, o.bv::text,
    o.points_type AS "pointsType", o.points_redeemed AS "pointsRedeemed", o.points_value::text AS "pointsValue", o.points_returned AS "pointsReturned",
    o.points_value_returned::text AS "pointsValueReturned", (o.total - o.points_value)::text AS "amountDue",
    o.shipping_address AS "shippingAddress", o.warehouse_id AS "warehouseId", o.period_id AS "periodId",
    o.placed_at AS "placedAt", o.paid_at AS "paidAt", o.shipped_at AS "shippedAt", o.delivered_at AS "deliveredAt", o.cancelled_at AS "cancelledAt",
    o.request_hash AS "requestHash",
    (SELECT coalesce(json_agg(json_build_object('id', l.id, 'productId', l.product_id, 'sku', l.sku, 'name', l.name, 'quantity', l.quantity,
        'refundedQuantity', l.refunded_quantity, 'unitPrice', l.unit_price::text, 'unitPv', l.unit_pv::text, 'unitBv', l.unit_bv::text) ORDER BY l.id), '[]')
     FROM order_line l WHERE l.order_id = o.id) AS lines,
    (SELECT coalesce(json_agg(json_build_object('id', p.id, 'kind', p.kind, 'provider', p.provider, 'reference', coalesce(p.reference, ''),
        'amount', p.amount::text, 'currency', p.currency, 'createdAt', p.created_at) ORDER BY p.id), '[]')
     FROM payment p WHERE p.order_id = o.id AND p.status = 'SUCCEEDED') AS payments
  FROM sales_order o`;

type OrderSqlRow = Omit<OrderRecord, "payments"> & { requestHash: string; payments: (Omit<OrderRecord["payments"][number], "createdAt"> & { createdAt: string })[] };

function fromSql({ requestHash: _hash, ...o }: OrderSqlRow): OrderRecord {
  return { ...o, payments: o.payments.map((p) => ({ ...p, createdAt: new Date(p.createdAt) })) };
}

/** A payment row as read: older attempts may have no key. */
type PaymentSqlRow = Omit<PaymentAttemptRecord, "idempotencyKey" | "sequence"> & { idempotencyKey: string | null };

const PAYMENT_COLUMNS = `id, order_id AS "orderId", kind::text AS kind, status::text AS status, provider, amount::text, currency,
  idempotency_key AS "idempotencyKey", plan, lease_until AS "leaseUntil"`;

function toAttempt(p: PaymentSqlRow): PaymentAttemptRecord {
  const key = p.idempotencyKey ?? `payment:${p.id}`;
  return {
    id: p.id, orderId: p.orderId, kind: p.kind, status: p.status, provider: p.provider, amount: p.amount,
    currency: p.currency, idempotencyKey: key, sequence: Number(key.split(":").at(-1)) || 0, plan: p.plan ?? null, leaseUntil: p.leaseUntil,
  };
}

/** Columns `update` may set, with their SQL names. */
const UPDATABLE = {
  status: "status", periodId: "period_id", paidAt: "paid_at", shippedAt: "shipped_at", deliveredAt: "delivered_at", cancelledAt: "cancelled_at",
  refundedTotal: "refunded_total", pointsReturned: "points_returned", pointsValueReturned: "points_value_returned",
} as const;

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
    const [o] = await db().query<OrderSqlRow>(`${ORDER_SELECT} WHERE o.id = $1`, [id]);
    return o ? fromSql(o) : null;
  },

  async findByKey(placedById: number, idempotencyKey: string): Promise<{ order: OrderRecord; requestHash: string } | null> {
    const [o] = await db().query<OrderSqlRow>(`${ORDER_SELECT} WHERE o.placed_by_id = $1 AND o.idempotency_key = $2`, [placedById, idempotencyKey]);
    return o ? { order: fromSql(o), requestHash: o.requestHash } : null;
  },

  /** The order, its row locked until the transaction ends (status and money changes take turns); read and locked in one statement. */
  async lock(id: number): Promise<OrderRecord | null> {
    const [o] = await db().query<OrderSqlRow>(`${ORDER_SELECT} WHERE o.id = $1 FOR UPDATE OF o`, [id]);
    return o ? fromSql(o) : null;
  },

  async reload(id: number): Promise<OrderRecord> {
    const o = await this.findById(id);
    if (!o) throw new Error(`order ${id} vanished`);
    return o;
  },

  /** The order and its lines in one statement. */
  async insert(o: NewOrder): Promise<number> {
    const f = formatHundredths;
    const lines = o.priced.lines;
    const [row] = await db().query<{ id: number }>(
      `WITH o AS (
         INSERT INTO sales_order (member_id, customer_id, placed_by_id, currency, subtotal, tax, total, pv, bv, shipping_address, ship_country,
           warehouse_id, idempotency_key, request_hash, points_type, points_redeemed, points_value, updated_at)
         VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7::numeric, $8::numeric, $9::numeric, $10::jsonb, $11, $12, $13, $14, $15, $16, $17::numeric, now())
         RETURNING id
       ),
       l AS (
         INSERT INTO order_line (order_id, product_id, sku, name, quantity, unit_price, unit_pv, unit_bv)
         SELECT o.id, x.product_id, x.sku, x.name, x.quantity, x.unit_price, x.unit_pv, x.unit_bv
         FROM o, unnest($18::int[], $19::text[], $20::text[], $21::int[], $22::numeric[], $23::numeric[], $24::numeric[]) WITH ORDINALITY
           AS x(product_id, sku, name, quantity, unit_price, unit_pv, unit_bv, n)
         ORDER BY x.n
       )
       SELECT id FROM o`,
      [
        o.memberId, o.customerId, o.placedById, o.currency, f(o.priced.subtotal), f(o.priced.tax), f(o.priced.total), f(o.priced.pv), f(o.priced.bv),
        JSON.stringify(o.shippingAddress), o.shippingAddress.country, o.warehouseId, o.idempotencyKey, o.requestHash,
        o.points?.pointType ?? null, o.points?.points ?? 0, f(o.points?.value ?? 0),
        lines.map((l) => l.productId), lines.map((l) => l.sku), lines.map((l) => l.name), lines.map((l) => l.quantity),
        lines.map((l) => f(l.unitPrice)), lines.map((l) => f(l.unitPv)), lines.map((l) => f(l.unitBv)),
      ],
    );
    return row!.id;
  },

  async update(
    id: number,
    patch: {
      status?: OrderStatusName; periodId?: number; paidAt?: Date; shippedAt?: Date; deliveredAt?: Date; cancelledAt?: Date; refundedTotal?: number;
      pointsReturned?: number; pointsValueReturned?: number;
    },
  ): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const column = UPDATABLE[key as keyof typeof UPDATABLE];
      const money = key === "refundedTotal" || key === "pointsValueReturned";
      params.push(money ? formatHundredths(value as number) : value);
      sets.push(`${column} = $${params.length}${key === "status" ? `::"OrderStatus"` : money ? "::numeric" : ""}`);
    }
    await db().query(`UPDATE sales_order SET ${[...sets, "updated_at = now()"].join(", ")} WHERE id = $1`, params);
  },

  async addRefundedQuantities(lines: readonly { id: number; quantity: number }[]): Promise<void> {
    for (const l of lines) {
      await db().orm.orderLine.update({ where: { id: l.id }, data: { refundedQuantity: { increment: l.quantity } } });
    }
  },

  /** The charge or refund of this order whose provider call has not been settled, if any. */
  async pendingPayment(orderId: number): Promise<PaymentAttemptRecord | null> {
    const [p] = await db().query<PaymentSqlRow>(`SELECT ${PAYMENT_COLUMNS} FROM payment WHERE order_id = $1 AND status = 'PENDING' LIMIT 1`, [orderId]);
    return p ? toAttempt(p) : null;
  },

  async attemptCount(orderId: number, kind: "CHARGE" | "REFUND"): Promise<number> {
    const [row] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM payment WHERE order_id = ${orderId} AND kind = ${kind}::"PaymentKind"`;
    return row!.n;
  },

  /** Writes an attempt PENDING, before its provider call (the partial unique index allows one per order). */
  async beginPayment(a: {
    orderId: number; kind: "CHARGE" | "REFUND"; provider: string; amount: number; currency: string; idempotencyKey: string;
    plan: StoredRefundPlan | null; leaseUntil: Date;
  }): Promise<PaymentAttemptRecord> {
    const [p] = await db().query<PaymentSqlRow>(
      `INSERT INTO payment (order_id, kind, status, provider, amount, currency, idempotency_key, plan, lease_until)
       VALUES ($1, $2::"PaymentKind", 'PENDING', $3, $4::numeric, $5, $6, $7::jsonb, $8) RETURNING ${PAYMENT_COLUMNS}`,
      [a.orderId, a.kind, a.provider, formatHundredths(a.amount), a.currency, a.idempotencyKey, a.plan ? JSON.stringify(a.plan) : null, a.leaseUntil],
    );
    return toAttempt(p!);
  },

  async setLease(paymentId: number, until: Date): Promise<void> {
    await db().execute`UPDATE payment SET lease_until = ${until} WHERE id = ${paymentId}`;
  },

  /**
   * Settles a pending attempt with the provider's answer; false when it was settled
   * already (another request finished it first).
   */
  async settlePayment(paymentId: number, outcome: { status: "SUCCEEDED"; reference: string } | { status: "FAILED"; failure: string }): Promise<boolean> {
    const count = await db().execute`
      UPDATE payment SET status = ${outcome.status}::"PaymentStatus", reference = ${"reference" in outcome ? outcome.reference : null},
        failure = ${"failure" in outcome ? outcome.failure : null}, settled_at = now(), lease_until = NULL
      WHERE id = ${paymentId} AND status = 'PENDING'`;
    return count === 1;
  },

  /** The provider's reference of the order's settled charge. */
  async chargeReference(orderId: number): Promise<string | null> {
    const [p] = await db().sql<{ reference: string | null }>`
      SELECT reference FROM payment WHERE order_id = ${orderId} AND kind = 'CHARGE' AND status = 'SUCCEEDED' ORDER BY id LIMIT 1`;
    return p?.reference ?? null;
  },

  /** A member's latest orders, newest first (their dashboard), as a read. */
  recentRead(memberId: number, limit: number): Read<OrderRecord[]> {
    return queryRead<OrderSqlRow, OrderRecord[]>(
      `${ORDER_SELECT} WHERE o.member_id = $1 ORDER BY o.placed_at DESC, o.id DESC LIMIT $2`,
      [memberId, limit],
      (rows) => rows.map(fromSql),
    );
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
