import { formatHundredths, hundredths } from "@/lib/money";
import { Prisma } from "@/server/db/client";
import { db } from "@/server/db/unit-of-work";
import { toPage, type Page } from "@/server/domain/shared/page";
import type { ProductData } from "./catalog.rules";
import type {
  CatalogEntry, ProductFilter, ProductRecord, StockAdjustmentRecord, StockLine, StockRecord, WarehouseRecord,
} from "./catalog.types";

const productInclude = { prices: { orderBy: { currency: "asc" } } } satisfies Prisma.ProductInclude;
type ProductRow = Prisma.ProductGetPayload<{ include: typeof productInclude }>;

function toRecord(p: ProductRow): ProductRecord {
  return {
    id: p.id, sku: p.sku, name: p.name, description: p.description, imageUrl: p.imageUrl, category: p.category, labels: p.labels,
    pv: p.pv.toFixed(2), bv: p.bv.toFixed(2), active: p.active, createdAt: p.createdAt, updatedAt: p.updatedAt,
    prices: p.prices.map((x) => ({ currency: x.currency, amount: x.amount.toFixed(2) })),
  };
}

const decimal = (hundredthsValue: number) => new Prisma.Decimal(formatHundredths(hundredthsValue));

function productWhere(filter: ProductFilter): Prisma.ProductWhereInput {
  const where: Prisma.ProductWhereInput = {};
  if (filter.category) where.category = filter.category;
  if (filter.active != null) where.active = filter.active;
  const search = filter.search?.trim();
  if (search) where.OR = [{ name: { contains: search, mode: "insensitive" } }, { sku: { startsWith: search.toUpperCase() } }];
  return where;
}

/** Stock rows are always locked in product-id order, so two orders never deadlock. */
function inLockOrder(lines: readonly StockLine[]): StockLine[] {
  return [...lines].sort((a, b) => a.productId - b.productId);
}

export const catalogRepository = {
  async list(filter: ProductFilter, limit: number, afterId: number | null): Promise<Page<ProductRecord>> {
    const where = productWhere(filter);
    const { orm } = db();
    const [rows, totalCount] = await Promise.all([
      orm.product.findMany({
        where: afterId ? { AND: [where, { id: { gt: afterId } }] } : where,
        include: productInclude,
        orderBy: { id: "asc" },
        take: limit + 1,
      }),
      orm.product.count({ where }),
    ]);
    return toPage(rows.map(toRecord), limit, totalCount);
  },

  async findById(id: number): Promise<ProductRecord | null> {
    const p = await db().orm.product.findUnique({ where: { id }, include: productInclude });
    return p && toRecord(p);
  },

  async findManyByIds(ids: readonly number[]): Promise<ProductRecord[]> {
    const rows = await db().orm.product.findMany({ where: { id: { in: [...ids] } }, include: productInclude });
    return rows.map(toRecord);
  },

  async skuExists(sku: string, exceptId?: number): Promise<boolean> {
    return (await db().orm.product.count({ where: { sku, ...(exceptId ? { id: { not: exceptId } } : {}) } })) > 0;
  },

  async categories(): Promise<{ category: string; count: number }[]> {
    const rows = await db().orm.product.groupBy({ by: ["category"], _count: { _all: true }, orderBy: { category: "asc" } });
    return rows.map((r) => ({ category: r.category, count: r._count._all }));
  },

  async create(data: ProductData): Promise<ProductRecord> {
    const { prices, pv, bv, ...rest } = data;
    const p = await db().orm.product.create({
      data: { ...rest, pv: decimal(pv), bv: decimal(bv), prices: { create: prices.map((x) => ({ currency: x.currency, amount: decimal(x.amount) })) } },
      include: productInclude,
    });
    return toRecord(p);
  },

  /** Changes the given fields; a price list replaces the old one whole (call inside a transaction). */
  async update(id: number, data: Partial<ProductData>): Promise<ProductRecord> {
    const { prices, pv, bv, ...rest } = data;
    const { orm } = db();
    if (prices) {
      await orm.productPrice.deleteMany({ where: { productId: id } });
      await orm.productPrice.createMany({ data: prices.map((x) => ({ productId: id, currency: x.currency, amount: decimal(x.amount) })) });
    }
    const p = await orm.product.update({
      where: { id },
      data: { ...rest, ...(pv != null ? { pv: decimal(pv) } : {}), ...(bv != null ? { bv: decimal(bv) } : {}) },
      include: productInclude,
    });
    return toRecord(p);
  },

  async stockOf(productIds: readonly number[]): Promise<StockRecord[]> {
    const rows = await db().orm.stock.findMany({
      where: { productId: { in: [...productIds] } },
      include: { warehouse: true },
      orderBy: [{ productId: "asc" }, { warehouseId: "asc" }],
    });
    return rows.map((s) => ({
      productId: s.productId, warehouseId: s.warehouseId, warehouseCode: s.warehouse.code, warehouseName: s.warehouse.name,
      onHand: s.onHand, reserved: s.reserved,
    }));
  },

  async adjustments(productId: number, limit: number): Promise<StockAdjustmentRecord[]> {
    const rows = await db().orm.stockAdjustment.findMany({
      where: { productId },
      include: { warehouse: true, actor: { select: { id: true, firstName: true, lastName: true } } },
      orderBy: { id: "desc" },
      take: limit,
    });
    return rows.map((a) => ({
      id: a.id.toString(), productId: a.productId, warehouseCode: a.warehouse.code, delta: a.delta,
      onHandAfter: a.onHandAfter, reason: a.reason, actor: a.actor, createdAt: a.createdAt,
    }));
  },

  /** The stock row of a product in a warehouse, created empty if missing and locked until the transaction ends. */
  async lockStock(productId: number, warehouseId: number): Promise<{ onHand: number; reserved: number }> {
    const tx = db();
    await tx.execute`INSERT INTO stock (product_id, warehouse_id, on_hand, reserved) VALUES (${productId}, ${warehouseId}, 0, 0)
      ON CONFLICT (product_id, warehouse_id) DO NOTHING`;
    const [row] = await tx.sql<{ onHand: number; reserved: number }>`
      SELECT on_hand AS "onHand", reserved FROM stock WHERE product_id = ${productId} AND warehouse_id = ${warehouseId} FOR UPDATE`;
    return row!;
  },

  /** Sets on-hand stock and records who changed it by how much and why. */
  async setOnHand(productId: number, warehouseId: number, onHand: number, adjustment: { delta: number; reason: string; actorId: number }): Promise<StockRecord> {
    const { orm } = db();
    const s = await orm.stock.update({
      where: { productId_warehouseId: { productId, warehouseId } },
      data: { onHand },
      include: { warehouse: true },
    });
    await orm.stockAdjustment.create({ data: { productId, warehouseId, onHandAfter: onHand, ...adjustment } });
    return { productId, warehouseId, warehouseCode: s.warehouse.code, warehouseName: s.warehouse.name, onHand: s.onHand, reserved: s.reserved };
  },

  warehouses(): Promise<WarehouseRecord[]> {
    return db().orm.warehouse.findMany({ orderBy: { id: "asc" } });
  },

  async findWarehouse(id: number): Promise<WarehouseRecord | null> {
    return db().orm.warehouse.findUnique({ where: { id } });
  },

  /** The warehouse serving a country, else the default one, else the first (one query). */
  async warehouseFor(country: string): Promise<WarehouseRecord | null> {
    const [w] = await db().sql<WarehouseRecord>`
      SELECT id, code, name, countries, is_default AS "isDefault" FROM warehouse
      ORDER BY (${country} = ANY(countries)) DESC, is_default DESC, id LIMIT 1`;
    return w ?? null;
  },

  async createWarehouse(data: Omit<WarehouseRecord, "id">): Promise<WarehouseRecord> {
    return db().orm.warehouse.create({ data });
  },

  /** The catalog as pricing needs it, in hundredths. */
  async entries(ids: readonly number[]): Promise<Map<number, CatalogEntry>> {
    // SQL in one statement: read on every order.
    const rows = await db().query<{ id: number; sku: string; name: string; active: boolean; pv: string; bv: string; prices: Record<string, string> }>(
      `SELECT p.id, p.sku, p.name, p.active, p.pv::text, p.bv::text,
         (SELECT coalesce(json_object_agg(x.currency, x.amount::text), '{}') FROM product_price x WHERE x.product_id = p.id) AS prices
       FROM product p WHERE p.id = ANY($1::int[])`,
      [[...ids]],
    );
    return new Map(rows.map((p) => [p.id, {
      id: p.id, sku: p.sku, name: p.name, active: p.active, pv: hundredths(p.pv), bv: hundredths(p.bv),
      prices: Object.fromEntries(Object.entries(p.prices).map(([currency, amount]) => [currency, hundredths(amount)])),
    }]));
  },

  /**
   * Reserves every line or none: one conditional update per line in product order (a
   * fixed lock order, so two orders never deadlock). Returns the products that did not
   * have enough; the caller rolls the transaction back then.
   */
  async reserve(warehouseId: number, lines: readonly StockLine[]): Promise<number[]> {
    const short: number[] = [];
    for (const line of inLockOrder(lines)) {
      const n = await db().execute`UPDATE stock SET reserved = reserved + ${line.quantity}
        WHERE product_id = ${line.productId} AND warehouse_id = ${warehouseId} AND on_hand - reserved >= ${line.quantity}`;
      if (n === 0) short.push(line.productId);
    }
    return short;
  },

  /** Gives reserved units back (cancel, refund before shipping). */
  async release(warehouseId: number, lines: readonly StockLine[]): Promise<void> {
    for (const line of inLockOrder(lines)) {
      if (line.quantity > 0) {
        await db().execute`UPDATE stock SET reserved = reserved - ${line.quantity} WHERE product_id = ${line.productId} AND warehouse_id = ${warehouseId}`;
      }
    }
  },

  /** Reserved units leave the warehouse. */
  async ship(warehouseId: number, lines: readonly StockLine[]): Promise<void> {
    for (const line of inLockOrder(lines)) {
      if (line.quantity > 0) {
        await db().execute`UPDATE stock SET reserved = reserved - ${line.quantity}, on_hand = on_hand - ${line.quantity}
          WHERE product_id = ${line.productId} AND warehouse_id = ${warehouseId}`;
      }
    }
  },
};
