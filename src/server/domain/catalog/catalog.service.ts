import type { Viewer } from "@/server/domain/member/member.types";
import { forbidden, notFound } from "@/server/domain/shared/access.errors";
import { InputError, fieldError } from "@/server/domain/shared/input.errors";
import { CatalogErrorCode } from "./catalog.errors";
import { catalogRepository, StockBelowReserved } from "./catalog.repository";
import { validateAdjustment, validateProduct, type ProductData, type ProductInput } from "./catalog.rules";
import type { ProductFilter, ProductRecord } from "./catalog.types";

const isAdmin = (v: Viewer | null) => v?.role === "ADMIN";

function requireAdmin(viewer: Viewer, what: string) {
  if (!isAdmin(viewer)) throw forbidden(what);
}

export const catalogService = {
  /** Products, oldest first. Only admins see inactive ones. */
  list(viewer: Viewer | null, filter: ProductFilter, first: number, afterId: number | null) {
    const f = isAdmin(viewer) ? filter : { ...filter, active: true };
    return catalogRepository.list(f, Math.min(Math.max(first, 1), 200), afterId);
  },

  async get(viewer: Viewer | null, id: number): Promise<ProductRecord> {
    const p = await catalogRepository.findById(id);
    if (!p || (!p.active && !isAdmin(viewer))) throw notFound("Product");
    return p;
  },

  findManyByIds(ids: readonly number[]) {
    return catalogRepository.findManyByIds(ids);
  },

  categories() {
    return catalogRepository.categories();
  },

  async create(viewer: Viewer, input: ProductInput): Promise<ProductRecord> {
    requireAdmin(viewer, "the catalog");
    const { data, errors } = validateProduct(input, false);
    if (data.sku && (await catalogRepository.skuExists(data.sku))) {
      errors.push({ field: "sku", code: CatalogErrorCode.SKU_TAKEN, message: "Another product has this SKU." });
    }
    if (errors.length > 0) throw new InputError(errors);
    try {
      return await catalogRepository.create(data as ProductData);
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw fieldError("sku", CatalogErrorCode.SKU_TAKEN, "Another product has this SKU.");
      throw err;
    }
  },

  /** Changes the fields given; deactivating keeps past orders intact and stops new ones. */
  async update(viewer: Viewer, id: number, input: ProductInput): Promise<ProductRecord> {
    requireAdmin(viewer, "the catalog");
    if (!(await catalogRepository.findById(id))) throw fieldError("id", CatalogErrorCode.NOT_FOUND, "No such product.");
    const { data, errors } = validateProduct(input, true);
    if (data.sku && (await catalogRepository.skuExists(data.sku, id))) {
      errors.push({ field: "sku", code: CatalogErrorCode.SKU_TAKEN, message: "Another product has this SKU." });
    }
    if (errors.length > 0) throw new InputError(errors);
    return catalogRepository.update(id, data);
  },

  async stock(viewer: Viewer, productIds: readonly number[]) {
    requireAdmin(viewer, "stock levels");
    return catalogRepository.stockOf(productIds);
  },

  async adjustments(viewer: Viewer, productId: number, limit = 50) {
    requireAdmin(viewer, "stock history");
    return catalogRepository.adjustments(productId, Math.min(Math.max(limit, 1), 500));
  },

  /** Adds or removes units in one warehouse, recorded with the reason and the admin. */
  async adjustStock(viewer: Viewer, input: { productId: number; warehouseId: number; delta: number; reason: string }) {
    requireAdmin(viewer, "stock levels");
    const errors = validateAdjustment(input.delta, input.reason);
    if (!(await catalogRepository.findById(input.productId))) errors.push({ field: "productId", code: CatalogErrorCode.NOT_FOUND, message: "No such product." });
    if (!(await catalogRepository.findWarehouse(input.warehouseId))) errors.push({ field: "warehouseId", code: CatalogErrorCode.NOT_FOUND, message: "No such warehouse." });
    if (errors.length > 0) throw new InputError(errors);
    try {
      return await catalogRepository.adjust(input.productId, input.warehouseId, input.delta, input.reason.trim(), viewer.id);
    } catch (err) {
      if (err instanceof StockBelowReserved) {
        throw fieldError("delta", CatalogErrorCode.STOCK_BELOW_RESERVED, `${err.reserved} units are reserved for open orders; stock cannot go below that.`);
      }
      throw err;
    }
  },

  warehouses() {
    return catalogRepository.warehouses();
  },

  warehouseFor(country: string) {
    return catalogRepository.warehouseFor(country);
  },

  entries(ids: readonly number[]) {
    return catalogRepository.entries(ids);
  },

  reserve: catalogRepository.reserve,
  release: catalogRepository.release,
  ship: catalogRepository.ship,
};
