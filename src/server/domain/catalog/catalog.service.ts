import { isUniqueViolation, transaction } from "@/server/db/unit-of-work";
import { can, notFound, requirePermission } from "@/server/domain/shared/access";
import { FieldErrors, fieldError } from "@/server/domain/shared/input.errors";
import { pageSize } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { CatalogErrorCode } from "./catalog.errors";
import { catalogRepository } from "./catalog.repository";
import { validateAdjustment, validateProduct, type ProductData, type ProductInput } from "./catalog.rules";
import type { CatalogEntry, ProductFilter, ProductRecord, StockLine, StockRecord } from "./catalog.types";

const skuTaken = () => fieldError("sku", CatalogErrorCode.SKU_TAKEN, "Another product has this SKU.");

export const catalogService = {
  /** Products, oldest first. Only catalogue editors see inactive ones. */
  list(viewer: Viewer | null, filter: ProductFilter, first: number, afterId: number | null) {
    const f = can(viewer, "catalog.write") ? filter : { ...filter, active: true };
    return catalogRepository.list(f, pageSize(first), afterId);
  },

  async get(viewer: Viewer | null, id: number): Promise<ProductRecord> {
    const p = await catalogRepository.findById(id);
    if (!p || (!p.active && !can(viewer, "catalog.write"))) throw notFound("Product");
    return p;
  },

  findManyByIds(ids: readonly number[]) {
    return catalogRepository.findManyByIds(ids);
  },

  categories() {
    return catalogRepository.categories();
  },

  async create(viewer: Viewer, input: ProductInput): Promise<ProductRecord> {
    requirePermission(viewer, "catalog.write", "the catalog");
    const { data, errors } = validateProduct(input, false);
    const found = new FieldErrors<CatalogErrorCode>().addAll(errors);
    if (data.sku && (await catalogRepository.skuExists(data.sku))) found.addAll(skuTaken().errors);
    found.throwIfAny();
    try {
      return await catalogRepository.create(data as ProductData);
    } catch (err) {
      if (isUniqueViolation(err, "sku")) throw skuTaken();
      throw err;
    }
  },

  /** Changes the fields given; deactivating keeps past orders intact and stops new ones. */
  async update(viewer: Viewer, id: number, input: ProductInput): Promise<ProductRecord> {
    requirePermission(viewer, "catalog.write", "the catalog");
    if (!(await catalogRepository.findById(id))) throw fieldError("id", CatalogErrorCode.NOT_FOUND, "No such product.");
    const { data, errors } = validateProduct(input, true);
    const found = new FieldErrors<CatalogErrorCode>().addAll(errors);
    if (data.sku && (await catalogRepository.skuExists(data.sku, id))) found.addAll(skuTaken().errors);
    found.throwIfAny();
    try {
      return await transaction(() => catalogRepository.update(id, data));
    } catch (err) {
      if (isUniqueViolation(err, "sku")) throw skuTaken();
      throw err;
    }
  },

  async stock(viewer: Viewer, productIds: readonly number[]) {
    requirePermission(viewer, "catalog.write", "stock levels");
    return catalogRepository.stockOf(productIds);
  },

  async adjustments(viewer: Viewer, productId: number, limit = 50) {
    requirePermission(viewer, "catalog.write", "stock history");
    return catalogRepository.adjustments(productId, pageSize(limit, 50, 500));
  },

  /**
   * Adds or removes units in one warehouse, recorded with the reason and the admin. The
   * stock row is locked first, so concurrent adjustments and reservations see each other.
   */
  async adjustStock(viewer: Viewer, input: { productId: number; warehouseId: number; delta: number; reason: string }): Promise<StockRecord> {
    requirePermission(viewer, "catalog.write", "stock levels");
    const errors = new FieldErrors<CatalogErrorCode>().addAll(validateAdjustment(input.delta, input.reason));
    if (!(await catalogRepository.findById(input.productId))) errors.add("productId", CatalogErrorCode.NOT_FOUND, "No such product.");
    if (!(await catalogRepository.findWarehouse(input.warehouseId))) errors.add("warehouseId", CatalogErrorCode.NOT_FOUND, "No such warehouse.");
    errors.throwIfAny();
    return transaction(async () => {
      const stock = await catalogRepository.lockStock(input.productId, input.warehouseId);
      const onHand = stock.onHand + input.delta;
      if (onHand < stock.reserved) {
        throw fieldError("delta", CatalogErrorCode.STOCK_BELOW_RESERVED, `${stock.reserved} units are reserved for open orders; stock cannot go below that.`);
      }
      return catalogRepository.setOnHand(input.productId, input.warehouseId, onHand, { delta: input.delta, reason: input.reason.trim(), actorId: viewer.id });
    });
  },

  warehouses() {
    return catalogRepository.warehouses();
  },

  warehouseFor(country: string) {
    return catalogRepository.warehouseFor(country);
  },

  entries(ids: readonly number[]): Promise<Map<number, CatalogEntry>> {
    return catalogRepository.entries(ids);
  },

  /** Reserves every line or none (in the caller's transaction); returns the products short of stock. */
  reserve(warehouseId: number, lines: readonly StockLine[]): Promise<number[]> {
    return catalogRepository.reserve(warehouseId, lines);
  },

  /** Gives reserved units back (cancel, refund before shipping), in the caller's transaction. */
  release(warehouseId: number, lines: readonly StockLine[]): Promise<void> {
    return catalogRepository.release(warehouseId, lines);
  },

  /** Reserved units leave the warehouse, in the caller's transaction. */
  ship(warehouseId: number, lines: readonly StockLine[]): Promise<void> {
    return catalogRepository.ship(warehouseId, lines);
  },
};
