import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { orderService } from "@/server/domain/order/order.service";
import type { OrderRecord } from "@/server/domain/order/order.types";
import { can, forbidden } from "@/server/domain/shared/access";
import { eventBus } from "@/server/events/bus";
import { Topic, type OrderPlacedEvent } from "@/server/events/topics";
import type { Context } from "../../context";
import { idCursor, toConnection } from "../../shared/connection";
import { parseId, parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { OrderFilter, PlaceOrderInput, RefundLineInput } from "./order.input";
import { Order, OrderConnection, OrderPayload, PlaceOrderPayload, SaleEvent, ShippingAddress } from "./order.type";

const orderId = (id: string) => parseId(id, "orderId", "an order id")!;

@Resolver(() => Order)
export class OrderResolver {
  @FieldResolver(() => ShippingAddress, { nullable: true, description: "Personal data: the buyer, who placed it, and holders of members.personal covering the member see it." })
  shippingAddress(@Root() o: OrderRecord, @Ctx() ctx: Context) {
    return orderService.shippingAddressFor(ctx.viewer, o);
  }

  @Query(() => OrderConnection, { description: "Newest first. Distributors see their own and their customers' orders; admins all." })
  async orders(
    @Ctx() ctx: Context,
    @Arg("filter", () => OrderFilter, { nullable: true }) filter?: OrderFilter | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const f = filter ?? {};
    const page = await orderService.list(
      requireViewer(ctx),
      {
        status: f.status, currency: f.currency?.toUpperCase(), placedFrom: f.placedFrom, placedBefore: f.placedBefore,
        memberId: parseMemberId(f.memberId, "filter.memberId"), customerId: parseId(f.customerId, "filter.customerId", "a customer id"),
      },
      first,
      parseId(after, "after", "an order cursor"),
    );
    return toConnection(page, idCursor);
  }

  @Query(() => Order)
  order(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return orderService.get(requireViewer(ctx), parseId(id, "id", "an order id")!);
  }

  @Mutation(() => PlaceOrderPayload, { description: "Places an order and reserves its stock. Idempotent per idempotencyKey." })
  placeOrder(@Arg("input", () => PlaceOrderInput) input: PlaceOrderInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("order", () =>
      orderService.place(viewer, {
        memberId: parseMemberId(input.memberId, "memberId"),
        customerId: parseId(input.customerId, "customerId", "a customer id"),
        lines: input.lines.map((l, i) => ({ productId: parseId(l.productId, `lines.${i}.productId`, "a product id")!, quantity: l.quantity })),
        currency: input.currency,
        shippingAddress: input.shippingAddress,
        idempotencyKey: input.idempotencyKey,
        points: input.points ?? null,
      }),
    );
  }

  @Mutation(() => OrderPayload, {
    description: "Records payment and credits the order's volume. provider: manual (admins) or test (the buyer too, unless switched off). Paying twice changes nothing.",
  })
  markOrderPaid(
    @Arg("orderId", () => ID) id: string,
    @Ctx() ctx: Context,
    @Arg("provider", () => String, { nullable: true, defaultValue: "manual" }) provider = "manual",
  ) {
    const viewer = requireViewer(ctx);
    return payload("order", () => orderService.markPaid(viewer, orderId(id), provider));
  }

  @Authorized("orders.write")
  @Mutation(() => OrderPayload)
  shipOrder(@Arg("orderId", () => ID) id: string, @Ctx() ctx: Context) {
    return payload("order", () => orderService.ship(requireViewer(ctx), orderId(id)));
  }

  @Authorized("orders.write")
  @Mutation(() => OrderPayload)
  deliverOrder(@Arg("orderId", () => ID) id: string, @Ctx() ctx: Context) {
    return payload("order", () => orderService.deliver(requireViewer(ctx), orderId(id)));
  }

  @Mutation(() => OrderPayload, { description: "Before shipping. A paid order is refunded and its volume reversed. Buyers may cancel pending orders." })
  cancelOrder(@Arg("orderId", () => ID) id: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("order", () => orderService.cancel(viewer, orderId(id)));
  }

  @Authorized("orders.write")
  @Mutation(() => OrderPayload, { description: "Refunds the given lines and quantities, or everything not yet refunded; reverses their volume." })
  refundOrder(
    @Arg("orderId", () => ID) id: string,
    @Ctx() ctx: Context,
    @Arg("lines", () => [RefundLineInput], { nullable: true }) lines?: RefundLineInput[] | null,
  ) {
    const viewer = requireViewer(ctx);
    return payload("order", () =>
      orderService.refund(viewer, orderId(id), lines ? lines.map((l, i) => ({ lineId: parseId(l.lineId, `lines.${i}.lineId`, "a line id")!, quantity: l.quantity })) : null),
    );
  }

  @Subscription(() => SaleEvent, {
    description: "Every new order as it is placed: the admins' live sales feed.",
    subscribe: ({ context }) => {
      const viewer = requireViewer(context as Context);
      if (!can(viewer, "orders.read")) throw forbidden("the sales feed");
      return eventBus().subscribe(Topic.OrderPlaced);
    },
  })
  orderPlaced(@Root() e: OrderPlacedEvent) {
    return { ...e, placedAt: new Date(e.placedAt) };
  }
}
