import { beforeAll, describe, expect, it } from "vitest";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { ADDRESS, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { analyticsService } from "./analytics.service";

let admin: Viewer;

beforeAll(async () => {
  await usePlacement({ type: "BINARY", spillover: "WEAKER_LEG" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
});

describe("member dashboard", () => {
  it("compares with where the last period stood after as long, not with the whole last period", async () => {
    const root = await createRoot();
    const buyer = await placeUnder(root);
    const product = await createProduct(admin, { pv: "30.00" });
    const order = await orderService.place(viewerOf(buyer), { lines: [{ productId: product.id, quantity: 2 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await orderService.refund(admin, order.id, [{ lineId: order.lines[0]!.id, quantity: 1 }]);

    // Look from the next period: this one is then "the last period".
    const thisPeriod = await volumeService.currentPeriod();
    const nextStart = thisPeriod.endsAt;
    const early = await analyticsService.memberDashboard(viewerOf(root), root.id, new Date(nextStart.getTime() + 1));
    expect(early.previous!.id).toBe(thisPeriod.id);
    // One millisecond into the next period compares with one millisecond into this one: nothing yet.
    expect(early.lastPeriodSoFar).toEqual({ pv: "0", gv: "0", leftLeg: "0", rightLeg: "0" });

    // Read straight from the ledger: up to a moment after the order, the sale and its refund count.
    const { analyticsRepository } = await import("./analytics.repository");
    const soFar = await analyticsRepository.volumeSoFar(root, thisPeriod.id, new Date(Date.now() + 1000));
    // 60 PV sold and 30 refunded, in the buyer's leg below the root.
    expect([Number(soFar.gv), Number(soFar.pv), Number(soFar.leftLeg) + Number(soFar.rightLeg)]).toEqual([30, 0, 30]);
    expect(await analyticsRepository.volumeSoFar(root, thisPeriod.id, order.placedAt)).toEqual({ pv: "0", gv: "0", leftLeg: "0", rightLeg: "0" });

    // Refunds are counted apart per day, never as negative volume.
    const today = (await analyticsService.memberDashboard(viewerOf(root), root.id)).byDay.at(-1)!;
    expect([Number(today.added), Number(today.refunded)]).toEqual([60, 30]);
  });
});
