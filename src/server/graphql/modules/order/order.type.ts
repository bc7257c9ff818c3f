import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { OrderErrorCode } from "@/server/domain/order/order.errors";
import { connectionType } from "../../shared/connection";
import { fieldErrorType, payloadType } from "../../shared/field-error";

export enum OrderStatus {
  PENDING = "PENDING", PAID = "PAID", SHIPPED = "SHIPPED", DELIVERED = "DELIVERED", CANCELLED = "CANCELLED", REFUNDED = "REFUNDED",
}
registerEnumType(OrderStatus, { name: "OrderStatus", description: "pending → paid → shipped → delivered; cancelled before shipping; refunded when all is refunded." });

@ObjectType("ShippingAddress")
export class ShippingAddress {
  @Field(() => String) name!: string;
  @Field(() => String) line1!: string;
  @Field(() => String, { nullable: true }) line2!: string | null;
  @Field(() => String) city!: string;
  @Field(() => String) postalCode!: string;
  @Field(() => String, { nullable: true }) region!: string | null;
  @Field(() => String) country!: string;
}

@ObjectType("OrderLine")
export class OrderLine {
  @Field(() => ID) id!: string;
  @Field(() => ID) productId!: string;
  @Field(() => String) sku!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => Int) refundedQuantity!: number;
  @Field(() => String) unitPrice!: string;
  @Field(() => String) unitPv!: string;
  @Field(() => String) unitBv!: string;
}

@ObjectType("Payment", { description: "Money in (CHARGE) or back out (REFUND) through a payment provider." })
export class Payment {
  @Field(() => ID) id!: string;
  @Field(() => String) kind!: string;
  @Field(() => String) provider!: string;
  @Field(() => String) reference!: string;
  @Field(() => String) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType("Order")
export class Order {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: "The distributor credited with the volume." }) memberId!: string;
  @Field(() => ID, { nullable: true }) customerId!: string | null;
  @Field(() => ID) placedById!: string;
  @Field(() => OrderStatus) status!: OrderStatus;
  @Field(() => String) currency!: string;
  @Field(() => String) subtotal!: string;
  @Field(() => String) tax!: string;
  @Field(() => String) total!: string;
  @Field(() => String) refundedTotal!: string;
  @Field(() => String, { nullable: true, description: "The point type that paid part of the total, if any." }) pointsType!: string | null;
  @Field(() => Int, { description: "Points spent on the order at checkout." }) pointsRedeemed!: number;
  @Field(() => String, { description: "The part of the total those points paid." }) pointsValue!: string;
  @Field(() => Int, { description: "Points given back by cancellation or refunds." }) pointsReturned!: number;
  @Field(() => String, { description: "What the payment provider is charged: total less pointsValue." }) amountDue!: string;
  @Field(() => String, { description: "PV the order adds when paid." }) pv!: string;
  @Field(() => String) bv!: string;
  @Field(() => ID, { nullable: true, description: "The volume period it counts in (set when paid)." }) periodId!: string | null;
  @Field(() => Date) placedAt!: Date;
  @Field(() => Date, { nullable: true }) paidAt!: Date | null;
  @Field(() => Date, { nullable: true }) shippedAt!: Date | null;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => Date, { nullable: true }) cancelledAt!: Date | null;
  @Field(() => [OrderLine]) lines!: OrderLine[];
  @Field(() => [Payment]) payments!: Payment[];
}

export const OrderConnection = connectionType("Order", Order);

export const OrderError = fieldErrorType("OrderError", OrderErrorCode);

export const OrderPayload = payloadType("OrderPayload", "order", Order, OrderError);

export const PlaceOrderPayload = payloadType("PlaceOrderPayload", "order", Order, OrderError);

@ObjectType("SaleEvent", { description: "A new order, for the live sales feed." })
export class SaleEvent {
  @Field(() => ID) id!: string;
  @Field(() => OrderStatus) status!: OrderStatus;
  @Field(() => ID) memberId!: string;
  @Field(() => String) memberName!: string;
  @Field(() => String, { nullable: true }) customerName!: string | null;
  @Field(() => String) country!: string;
  @Field(() => String) currency!: string;
  @Field(() => String) total!: string;
  @Field(() => String) pv!: string;
  @Field(() => Int) itemCount!: number;
  @Field(() => Date) placedAt!: Date;
}
