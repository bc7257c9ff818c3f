import { Field, ID, InputType, Int } from "type-graphql";
import { OrderStatus } from "./order.type";

// Checked by order.rules.ts (normalizeOrderRequest), so the order form and the API
// refuse the same things.

@InputType("OrderLineInput")
export class OrderLineInput {
  @Field(() => ID) productId!: string;
  @Field(() => Int) quantity!: number;
}

@InputType("ShippingAddressInput")
export class ShippingAddressInput {
  @Field(() => String) name!: string;
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2?: string | null;
  @Field(() => String) city!: string;
  @Field(() => String) postalCode!: string;
  @Field(() => String, { nullable: true }) region?: string | null;
  @Field(() => String, { description: "ISO 3166-1 alpha-2; picks the warehouse and the tax rate." }) country!: string;
}

@InputType("PlaceOrderInput")
export class PlaceOrderInput {
  @Field(() => ID, { nullable: true, description: "The distributor credited; you when left out (admins may name anyone)." })
  memberId?: string | null;
  @Field(() => ID, { nullable: true, description: "One of your retail customers; the volume goes to you." })
  customerId?: string | null;
  @Field(() => [OrderLineInput]) lines!: OrderLineInput[];
  @Field(() => String, { description: "ISO 4217; every product needs a price in it." }) currency!: string;
  @Field(() => ShippingAddressInput) shippingAddress!: ShippingAddressInput;
  @Field(() => String, { description: "Unique per order you mean to place: the same key sent again returns the first order." })
  idempotencyKey!: string;
  @Field(() => Int, { nullable: true, description: "Points that pay part of the order (see checkoutPoints): spent when the order is placed, given back if it is cancelled, in the refunded share when refunded." })
  points?: number | null;
}

@InputType("RefundLineInput")
export class RefundLineInput {
  @Field(() => ID) lineId!: string;
  @Field(() => Int) quantity!: number;
}

@InputType("OrderFilter")
export class OrderFilter {
  @Field(() => OrderStatus, { nullable: true }) status?: OrderStatus | null;
  @Field(() => ID, { nullable: true, description: "Admins only; others always see their own." }) memberId?: string | null;
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => Date, { nullable: true }) placedFrom?: Date | null;
  @Field(() => Date, { nullable: true }) placedBefore?: Date | null;
  @Field(() => String, { nullable: true }) currency?: string | null;
}
