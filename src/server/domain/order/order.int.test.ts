import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hundredths } from "@/lib/money";
import { catalogService } from "@/server/domain/catalog/catalog.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { Viewer } from "@/server/domain/shared/viewer";
import { InputError } from "@/server/domain/shared/input.errors";
import { volumeService } from "@/server/domain/volume/volume.service";
import { volumesFromEntries } from "@/server/domain/volume/volume.rules";
import { ADDRESS, codesOf, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { orderExportService } from "./order-export.service";
import { orderService } from "./order.service";

let admin: Viewer;

beforeAll(async () => {
  await usePlacement({ type: "BINARY", spillover: "WEAKER_LEG" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
});

function buy(member: MemberRecord, productId: number, quantity = 1, key = orderKeyFor()) {
  return orderService.place(viewerOf(member), { lines: [{ productId, quantity }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: key });
}

/** A member's totals once the applier has folded in everything paid so far. */
async function totals(memberId: number) {
  await volumeService.applyPending();
  const period = await volumeService.currentPeriod();
  return volumeService.summary(admin, memberId, period.id);
}

describe("orders move volume", () => {
  it("credits PV/BV to the buyer and GV to every sponsor above once paid, and a refund takes back exactly that", async () => {
    const root = await createRoot();
    const a = await placeUnder(root);
    const b = await placeUnder(a);
    const c = await placeUnder(b);
    const product = await createProduct(admin, { pv: "25.50", bv: "20.00" });
    const before = await Promise.all([root, a, b, c].map((m) => totals(m.id)));

    const order = await buy(c, product.id, 2);
    expect(order.status).toBe("PENDING");
    expect((await totals(c.id)).pv).toBe(before[3]!.pv); // nothing until paid

    const paid = await orderService.markPaid(admin, order.id);
    expect(paid.status).toBe("PAID");
    expect(paid.periodId).toBe((await volumeService.currentPeriod()).id);
    // The payment appended to the ledger only; the totals move when the applier takes it,
    // and until then they agree with the ledger up to the applier's position.
    expect((await volumeService.lag()).entries).toBe(1);
    expect((await volumeService.summary(admin, root.id, paid.periodId)).gv).toBe(before[0]!.gv);
    expect(await volumeService.check()).toEqual([]);
    // The background applier takes a batch only once its oldest entry has waited its span.
    let early = 0;
    expect(await volumeService.applyPending({ waitForOther: false, minAgeMs: 60_000, early: () => early++ })).toBe(0);
    expect([early, (await volumeService.lag()).entries]).toEqual([1, 1]);
    await new Promise((r) => setTimeout(r, 5));
    expect(await volumeService.applyPending({ waitForOther: false, minAgeMs: 1 })).toBe(1);
    expect((await volumeService.lag()).entries).toBe(0);
    const after = await Promise.all([root, a, b, c].map((m) => totals(m.id)));
    expect(hundredths(after[3]!.pv) - hundredths(before[3]!.pv)).toBe(5100);
    expect(hundredths(after[3]!.bv) - hundredths(before[3]!.bv)).toBe(4000);
    for (let i = 0; i < 4; i++) expect(hundredths(after[i]!.gv) - hundredths(before[i]!.gv)).toBe(5100);
    expect(hundredths(after[0]!.leftLeg) + hundredths(after[0]!.rightLeg) - hundredths(before[0]!.leftLeg) - hundredths(before[0]!.rightLeg)).toBe(5100);

    // Paying twice (a retried webhook) changes nothing.
    await orderService.markPaid(admin, order.id);
    expect((await totals(root.id)).gv).toBe(after[0]!.gv);

    const refunded = await orderService.refund(admin, order.id, [{ lineId: order.lines[0]!.id, quantity: 1 }]);
    expect(refunded.status).toBe("PAID");
    expect(refunded.refundedTotal).toBe("19.99");
    expect(hundredths((await totals(root.id)).gv) - hundredths(before[0]!.gv)).toBe(2550);

    const cancelled = await orderService.cancel(admin, order.id);
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.refundedTotal).toBe(cancelled.total);
    const end = await Promise.all([root, a, b, c].map((m) => totals(m.id)));
    end.forEach((t, i) => expect([t.pv, t.gv, t.leftLeg, t.rightLeg]).toEqual([before[i]!.pv, before[i]!.gv, before[i]!.leftLeg, before[i]!.rightLeg]));
    expect(await volumeService.check()).toEqual([]);
  });

  it("returns the first order when the same idempotency key is sent again, also at the same time", async () => {
    const root = await createRoot();
    const product = await createProduct(admin);
    const key = orderKeyFor("same");
    const [x, y] = await Promise.all([buy(root, product.id, 1, key), buy(root, product.id, 1, key)]);
    const z = await buy(root, product.id, 1, key);
    expect(new Set([x.id, y.id, z.id]).size).toBe(1);
    const stock = await catalogService.stock(admin, [product.id]);
    expect(stock[0]!.reserved).toBe(1);
    expect(await codesOf(buy(root, product.id, 2, key))).toEqual(["idempotencyKey:IDEMPOTENCY_KEY_REUSED"]);
  });

  it("sells exactly the units in stock to 100 concurrent orders, and volumes match what was sold", async () => {
    const root = await createRoot();
    const buyer = await placeUnder(root);
    const product = await createProduct(admin, { stock: 10, pv: "10.00" });
    const before = await totals(root.id);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, async () => {
        const order = await buy(buyer, product.id, 1);
        return orderService.markPaid(admin, order.id);
      }),
    );
    const sold = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(sold).toHaveLength(10);
    expect(refused).toHaveLength(90);
    for (const err of refused) expect(err instanceof InputError && err.errors[0]!.code).toBe("OUT_OF_STOCK");
    const [stock] = await catalogService.stock(admin, [product.id]);
    expect(stock).toMatchObject({ onHand: 10, reserved: 10 });
    expect(hundredths((await totals(root.id)).gv) - hundredths(before.gv)).toBe(10 * 1000);
  });

  it("refuses bad input field by field and writes nothing", async () => {
    const root = await createRoot();
    const inactive = await createProduct(admin);
    await catalogService.update(admin, inactive.id, { active: false });
    const codes = await codesOf(
      orderService.place(viewerOf(root), {
        lines: [{ productId: inactive.id, quantity: 1 }, { productId: 999999, quantity: 1 }],
        currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor(),
      }),
    );
    expect(codes).toEqual(["lines.0.productId:PRODUCT_INACTIVE", "lines.1.productId:PRODUCT_NOT_FOUND"]);
    expect((await orderService.list(viewerOf(root), {}, 10, null)).totalCount).toBe(0);
  });
});

describe("closed periods", () => {
  it("refuses to close a running period, and reverses a refund of a closed period's order in the current one", async () => {
    const root = await createRoot();
    const product = await createProduct(admin, { pv: "10.00" });
    const current = await volumeService.currentPeriod();
    expect(await codesOf(volumeService.closePeriod(admin, current.id))).toEqual(["periodId:PERIOD_RUNNING"]);

    const order = await buy(root, product.id, 2);
    await orderService.markPaid(admin, order.id);
    // Pretend the payment happened last month, a period that has ended: close it as at its end + 1 day.
    const { volumeRepository } = await import("@/server/domain/volume/volume.repository");
    const last = await volumeRepository.ensurePeriod("MONTHLY", new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2020, 1, 1)));
    await volumeService.closePeriod(admin, last.id, new Date(Date.UTC(2020, 1, 2)));
    const { db } = await import("@/server/db/unit-of-work");
    await db().execute`UPDATE sales_order SET period_id = ${last.id} WHERE id = ${order.id}`;

    const before = await totals(root.id);
    await orderService.refund(admin, order.id, null);
    // The closed period keeps its numbers; the reversal lands in the current period.
    expect(hundredths((await totals(root.id)).pv) - hundredths(before.pv)).toBe(-2000);
    expect((await volumeService.periods(100, null)).rows.find((p) => p.id === last.id)!.status).toBe("CLOSED");
  });
});

describe("CSV export", () => {
  it("streams every matching order for admins, neutralising spreadsheet formulae, and refuses distributors", async () => {
    const root = await createRoot({ firstName: "=HYPERLINK(1)" });
    const product = await createProduct(admin);
    const orders = [];
    for (let i = 0; i < 3; i++) orders.push(await buy(root, product.id, i + 1));
    let csv = "";
    for await (const chunk of orderExportService.csv(admin, { memberId: root.id })) csv += chunk;
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,placedAt,status,memberId,member,/);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => Number(l.split(",")[0]))).toEqual(orders.map((o) => o.id));
    expect(csv).toContain(`"'=HYPERLINK(1) Root"`);
    await expect(orderExportService.csv(viewerOf(root), {}).next()).rejects.toThrow(/may not/);
  });
});

describe("property: kept volumes equal the sums over the trees", () => {
  it("holds for random trees and random orders, refunds and cancellations", async () => {
    const product = await createProduct(admin, { stock: 100_000, pv: "7.00", bv: "5.00" });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 3, maxLength: 12 }),
        fc.array(fc.record({ who: fc.nat(), qty: fc.integer({ min: 1, max: 4 }), then: fc.constantFrom("KEEP", "REFUND_ONE", "REFUND_ALL", "CANCEL", "UNPAID") }), { minLength: 1, maxLength: 12 }),
        async (parents, ops) => {
          // A fresh company per run: member i is placed under one of the members before it.
          const members: MemberRecord[] = [await createRoot()];
          for (const p of parents) members.push(await placeUnder(members[p % members.length]!));
          const net = new Map<number, number>(); // order id → units whose volume still counts
          const buyerOf = new Map<number, number>();
          for (const op of ops) {
            const buyer = members[op.who % members.length]!;
            const order = await buy(buyer, product.id, op.qty);
            buyerOf.set(order.id, buyer.id);
            if (op.then === "UNPAID") continue;
            await orderService.markPaid(admin, order.id);
            net.set(order.id, op.qty);
            if (op.then === "REFUND_ONE") {
              await orderService.refund(admin, order.id, [{ lineId: order.lines[0]!.id, quantity: 1 }]);
              net.set(order.id, op.qty - 1);
            } else if (op.then === "REFUND_ALL") {
              await orderService.refund(admin, order.id, null);
              net.set(order.id, 0);
            } else if (op.then === "CANCEL") {
              await orderService.cancel(admin, order.id);
              net.set(order.id, 0);
            }
          }
          const expected = volumesFromEntries(
            members.map((m) => ({ id: m.id, sponsorPath: m.sponsorPath, placementPath: m.placementPath, placementPosition: m.placementPosition })),
            [...net].map(([orderId, units]) => ({ memberId: buyerOf.get(orderId)!, pv: units * 700, bv: units * 500 })),
            true,
          );
          await volumeService.applyPending();
          const period = await volumeService.currentPeriod();
          const kept = await volumeService.totalsOf(members.map((m) => m.id), period.id);
          for (const m of members) {
            const e = expected.get(m.id) ?? { pv: 0, bv: 0, gv: 0, leftLeg: 0, rightLeg: 0 };
            const k = kept.get(m.id)!;
            expect([hundredths(k.pv), hundredths(k.bv), hundredths(k.gv), hundredths(k.leftLeg), hundredths(k.rightLeg)]).toEqual([e.pv, e.bv, e.gv, e.leftLeg, e.rightLeg]);
          }
        },
      ),
      { numRuns: 8 },
    );
    expect(await volumeService.check()).toEqual([]);
  });
});
