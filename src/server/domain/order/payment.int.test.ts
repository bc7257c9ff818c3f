import { beforeAll, describe, expect, it } from "vitest";
import { hundredths } from "@/lib/money";
import { db } from "@/server/db/unit-of-work";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { InputError } from "@/server/domain/shared/input.errors";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { ADDRESS, codesOf, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { orderService } from "./order.service";
import { PaymentDeclined, registerPaymentProvider, type ChargeRequest, type PaymentProvider, type RefundRequest } from "./payment-providers";

let admin: Viewer;

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
});

/**
 * A gateway that counts its calls, takes its time (so concurrent requests overlap), can
 * be told to fail, and answers a repeated idempotency key as the first time.
 */
function countingProvider(name: string) {
  const calls: { kind: "charge" | "refund"; key: string; inTransaction: boolean }[] = [];
  const answered = new Map<string, string>();
  let failNext: Error | null = null;
  const call = async (kind: "charge" | "refund", r: ChargeRequest | RefundRequest) => {
    calls.push({ kind, key: r.idempotencyKey, inTransaction: db().inTransaction });
    await new Promise((resolve) => setTimeout(resolve, 80));
    if (failNext) {
      const err = failNext;
      failNext = null;
      throw err;
    }
    if (!answered.has(r.idempotencyKey)) answered.set(r.idempotencyKey, `${name}-${kind}-${answered.size + 1}`);
    return { reference: answered.get(r.idempotencyKey)! };
  };
  const provider: PaymentProvider = {
    name, usableBy: "ADMIN",
    charge: (r) => call("charge", r),
    refund: (r) => call("refund", r),
  };
  registerPaymentProvider(provider);
  return {
    calls,
    /** Money that really moved: one per distinct key. */
    moved: () => answered.size,
    failNextWith(err: Error) {
      failNext = err;
    },
  };
}

async function pendingOrder(buyer: MemberRecord, quantity = 2) {
  const product = await createProduct(admin, { pv: "10.00", price: "20.00" });
  return orderService.place(viewerOf(buyer), { lines: [{ productId: product.id, quantity }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
}

async function pvOf(memberId: number) {
  await volumeService.applyPending();
  return hundredths((await volumeService.summary(admin, memberId, null)).pv);
}

describe("payments", () => {
  it("charges once when two markOrderPaid arrive at the same moment, outside any transaction", async () => {
    const gateway = countingProvider("gateway-a");
    const buyer = await placeUnder(await createRoot());
    const order = await pendingOrder(buyer);

    const results = await Promise.allSettled([0, 1].map(() => orderService.markPaid(admin, order.id, "gateway-a")));

    expect(gateway.calls.map((c) => c.kind)).toEqual(["charge"]);
    expect(gateway.calls[0]!.inTransaction).toBe(false);
    const paid = await orderService.get(admin, order.id);
    expect(paid.status).toBe("PAID");
    expect(paid.payments.map((p) => [p.kind, p.provider, p.amount])).toEqual([["CHARGE", "gateway-a", paid.total]]);
    expect(await pvOf(buyer.id)).toBe(2000);
    // The other request saw the payment in flight, or the paid order: never a second charge.
    for (const r of results) {
      if (r.status === "fulfilled") expect(r.value.status).toBe("PAID");
      else expect((r.reason as InputError).errors[0]!.code).toBe("PAYMENT_IN_PROGRESS");
    }
  });

  it("refunds once when two refunds of everything arrive at the same moment", async () => {
    const gateway = countingProvider("gateway-b");
    const buyer = await placeUnder(await createRoot());
    const order = await pendingOrder(buyer, 3);
    await orderService.markPaid(admin, order.id, "gateway-b");

    await Promise.allSettled([0, 1].map(() => orderService.refund(admin, order.id, null)));

    expect(gateway.calls.map((c) => c.kind)).toEqual(["charge", "refund"]);
    expect(gateway.calls.every((c) => !c.inTransaction)).toBe(true);
    const refunded = await orderService.get(admin, order.id);
    expect(refunded.status).toBe("REFUNDED");
    expect(refunded.refundedTotal).toBe(refunded.total);
    expect(refunded.payments.filter((p) => p.kind === "REFUND")).toHaveLength(1);
    expect(await pvOf(buyer.id)).toBe(0);
  });

  it("finishes a charge the provider did not confirm with the same key on retry, charging once", async () => {
    const gateway = countingProvider("gateway-c");
    const buyer = await placeUnder(await createRoot());
    const order = await pendingOrder(buyer);
    gateway.failNextWith(new Error("socket hang up"));

    expect(await codesOf(orderService.markPaid(admin, order.id, "gateway-c"))).toEqual(["orderId:PAYMENT_UNCONFIRMED"]);
    expect((await orderService.get(admin, order.id)).status).toBe("PENDING");

    const paid = await orderService.markPaid(admin, order.id, "gateway-c");

    expect(paid.status).toBe("PAID");
    expect(gateway.calls).toHaveLength(2);
    expect(gateway.calls[1]!.key).toBe(gateway.calls[0]!.key);
    expect(gateway.moved()).toBe(1);
    expect(paid.payments.filter((p) => p.kind === "CHARGE")).toHaveLength(1);
    expect(await pvOf(buyer.id)).toBe(2000);
  });

  it("finishes an unconfirmed charge before anything else happens to the order, and a buyer then may not cancel it", async () => {
    const gateway = countingProvider("gateway-e");
    const buyer = await placeUnder(await createRoot());
    const order = await pendingOrder(buyer);
    gateway.failNextWith(new Error("timeout"));
    expect(await codesOf(orderService.markPaid(admin, order.id, "gateway-e"))).toEqual(["orderId:PAYMENT_UNCONFIRMED"]);

    // The buyer sees a pending order and cancels: the charge turns out to have gone through.
    await expect(orderService.cancel(viewerOf(buyer), order.id)).rejects.toMatchObject({ code: "FORBIDDEN" });

    const after = await orderService.get(admin, order.id);
    expect(after.status).toBe("PAID");
    expect(gateway.moved()).toBe(1);
    expect(await pvOf(buyer.id)).toBe(2000);
  });

  it("leaves a declined order unpaid, and a later payment takes a new attempt", async () => {
    const gateway = countingProvider("gateway-d");
    const buyer = await placeUnder(await createRoot());
    const order = await pendingOrder(buyer);
    gateway.failNextWith(new PaymentDeclined("Card declined."));

    expect(await codesOf(orderService.markPaid(admin, order.id, "gateway-d"))).toEqual(["provider:PAYMENT_FAILED"]);
    const declined = await orderService.get(admin, order.id);
    expect([declined.status, declined.payments.length, await pvOf(buyer.id)]).toEqual(["PENDING", 0, 0]);

    const paid = await orderService.markPaid(admin, order.id, "gateway-d");
    expect(paid.status).toBe("PAID");
    expect(new Set(gateway.calls.map((c) => c.key)).size).toBe(2);
    expect(await pvOf(buyer.id)).toBe(2000);
  });
});
