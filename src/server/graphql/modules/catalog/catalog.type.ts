import { Field, ID, Int, ObjectType } from "type-graphql";
import { CatalogErrorCode } from "@/server/domain/catalog/catalog.errors";
import { connectionType } from "../../shared/connection";
import { fieldErrorType, payloadType } from "../../shared/field-error";

// Decimals (prices, PV, BV) travel as strings such as "19.99": exact, never floats.

@ObjectType("Price")
export class Price {
  @Field(() => String, { description: "ISO 4217." }) currency!: string;
  @Field(() => String, { description: "Decimal string." }) amount!: string;
}

@ObjectType("StockLevel", { description: "Units in one warehouse (admins)." })
export class StockLevel {
  @Field(() => ID) warehouseId!: string;
  @Field(() => String) warehouseCode!: string;
  @Field(() => String) warehouseName!: string;
  @Field(() => Int) onHand!: number;
  @Field(() => Int, { description: "Held for orders not yet shipped." }) reserved!: number;
  @Field(() => Int, { description: "onHand − reserved: what can still be ordered." }) available!: number;
}

@ObjectType("StockAdjustment", { description: "One recorded change of on-hand stock." })
export class StockAdjustment {
  @Field(() => ID) id!: string;
  @Field(() => String) warehouseCode!: string;
  @Field(() => Int) delta!: number;
  @Field(() => Int) onHandAfter!: number;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true, description: "Name of the admin who made it." }) actorName!: string | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType("Product")
export class Product {
  @Field(() => ID) id!: string;
  @Field(() => String) sku!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => String, { nullable: true }) imageUrl!: string | null;
  @Field(() => String) category!: string;
  @Field(() => [String], { description: "Labels loyalty rules match or exclude." }) labels!: string[];
  @Field(() => String, { description: "Personal volume per unit (decimal string)." }) pv!: string;
  @Field(() => String, { description: "Business volume per unit (decimal string)." }) bv!: string;
  @Field(() => Boolean) active!: boolean;
  @Field(() => [Price]) prices!: Price[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType("Warehouse")
export class Warehouse {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => [String], { description: "Countries it ships to (ISO 3166-1 alpha-2)." }) countries!: string[];
  @Field(() => Boolean) isDefault!: boolean;
}

export const ProductConnection = connectionType("Product", Product);

export const CatalogError = fieldErrorType("CatalogError", CatalogErrorCode);

export const ProductPayload = payloadType("ProductPayload", "product", Product, CatalogError);

export const AdjustStockPayload = payloadType("AdjustStockPayload", "stock", StockLevel, CatalogError);
