import { beforeAll, describe, expect, it } from "vitest";
import { runRead } from "@/server/db/unit-of-work";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { EXAMPLE_PLAN } from "@/server/domain/compensation/plan.rules";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
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
    await volumeService.applyPending(); // the per-day rollups move with the totals

    // Look from the next period: this one is then "the last period".
    const thisPeriod = await volumeService.currentPeriod();
    const nextStart = thisPeriod.endsAt;
    const early = await analyticsService.dashboard(viewerOf(root), root.id, { now: new Date(nextStart.getTime() + 1) });
    expect(early.previous!.id).toBe(thisPeriod.id);
    // One millisecond into the next period compares with one millisecond into this one: nothing yet.
    expect(early.lastPeriodSoFar).toEqual({ pv: "0.00", gv: "0.00", leftLeg: "0.00", rightLeg: "0.00" });

    // From the per-day rollup: the whole days before the moment, and its own day pro rata.
    // 60 PV sold and 30 refunded today, in the buyer's leg below the root.
    const { analyticsRepository } = await import("./analytics.repository");
    const soFar = (at: Date) => runRead(analyticsRepository.volumeSoFarRead(root.id, thisPeriod.id, at)).then((v) => [v.gv, v.pv, v.leftLeg, v.rightLeg].map(Number));
    const midnight = new Date(order.placedAt);
    midnight.setUTCHours(0, 0, 0, 0);
    const hours = (h: number) => new Date(midnight.getTime() + h * 3_600_000);
    const legs = ([gv, pv, l, r]: number[]) => [gv, pv, l! + r!];
    expect(legs(await soFar(hours(0)))).toEqual([0, 0, 0]);
    expect(legs(await soFar(hours(6)))).toEqual([7.5, 0, 7.5]);
    expect(legs(await soFar(hours(16)))).toEqual([20, 0, 20]);
    expect(legs(await soFar(hours(24)))).toEqual([30, 0, 30]); // the next day: the whole day
    expect(legs(await soFar(hours(48)))).toEqual([30, 0, 30]);
    // To the cent, half up: 30 × 14.4 s / 86,400 s is 0.005.
    expect((await soFar(new Date(midnight.getTime() + 14_400)))[0]).toBe(0.01);
    expect((await soFar(new Date(midnight.getTime() + 14_399)))[0]).toBe(0);

    // Refunds are counted apart per day, never as negative volume.
    const today = (await analyticsService.dashboard(viewerOf(root), root.id)).daily!.at(-1)!;
    expect([Number(today.added), Number(today.refunded)]).toEqual([60, 30]);
  });

  it("reads the parts asked for in one go, each as its own service answers it, and shows orders only to whom may see them", async () => {
    const root = await createRoot();
    const lea = await placeUnder(root);
    const max = await placeUnder(lea);
    const product = await createProduct(admin, { pv: "25.00" });
    const order = await orderService.place(viewerOf(max), { lines: [{ productId: product.id, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await volumeService.applyPending();

    const mine = await analyticsService.dashboard(viewerOf(lea), null);
    expect(mine.member.id).toBe(lea.id);
    expect(mine.volume).toEqual(await volumeService.summary(viewerOf(lea), null, null));
    expect(Number(mine.volume!.gv)).toBe(25);
    expect(mine.team).toEqual(await genealogyService.teamStats(viewerOf(lea), null, "SPONSOR"));
    expect(mine.team).toMatchObject({ teamSize: 1, directs: 1 });
    expect(mine.topLegs!.map((d) => [d.id, d.gv])).toEqual([[max.id, "25.00"]]);
    expect(mine.recentOrders).toEqual([]); // Lea bought nothing herself

    // Max's own dashboard has his order; his upline sees his numbers but not his orders.
    expect((await analyticsService.dashboard(viewerOf(max), null)).recentOrders!.map((o) => o.id)).toEqual([order.id]);
    const asUpline = await analyticsService.dashboard(viewerOf(lea), max.id);
    expect([asUpline.member.id, asUpline.volume!.pv, asUpline.recentOrders]).toEqual([max.id, "25.00", null]);
    expect((await analyticsService.dashboard(admin, max.id)).recentOrders!.map((o) => o.id)).toEqual([order.id]);
    await expect(analyticsService.dashboard(viewerOf(max), lea.id)).rejects.toMatchObject({ code: "FORBIDDEN" });

    // Only what is asked for is read; `self` (read with the session) stands in for the member.
    const some = await analyticsService.dashboard(viewerOf(lea), null, { parts: new Set(["volume"]), self: lea });
    expect(some.volume).toEqual(mine.volume);
    expect([some.team, some.topLegs, some.recentOrders, some.daily]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe("company overview", () => {
  it("looks for volume gaps below the PV levels of the plan in force, or the volume settings' without one", async () => {
    const before = await analyticsService.companyOverview(admin);
    // No plan yet: the settings' default levels.
    expect(before.gaps.map((g) => [g.threshold.name, g.threshold.pv])).toEqual([["Active", 100], ["Qualified", 300]]);
    const version = await compensationService.savePlanVersion(admin, EXAMPLE_PLAN, "Launch plan");
    const period = await volumeService.currentPeriod();
    await compensationService.activatePlanVersion(admin, version.id, period.id);
    // Active at 50 PV (as Bronze asks), Silver at 100: a member at 45 PV is 5 from being active.
    const root = await createRoot();
    const close = await placeUnder(root);
    const product = await createProduct(admin, { pv: "45.00" });
    const order = await orderService.place(viewerOf(close), { lines: [{ productId: product.id, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await volumeService.applyPending();
    const after = await analyticsService.companyOverview(admin);
    expect(after.gaps.map((g) => [g.threshold.name, g.threshold.pv])).toEqual([["Active · Bronze", 50], ["Silver", 100]]);
    expect(after.gaps[0]!.rows.map((r) => r.id)).toContain(close.id);
  });
});
