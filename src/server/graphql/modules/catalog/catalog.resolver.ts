import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { catalogService } from "@/server/domain/catalog/catalog.service";
import type { ProductRecord, StockAdjustmentRecord, StockRecord } from "@/server/domain/catalog/catalog.types";
import type { Context } from "../../context";
import { idCursor, toConnection } from "../../shared/connection";
import { parseId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { AdjustStockInput, CreateProductInput, ProductFilter, UpdateProductInput } from "./catalog.input";
import {
  AdjustStockPayload, Product, ProductConnection, ProductPayload, StockAdjustment, StockLevel, Warehouse,
} from "./catalog.type";

const stockLevel = (s: StockRecord) => Object.assign({}, s, { warehouseId: String(s.warehouseId), available: s.onHand - s.reserved });

@Resolver(() => Product)
export class CatalogResolver {
  @Query(() => ProductConnection, { description: "The catalog, oldest first. Inactive products only for admins." })
  async products(
    @Ctx() ctx: Context,
    @Arg("filter", () => ProductFilter, { nullable: true }) filter?: ProductFilter | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = await catalogService.list(ctx.viewer, filter ?? {}, first, parseId(after, "after", "a product cursor"));
    return toConnection(page, idCursor);
  }

  @Query(() => Product)
  product(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return catalogService.get(ctx.viewer, parseId(id, "id", "a product id")!);
  }

  @Authorized("catalog.write")
  @Query(() => [Warehouse])
  async warehouses() {
    return (await catalogService.warehouses()).map((w) => ({ ...w, id: String(w.id) }));
  }

  @Authorized("catalog.write")
  @Mutation(() => ProductPayload)
  createProduct(@Arg("input", () => CreateProductInput) input: CreateProductInput, @Ctx() ctx: Context) {
    return payload("product", () => catalogService.create(requireViewer(ctx), input));
  }

  @Authorized("catalog.write")
  @Mutation(() => ProductPayload)
  updateProduct(@Arg("id", () => ID) id: string, @Arg("input", () => UpdateProductInput) input: UpdateProductInput, @Ctx() ctx: Context) {
    return payload("product", () => catalogService.update(requireViewer(ctx), parseId(id, "id", "a product id")!, input));
  }

  @Authorized("catalog.write")
  @Mutation(() => AdjustStockPayload, { description: "Adds or removes on-hand units, recorded with the reason and who did it." })
  async adjustStock(@Arg("input", () => AdjustStockInput) input: AdjustStockInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    const productId = parseId(input.productId, "productId", "a product id")!;
    const warehouseId = parseId(input.warehouseId, "warehouseId", "a warehouse id")!;
    const result = await payload("stock", () => catalogService.adjustStock(viewer, { productId, warehouseId, delta: input.delta, reason: input.reason }));
    return { ...result, stock: result.stock && stockLevel(result.stock) };
  }

  @Authorized("catalog.write")
  @FieldResolver(() => [StockLevel], { description: "Per warehouse (admins)." })
  async stock(@Root() p: ProductRecord, @Ctx() ctx: Context) {
    return (await catalogService.stock(requireViewer(ctx), [p.id])).map(stockLevel);
  }

  @Authorized("catalog.write")
  @FieldResolver(() => [StockAdjustment], { description: "Newest first (admins)." })
  async stockAdjustments(@Root() p: ProductRecord, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50) {
    return (await catalogService.adjustments(requireViewer(ctx), p.id, first)).map((a: StockAdjustmentRecord) => ({
      ...a, actorName: a.actor ? `${a.actor.firstName} ${a.actor.lastName}` : null,
    }));
  }
}
