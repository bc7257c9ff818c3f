import { applyBasisPoints, defaultCurrencyFor, formatHundredths } from "../../src/lib/money";
import type { SqlDriver } from "../../src/server/db/driver";
import { periodBounds } from "../../src/server/domain/volume/volume.rules";
import { rng } from "./network";

// name, category, price in USD cents, PV and BV in hundredths per unit
const CATALOG: [string, string, number, number, number][] = [
  ["Vitamin C 1000", "Supplements", 2499, 2000, 1600], ["Omega-3 Fish Oil", "Supplements", 3499, 3000, 2400],
  ["Daily Multivitamin", "Supplements", 2999, 2500, 2000], ["Magnesium Complex", "Supplements", 1999, 1500, 1200],
  ["Probiotic 20B", "Supplements", 4499, 4000, 3200], ["Vitamin D3 + K2", "Supplements", 2199, 1800, 1400],
  ["Collagen Peptides", "Supplements", 4999, 4500, 3600], ["Iron Plus", "Supplements", 1599, 1200, 1000],
  ["Hydrating Cleanser", "Skin care", 2899, 2200, 1800], ["Vitamin C Serum", "Skin care", 5499, 4500, 3600],
  ["Night Repair Cream", "Skin care", 6499, 5500, 4400], ["SPF 50 Day Lotion", "Skin care", 3299, 2600, 2000],
  ["Eye Contour Gel", "Skin care", 3999, 3200, 2600], ["Clay Mask", "Skin care", 2499, 1900, 1500],
  ["Shake Mix Vanilla", "Weight management", 4999, 4200, 3400], ["Shake Mix Chocolate", "Weight management", 4999, 4200, 3400],
  ["Fiber Blend", "Weight management", 2799, 2200, 1800], ["Metabolism Tea", "Weight management", 1999, 1600, 1300],
  ["Protein Bars (12)", "Weight management", 2999, 2400, 1900], ["30-Day Reset Kit", "Weight management", 19999, 17500, 14000],
  ["Green Tea Energy", "Beverages", 2299, 1800, 1400], ["Electrolyte Sticks", "Beverages", 1899, 1500, 1200],
  ["Aloe Vera Drink", "Beverages", 3299, 2700, 2200], ["Cold Brew Coffee", "Beverages", 2599, 2000, 1600],
  ["Herbal Sleep Tea", "Beverages", 1499, 1100, 900], ["Mushroom Cocoa", "Beverages", 2899, 2300, 1800],
  ["Multi-Surface Cleaner", "Home care", 1299, 800, 600], ["Laundry Concentrate", "Home care", 2499, 1800, 1400],
  ["Dish Liquid", "Home care", 999, 600, 500], ["Air Purifier Filter", "Home care", 5999, 4000, 3200],
  ["Lavender Oil 15 ml", "Essential oils", 2199, 1700, 1300], ["Peppermint Oil 15 ml", "Essential oils", 1999, 1500, 1200],
  ["Tea Tree Oil 15 ml", "Essential oils", 1899, 1400, 1100], ["Diffuser", "Essential oils", 4499, 2500, 2000],
  ["Calm Blend Roll-on", "Essential oils", 2599, 2000, 1600], ["Starter Oil Kit", "Essential oils", 14999, 12500, 10000],
];

export const DEMO_TAX_RATES: Record<string, number> = { DE: 1900, FR: 2000, ES: 2100, PL: 2300, GB: 2000, MX: 1600, BR: 1700, IN: 1800, JP: 1000, PH: 1200, NG: 750 };
const priceIn = (usd: number, currency: string) => (currency === "EUR" ? Math.round(usd * 0.92) : currency === "GBP" ? Math.round(usd * 0.79) : usd);

const DAY = 24 * 3600 * 1000;

export interface DemoBuyer {
  id: number;
  country: string;
  joinedAt: Date;
  firstName: string;
  lastName: string;
}

/**
 * A catalog of 36 products in six categories, three warehouses, tax rates, some retail
 * customers and about a year of orders (paid, shipped, delivered, a few refunded or
 * cancelled, the last days still open), with their payments and the volume ledger.
 * Kept totals are rebuilt from the ledger afterwards by the caller.
 */
export async function seedCommerce(db: SqlDriver, buyers: DemoBuyer[], now: Date, seed = 7): Promise<{ orders: number }> {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;

  await db.query(`INSERT INTO warehouse (id, code, name, countries, is_default) VALUES
    (1, 'AMER', 'Americas (Dallas)', '{US,MX,BR}', true),
    (2, 'EMEA', 'Europe & Africa (Rotterdam)', '{DE,FR,ES,PL,GB,NG}', false),
    (3, 'APAC', 'Asia-Pacific (Singapore)', '{PH,IN,JP}', false)`);
  await db.query(`SELECT setval('warehouse_id_seq', 3)`);
  await db.query(
    `INSERT INTO setting (key, value, updated_at) VALUES ('order.taxRates', $1::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [JSON.stringify(DEMO_TAX_RATES)],
  );

  const products = CATALOG.map(([name, category, usd, pv, bv], i) => ({
    id: i + 1, sku: `${category.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(3, "0")}`, name, category, usd, pv, bv,
  }));
  await db.query(
    `INSERT INTO product (id, sku, name, description, category, pv, bv, active, created_at, updated_at)
     SELECT id, sku, name, 'From the demo catalog.', category, pv::numeric, bv::numeric, true, $7, $7
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, sku, name, category, pv, bv)`,
    [products.map((p) => p.id), products.map((p) => p.sku), products.map((p) => p.name), products.map((p) => p.category),
      products.map((p) => formatHundredths(p.pv)), products.map((p) => formatHundredths(p.bv)), new Date(now.getTime() - 400 * DAY).toISOString()],
  );
  await db.query(`SELECT setval('product_id_seq', $1)`, [products.length]);
  for (const currency of ["USD", "EUR", "GBP"]) {
    await db.query(
      `INSERT INTO product_price (product_id, currency, amount) SELECT id, $3, amount::numeric FROM unnest($1::int[], $2::text[]) AS t(id, amount)`,
      [products.map((p) => p.id), products.map((p) => formatHundredths(priceIn(p.usd, currency))), currency],
    );
  }

  // Retail customers: about one in five distributors has one to three.
  const customers: { id: number; distributorId: number; firstName: string; lastName: string; country: string }[] = [];
  for (const b of buyers) {
    if (random() > 0.2) continue;
    const n = 1 + Math.floor(random() * 3);
    for (let k = 0; k < n; k++) customers.push({ id: customers.length + 1, distributorId: b.id, firstName: pick(["Sam", "Alex", "Kim", "Lee", "Jo", "Max", "Noa", "Ray"]), lastName: b.lastName, country: b.country });
  }
  if (customers.length > 0) {
    await db.query(
      `INSERT INTO customer (id, distributor_id, first_name, last_name, country, created_at)
       SELECT id, d, f, l, c, $6 FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[]) AS t(id, d, f, l, c)`,
      [customers.map((c) => c.id), customers.map((c) => c.distributorId), customers.map((c) => c.firstName), customers.map((c) => c.lastName), customers.map((c) => c.country), now.toISOString()],
    );
    await db.query(`SELECT setval('customer_id_seq', $1)`, [customers.length]);
  }
  const customersOf = new Map<number, number[]>();
  for (const c of customers) customersOf.set(c.distributorId, [...(customersOf.get(c.distributorId) ?? []), c.id]);

  const warehouseOf = (country: string) => (["DE", "FR", "ES", "PL", "GB", "NG"].includes(country) ? 2 : ["PH", "IN", "JP"].includes(country) ? 3 : 1);
  const orders: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  const payments: Record<string, unknown>[] = [];
  const entries: Record<string, unknown>[] = [];
  const periods = new Map<number, number>(); // period start ms → id
  const periodOf = (at: Date) => {
    const start = periodBounds(at, "MONTHLY").startsAt.getTime();
    if (!periods.has(start)) periods.set(start, 0);
    return start;
  };

  for (const b of buyers) {
    // Most distributors order about monthly from the week they join; some lapse.
    const keen = b.id === 3 ? 1 : random();
    // Ava (the demo distributor) orders twice a month, so she is active nearly every month.
    for (let t = b.joinedAt.getTime() + random() * 10 * DAY; t < now.getTime(); t += (b.id === 3 ? 14 : 20 + random() * 25) * DAY) {
      if (random() > 0.25 + keen * 0.6) continue;
      const placedAt = new Date(t);
      const id = orders.length + 1;
      const customerId = customersOf.has(b.id) && random() < 0.3 ? pick(customersOf.get(b.id)!) : null;
      const currency = defaultCurrencyFor(b.country);
      const chosen = new Map<number, number>();
      const n = 1 + Math.floor(random() * 3);
      for (let k = 0; k < n; k++) {
        const p = pick(products);
        chosen.set(p.id, (chosen.get(p.id) ?? 0) + 1 + Math.floor(random() * 2));
      }
      let subtotal = 0;
      let pv = 0;
      let bv = 0;
      for (const [pid, qty] of chosen) {
        const p = products[pid - 1]!;
        const unit = priceIn(p.usd, currency);
        subtotal += unit * qty;
        pv += p.pv * qty;
        bv += p.bv * qty;
        lines.push({ order_id: id, product_id: pid, sku: p.sku, name: p.name, quantity: qty, unit_price: formatHundredths(unit), unit_pv: formatHundredths(p.pv), unit_bv: formatHundredths(p.bv) });
      }
      const tax = applyBasisPoints(subtotal, DEMO_TAX_RATES[b.country] ?? 0);
      const total = subtotal + tax;
      const age = (now.getTime() - t) / DAY;
      const fate = random();
      let status = "DELIVERED";
      if (age < 1.5) status = fate < 0.5 ? "PENDING" : "PAID";
      else if (age < 5) status = fate < 0.15 ? "PENDING" : fate < 0.6 ? "PAID" : "SHIPPED";
      else if (age < 10) status = fate < 0.5 ? "SHIPPED" : "DELIVERED";
      if (status !== "PENDING" && fate > 0.97) status = "REFUNDED";
      if (status === "PENDING" && age > 3) status = "CANCELLED";
      if (age >= 3 && fate < 0.015) status = "CANCELLED";
      const paid = status !== "PENDING" && status !== "CANCELLED";
      const paidAt = paid ? new Date(Math.min(t + random() * 3 * 3600 * 1000, now.getTime() - 1000)) : null;
      const shippedAt = ["SHIPPED", "DELIVERED", "REFUNDED"].includes(status) ? new Date(Math.min(t + 1.5 * DAY, now.getTime())) : null;
      const deliveredAt = ["DELIVERED", "REFUNDED"].includes(status) ? new Date(Math.min(t + 5 * DAY, now.getTime())) : null;
      const refundedAt = status === "REFUNDED" ? new Date(Math.min(t + 8 * DAY, now.getTime())) : null;
      const period = paidAt ? periodOf(paidAt) : null;
      orders.push({
        id, member_id: b.id, customer_id: customerId, status, currency, subtotal: formatHundredths(subtotal), tax: formatHundredths(tax), total: formatHundredths(total),
        refunded_total: status === "REFUNDED" ? formatHundredths(total) : "0.00", pv: formatHundredths(pv), bv: formatHundredths(bv),
        address: JSON.stringify({ name: `${b.firstName} ${b.lastName}`, line1: `${1 + Math.floor(random() * 200)} Demo Street`, line2: null, city: "Demo City", postalCode: String(10000 + Math.floor(random() * 89999)), region: null, country: b.country }),
        country: b.country, warehouse_id: warehouseOf(b.country), period, placed_at: placedAt.toISOString(), paid_at: paidAt?.toISOString() ?? null,
        shipped_at: shippedAt?.toISOString() ?? null, delivered_at: deliveredAt?.toISOString() ?? null,
        cancelled_at: status === "CANCELLED" ? new Date(t + 2 * DAY).toISOString() : null,
      });
      if (paidAt) {
        payments.push({ order_id: id, kind: "CHARGE", reference: `order-${id}-charge`, amount: formatHundredths(total), currency, at: paidAt.toISOString() });
        entries.push({ period, member_id: b.id, order_id: id, pv: formatHundredths(pv), bv: formatHundredths(bv), reason: "ORDER_PAID", key: `order:${id}:paid`, at: paidAt.toISOString() });
      }
      if (refundedAt) {
        payments.push({ order_id: id, kind: "REFUND", reference: `order-${id}-refund-1`, amount: formatHundredths(total), currency, at: refundedAt.toISOString() });
        entries.push({ period, member_id: b.id, order_id: id, pv: formatHundredths(-pv), bv: formatHundredths(-bv), reason: "ORDER_REFUNDED", key: `order:${id}:refund:1`, at: refundedAt.toISOString() });
      }
      if (status === "REFUNDED") for (const l of lines.filter((x) => x.order_id === id)) l.refunded_quantity = l.quantity;
    }
  }

  // Number orders in the order they were placed, as a live system would (they were
  // generated buyer by buyer), and carry the new numbers into everything that names them.
  const renumber = new Map(
    [...orders].sort((x, y) => String(x.placed_at).localeCompare(String(y.placed_at))).map((o, i) => [o.id as number, i + 1]),
  );
  const idOf = (old: unknown) => renumber.get(old as number)!;
  for (const o of orders) o.id = idOf(o.id);
  for (const l of lines) l.order_id = idOf(l.order_id);
  for (const p of payments) {
    p.order_id = idOf(p.order_id);
    p.reference = String(p.reference).replace(/^order-\d+/, `order-${p.order_id}`);
  }
  for (const e of entries) {
    e.order_id = idOf(e.order_id);
    e.key = String(e.key).replace(/^order:\d+/, `order:${e.order_id}`);
  }
  orders.sort((x, y) => (x.id as number) - (y.id as number));

  // Periods: every month with payments, and the current one; past months are closed.
  periodOf(now);
  const current = periodBounds(now, "MONTHLY").startsAt.getTime();
  const starts = [...periods.keys()].sort((x, y) => x - y);
  const ids = await db.query<{ id: number; s: Date }>(
    `INSERT INTO period (kind, starts_at, ends_at, status, closed_at)
     SELECT 'MONTHLY', s, (s + interval '1 month'), CASE WHEN s < $2 THEN 'CLOSED'::"PeriodStatus" ELSE 'OPEN'::"PeriodStatus" END, CASE WHEN s < $2 THEN s + interval '1 month 3 days' END
     FROM unnest($1::timestamptz[]) AS s RETURNING id, starts_at AS s`,
    [starts.map((s) => new Date(s).toISOString()), new Date(current).toISOString()],
  );
  for (const r of ids) periods.set(new Date(r.s).getTime(), r.id);

  const col = <T extends Record<string, unknown>>(rows: T[], key: string) => rows.map((r) => r[key] ?? null);
  const BATCH = 5000;
  for (let i = 0; i < orders.length; i += BATCH) {
    const rows = orders.slice(i, i + BATCH).map((o) => ({ ...o, period_id: o.period == null ? null : periods.get(o.period as number) }));
    await db.query(
      `INSERT INTO sales_order (id, member_id, customer_id, placed_by_id, status, currency, subtotal, tax, total, refunded_total, pv, bv,
         shipping_address, ship_country, warehouse_id, idempotency_key, request_hash, period_id, placed_at, paid_at, shipped_at, delivered_at, cancelled_at, updated_at)
       SELECT id, member_id, customer_id, member_id, status::"OrderStatus", currency, subtotal::numeric, tax::numeric, total::numeric, refunded::numeric,
         pv::numeric, bv::numeric, address::jsonb, country, warehouse_id, 'demo-' || id, 'demo', period_id, placed_at, paid_at, shipped_at, delivered_at, cancelled_at,
         coalesce(cancelled_at, delivered_at, shipped_at, paid_at, placed_at)
       FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
         $12::text[], $13::text[], $14::int[], $15::int[], $16::timestamptz[], $17::timestamptz[], $18::timestamptz[], $19::timestamptz[], $20::timestamptz[])
         AS t(id, member_id, customer_id, status, currency, subtotal, tax, total, refunded, pv, bv, address, country, warehouse_id, period_id,
              placed_at, paid_at, shipped_at, delivered_at, cancelled_at)`,
      ["id", "member_id", "customer_id", "status", "currency", "subtotal", "tax", "total", "refunded_total", "pv", "bv", "address", "country",
        "warehouse_id", "period_id", "placed_at", "paid_at", "shipped_at", "delivered_at", "cancelled_at"].map((k) => col(rows, k)),
    );
  }
  await db.query(`SELECT setval('sales_order_id_seq', GREATEST($1, 1))`, [orders.length]);
  for (let i = 0; i < lines.length; i += BATCH) {
    const rows = lines.slice(i, i + BATCH);
    await db.query(
      `INSERT INTO order_line (order_id, product_id, sku, name, quantity, refunded_quantity, unit_price, unit_pv, unit_bv)
       SELECT o, p, s, n, q, coalesce(r, 0), up::numeric, upv::numeric, ubv::numeric
       FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[]) AS t(o, p, s, n, q, r, up, upv, ubv)`,
      ["order_id", "product_id", "sku", "name", "quantity", "refunded_quantity", "unit_price", "unit_pv", "unit_bv"].map((k) => col(rows, k)),
    );
  }
  for (let i = 0; i < payments.length; i += BATCH) {
    const rows = payments.slice(i, i + BATCH);
    await db.query(
      `INSERT INTO payment (order_id, kind, provider, reference, amount, currency, created_at)
       SELECT o, k::"PaymentKind", 'manual', r, a::numeric, c, at FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS t(o, k, r, a, c, at)`,
      ["order_id", "kind", "reference", "amount", "currency", "at"].map((k) => col(rows, k)),
    );
  }
  for (let i = 0; i < entries.length; i += BATCH) {
    const rows = entries.slice(i, i + BATCH).map((e) => ({ ...e, period_id: periods.get(e.period as number) }));
    await db.query(
      `INSERT INTO volume_entry (period_id, member_id, order_id, pv, bv, reason, idempotency_key, created_at)
       SELECT p, m, o, pv::numeric, bv::numeric, r, k, at FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) AS t(p, m, o, pv, bv, r, k, at)`,
      ["period_id", "member_id", "order_id", "pv", "bv", "reason", "key", "at"].map((k) => col(rows, k)),
    );
  }

  // Stock: plenty on hand everywhere, with what open orders hold reserved.
  await db.query(`INSERT INTO stock (product_id, warehouse_id, on_hand, reserved)
    SELECT p.id, w.id, 400 + (p.id * 37 + w.id * 11) % 600, 0 FROM product p CROSS JOIN warehouse w`);
  await db.query(`UPDATE stock s SET reserved = r.q, on_hand = greatest(s.on_hand, r.q) FROM (
      SELECT o.warehouse_id, l.product_id, sum(l.quantity - l.refunded_quantity)::int AS q
      FROM sales_order o JOIN order_line l ON l.order_id = o.id WHERE o.status IN ('PENDING', 'PAID') GROUP BY 1, 2
    ) r WHERE s.warehouse_id = r.warehouse_id AND s.product_id = r.product_id`);
  // The founder's company has one low-stock product, so the admin pages have something to flag.
  await db.query(`UPDATE stock SET on_hand = reserved + 3 WHERE product_id = 20 AND warehouse_id = 1`);
  await db.query(`INSERT INTO stock_adjustment (product_id, warehouse_id, delta, on_hand_after, reason, actor_id, created_at)
    SELECT product_id, warehouse_id, on_hand, on_hand, 'Opening stock', 1, $1 FROM stock`, [new Date(now.getTime() - 400 * DAY).toISOString()]);
  return { orders: orders.length };
}
