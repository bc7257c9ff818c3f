import { Field, ID, InputType, Int } from "type-graphql";

// Checked by catalog.rules.ts, so the admin pages and the API refuse the same things.

@InputType("PriceInput")
export class PriceInput {
  @Field(() => String) currency!: string;
  @Field(() => String, { description: "Decimal string, at most two decimals." }) amount!: string;
}

@InputType("CreateProductInput")
export class CreateProductInput {
  @Field(() => String) sku!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) imageUrl?: string | null;
  @Field(() => String) category!: string;
  @Field(() => [String], { nullable: true, description: "Labels loyalty rules match or exclude (\"gift-card\"): lower case, 1–32 letters, digits, - and _." }) labels?: string[] | null;
  @Field(() => String, { nullable: true, description: "Per unit; 0 when left out." }) pv?: string | null;
  @Field(() => String, { nullable: true, description: "Per unit; 0 when left out." }) bv?: string | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
  @Field(() => [PriceInput]) prices!: PriceInput[];
}

@InputType("UpdateProductInput", { description: "Fields left out stay as they are; prices, when given, replace the list." })
export class UpdateProductInput {
  @Field(() => String, { nullable: true }) sku?: string | null;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) imageUrl?: string | null;
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field(() => [String], { nullable: true, description: "Given, replaces the list." }) labels?: string[] | null;
  @Field(() => String, { nullable: true }) pv?: string | null;
  @Field(() => String, { nullable: true }) bv?: string | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
  @Field(() => [PriceInput], { nullable: true }) prices?: PriceInput[] | null;
}

@InputType("AdjustStockInput")
export class AdjustStockInput {
  @Field(() => ID) productId!: string;
  @Field(() => ID) warehouseId!: string;
  @Field(() => Int, { description: "Units added (positive) or removed (negative)." }) delta!: number;
  @Field(() => String, { description: "Why, for the audit trail." }) reason!: string;
}

@InputType("ProductFilter")
export class ProductFilter {
  @Field(() => String, { nullable: true, description: "Name contains, or SKU starts with." }) search?: string | null;
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field(() => Boolean, { nullable: true, description: "Admins only; others always see active products." }) active?: boolean | null;
}
