import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hundredths } from "@/lib/money";
import { db, transaction } from "@/server/db/unit-of-work";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import { customerService } from "@/server/domain/customer/customer.service";
import { memberService } from "@/server/domain/member/member.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { notificationService } from "@/server/domain/notification/notification.service";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { ADDRESS, codesOf, createAdmin, createProduct, createRoot, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { loyaltyService } from "./loyalty.service";
import { shardOf } from "./loyalty.repository";
import { EXAMPLE_PROGRAM } from "./program.rules";

let admin: Viewer;
let seq = 0;
const key = (p = "k") => `${p}-${Date.now().toString(36)}-${++seq}`;
const DAY = 86_400_000;

const PROGRAM = {
  ...EXAMPLE_PROGRAM,
  earning: EXAMPLE_PROGRAM.earning.filter((r) => r.type !== "SIGNUP" && !("segment" in r)),
  tiers: { ...EXAMPLE_PROGRAM.tiers, downgrade: { rule: "NEVER" as const } },
};

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  await loyaltyService.saveProgram(admin, PROGRAM, "Test programme");
});

async function balances(m: MemberRecord) {
  const a = await loyaltyService.account(viewerOf(m), m.id);
  return Object.fromEntries(a.balances.map((b) => [b.pointType, [b.balance, b.pending]]));
}

/** Every lot accounted for, the ledger's balances equal to the lots', nothing negative. */
async function checkInvariants() {
  const [row] = await db().sql<{ bad: number }>`
    SELECT count(*)::int AS bad FROM points_lot
    WHERE amount <> remaining + redeemed + expired + reversed + CASE WHEN status = 'PENDING' THEN amount - reversed ELSE 0 END`;
  expect(row!.bad).toBe(0);
  const mismatched = await db().sql<{ memberId: number }>`
    WITH lots AS (
      SELECT member_id, point_type, sum(remaining) FILTER (WHERE status = 'ACTIVE') AS active, sum(amount - reversed) FILTER (WHERE status = 'PENDING') AS pending
      FROM points_lot GROUP BY member_id, point_type
    ), accounts AS (
      SELECT coalesce(owner_id, -customer_id) AS member_id, unit AS point_type, sum(posted) FILTER (WHERE kind = 'POINTS') AS active, sum(posted) FILTER (WHERE kind = 'POINTS_PENDING') AS pending
      FROM ledger_account WHERE kind IN ('POINTS', 'POINTS_PENDING') GROUP BY 1, unit
    )
    SELECT coalesce(l.member_id, a.member_id) AS "memberId" FROM lots l FULL JOIN accounts a USING (member_id, point_type)
    WHERE coalesce(l.active, 0) <> coalesce(a.active, 0) OR coalesce(l.pending, 0) <> coalesce(a.pending, 0)`;
  expect(mismatched).toEqual([]);
  const [neg] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM ledger_account WHERE kind IN ('POINTS', 'POINTS_PENDING') AND posted < 0`;
  expect(neg!.n).toBe(0);
  expect(await ledgerService.check()).toEqual([]);
  for (const t of await ledgerService.trialBalance()) expect(t).toMatchObject({ posted: 0 });
}

async function paidOrder(member: MemberRecord, productId: number, quantity: number) {
  const order = await orderService.place(viewerOf(member), { lines: [{ productId, quantity }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
  return orderService.markPaid(admin, order.id);
}

describe("points from orders", () => {
  it("locks an order's points until the return window passes, then tiers and badges follow; a refund takes back exactly what it earned", async () => {
    const sponsor = await placeUnder(await createRoot());
    const ava = await placeUnder(sponsor, { firstName: "Ava" });
    const vitamins = await createProduct(admin, { price: "100.00" }); // category Supplements: ×2 reward points
    const paid = await paidOrder(ava, vitamins.id, 6);
    expect(await loyaltyService.applyPending()).toBeGreaterThan(0);
    // 600 USD: 10 × 600 × 2 reward points, 600 status points; pending until the window passes.
    expect(await balances(ava)).toEqual({ REWARD: [0, 12000], STATUS: [0, 600] });
    // The sponsor's referral bonus for Ava's first order is active at once.
    expect((await balances(sponsor)).REWARD).toEqual([100, 0]);
    expect(await loyaltyService.pointsOfOrders(viewerOf(ava), ava.id, [paid.id])).toEqual(
      expect.arrayContaining([{ orderId: paid.id, pointType: "REWARD", points: 12000, pending: true }, { orderId: paid.id, pointType: "STATUS", points: 600, pending: true }]),
    );
    expect(await loyaltyService.pointsOfOrders(viewerOf(sponsor), sponsor.id, [paid.id])).toEqual([]);

    expect(await loyaltyService.releaseDue(new Date(Date.now() + 13 * DAY))).toBe(0);
    expect(await loyaltyService.releaseDue(new Date(Date.now() + 15 * DAY))).toBe(2);
    expect(await balances(ava)).toEqual({ REWARD: [12000, 0], STATUS: [600, 0] });

    const second = await paidOrder(ava, vitamins.id, 5);
    await loyaltyService.applyPending();
    await loyaltyService.releasePending(admin, ava.id);
    let account = await loyaltyService.account(viewerOf(ava), ava.id);
    expect(account.tier?.code).toBe("SILVER");
    expect(account.nextTier).toEqual({ code: "GOLD", name: "Gold", pointsNeeded: 3900 });
    expect(account.badges.map((b) => b.code).sort()).toEqual(["FIRST_ORDER", "SILVER"]);
    // The purchase history says which order unlocked what.
    expect(await loyaltyService.unlocksOfOrders(viewerOf(ava), ava.id, [paid.id, second.id])).toEqual([
      { orderId: paid.id, kind: "BADGE", code: "FIRST_ORDER", name: "First order" },
      { orderId: second.id, kind: "TIER", code: "SILVER", name: "Silver" },
      { orderId: second.id, kind: "BADGE", code: "SILVER", name: "Silver member" },
    ]);
    // Silver ×1.1 applies to reward points from now on.
    expect((await balances(ava)).REWARD).toEqual([12000 + 10000, 0]);
    // She can share her tier and her first order; the Silver badge says what the tier card says.
    expect((await loyaltyService.shareLinks(viewerOf(ava))).map((l) => l.title)).toEqual(["Silver member", "First order"]);

    // Refunding the second order takes back its points and the Silver it made.
    await orderService.refund(admin, second.id, null);
    await loyaltyService.applyPending();
    account = await loyaltyService.account(viewerOf(ava), ava.id);
    expect(await balances(ava)).toEqual({ REWARD: [12000, 0], STATUS: [600, 0] });
    expect(account.tier).toBeNull();

    // Half of the first order refunded: half of its points (it earned them before any tier).
    const half = await orderService.refund(admin, paid.id, [{ lineId: paid.lines[0]!.id, quantity: 3 }]);
    await loyaltyService.applyPending();
    const share = (n: number) => n - Math.floor((n * hundredths(half.refundedTotal)) / hundredths(half.total));
    expect(share(12000)).toBeGreaterThan(5990);
    expect(await balances(ava)).toEqual({ REWARD: [share(12000), 0], STATUS: [share(600), 0] });

    const history = await loyaltyService.history(viewerOf(ava), ava.id, 50, null);
    expect(history.rows.some((r) => r.reason === "POINTS_EARNED" && r.description.includes("Double points on supplements"))).toBe(true);
    expect(history.rows.filter((r) => r.reason === "POINTS_REVERSED").length).toBeGreaterThanOrEqual(2);
    const notes = await notificationService.list(viewerOf(ava), ava.id, 50, null);
    expect(notes.rows.map((n) => n.kind)).toEqual(expect.arrayContaining(["POINTS_EARNED", "POINTS_ACTIVE", "TIER_CHANGED", "BADGE_EARNED"]));
    expect(notes.rows.map((n) => n.title)).toContain("+12,600 points (pending)");
    await checkInvariants();
  });

  it("takes events in the order they were appended, also where the ids gain a digit", async () => {
    const ada = await createRoot();
    await loyaltyService.applyPending();
    // The next ids run across a power of ten (998, 999, 1000, …): text order would take 1000 first.
    const [{ max }] = (await db().sql<{ max: string }>`SELECT coalesce(max(id), 0)::text AS max FROM loyalty_event`) as [{ max: string }];
    const pow = 10 ** Math.max(3, String(max).length);
    await db().sql`SELECT setval('loyalty_event_id_seq', ${pow - 3})::text AS v`;
    await db().sql`
      INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
      SELECT ${key("order")} || i, ${ada.id}, 'CUSTOM', '{"name": "training_completed"}'::jsonb, now() - interval '1 minute' FROM generate_series(1, 6) i`;
    expect(await loyaltyService.applyBatch(3)).toBe(3);
    const rows = await db().sql<{ id: string; processed: boolean }>`
      SELECT id::text, processed_at IS NOT NULL AS processed FROM loyalty_event WHERE member_id = ${ada.id} ORDER BY loyalty_event.id`;
    expect(rows.map((r) => [Number(r.id), r.processed])).toEqual([
      [pow - 2, true], [pow - 1, true], [pow, true], [pow + 1, false], [pow + 2, false], [pow + 3, false],
    ]);
    await loyaltyService.applyPending();
  });


  it("posts a batch's grants as one ledger transaction whose legs tell each member what their points were for and when", async () => {
    const ada = await createRoot();
    let bo = await createRoot();
    while (shardOf(bo.id) !== shardOf(ada.id)) bo = await createRoot();
    await loyaltyService.applyPending();
    const when = (days: number) => new Date(Date.now() - days * DAY);
    for (const [m, days] of [[ada, 3], [bo, 2], [ada, 1]] as const) {
      await db().sql`INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
        VALUES (${key("train")}, ${m.id}, 'CUSTOM', '{"name": "training_completed"}'::jsonb, ${when(days).toISOString()}::timestamptz)`;
    }
    expect(await loyaltyService.applyBatch(10, new Date(), shardOf(ada.id))).toBe(3);
    const legs = await db().sql<{ tx: string; owner: number | null; kind: string; amount: number; memo: string | null }>`
      SELECT p.transaction_id::text AS tx, a.owner_id AS owner, a.kind, p.amount::int AS amount, p.memo FROM ledger_posting p JOIN ledger_account a ON a.id = p.account_id
      WHERE p.transaction_id = (SELECT q.transaction_id FROM ledger_posting q JOIN ledger_account b ON b.id = q.account_id WHERE b.owner_id = ${bo.id} AND b.kind = 'POINTS')
      ORDER BY p.id`;
    // 25 reward points a training: three member legs and the company's one.
    expect(legs.map((l) => [l.owner, l.kind, l.amount])).toEqual([
      [ada.id, "POINTS", 25], [bo.id, "POINTS", 25], [ada.id, "POINTS", 25], [null, "POINTS_EXPENSE", -75],
    ]);
    const [lot] = await db().sql<{ description: string }>`SELECT description FROM points_lot WHERE member_id = ${bo.id}`;
    expect(legs[1]!.memo).toBe(lot!.description);
    const history = await loyaltyService.history(viewerOf(ada), ada.id, 10, null);
    expect(history.rows.map((r) => [r.reason, r.amount, r.description, r.at.toISOString().slice(0, 10)])).toEqual([
      ["POINTS_EARNED", 25, lot!.description, when(1).toISOString().slice(0, 10)],
      ["POINTS_EARNED", 25, lot!.description, when(3).toISOString().slice(0, 10)],
    ]);
    await checkInvariants();
  });
  it("applies a pending refund to pending points before anything is active", async () => {
    const ben = await placeUnder(await createRoot());
    const product = await createProduct(admin, { price: "10.00" });
    const order = await paidOrder(ben, product.id, 3);
    await orderService.refund(admin, order.id, null);
    await loyaltyService.applyPending();
    expect(await balances(ben)).toEqual({ REWARD: [0, 0], STATUS: [0, 0] });
    await loyaltyService.releasePending(admin, ben.id);
    expect(await balances(ben)).toEqual({ REWARD: [0, 0], STATUS: [0, 0] });
    await checkInvariants();
  });
});

describe("referral bonus", () => {
  it("pays the sponsor again for a first order after the only one was refunded in full, in the same batch as the refund", async () => {
    const sponsor = await placeUnder(await createRoot());
    const cleo = await placeUnder(sponsor, { firstName: "Cleo" });
    const product = await createProduct(admin, { price: "10.00" });
    const first = await paidOrder(cleo, product.id, 1);
    await loyaltyService.applyPending();
    expect((await balances(sponsor)).REWARD).toEqual([100, 0]);
    // The refund and the next order are applied together: the next order is a first order again.
    await orderService.refund(admin, first.id, null);
    await paidOrder(cleo, product.id, 1);
    expect(await loyaltyService.applyBatch(10, new Date(), shardOf(cleo.id))).toBe(2);
    // The sponsor's part is an event of the sponsor's, applied with the sponsor's shard.
    const [sponsored] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM loyalty_event WHERE member_id = ${sponsor.id} AND type = 'SPONSORED' AND processed_at IS NULL`;
    expect(sponsored!.n).toBe(1);
    await loyaltyService.applyPending();
    expect((await balances(sponsor)).REWARD).toEqual([200, 0]);
    await checkInvariants();
  });
});

describe("paid orders counted for badges", () => {
  it("stop counting an order refunded in full, not one refunded in part", async () => {
    const m = await placeUnder(await createRoot());
    const product = await createProduct(admin, { price: "20.00" });
    const a = await paidOrder(m, product.id, 2);
    const b = await paidOrder(m, product.id, 2);
    await loyaltyService.applyPending();
    const count = async () => (await db().sql<{ n: number }>`SELECT paid_orders AS n FROM loyalty_member WHERE member_id = ${m.id}`)[0]!.n;
    expect(await count()).toBe(2);
    await orderService.refund(admin, a.id, [{ lineId: a.lines[0]!.id, quantity: 1 }]);
    await loyaltyService.applyPending();
    expect(await count()).toBe(2);
    await orderService.refund(admin, b.id, null);
    await loyaltyService.applyPending();
    expect(await count()).toBe(1);
    await orderService.refund(admin, a.id, null); // the rest of the first: now in full
    await loyaltyService.applyPending();
    expect(await count()).toBe(0);
    // Milestones stay: the first-order badge was earned.
    expect((await loyaltyService.account(viewerOf(m), m.id)).badges.map((x) => x.code)).toContain("FIRST_ORDER");
  });
});

describe("six months active", () => {
  it("counts the months with a paid order, once each, and awards the badge on the sixth", async () => {
    const m = await placeUnder(await createRoot());
    const product = await createProduct(admin, { price: "5.00" });
    const paidIn = (day: string, n: number) => ({
      key: `test:${m.id}:${day}:${n}`, memberId: m.id, occurredAt: new Date(`${day}T10:00:00Z`),
      event: { type: "ORDER_PAID" as const, payload: { orderId: 900_000 + n, currency: "USD", lines: [{ productId: product.id, sku: product.sku, quantity: 1, unitPrice: 500 }] } },
    });
    const months = ["2026-01-05", "2026-01-20", "2026-02-03", "2026-03-03", "2026-04-03", "2026-05-03"];
    await transaction(() => loyaltyService.record(months.map((d, i) => paidIn(d, i))));
    await loyaltyService.applyPending();
    const badges = async () => (await loyaltyService.account(viewerOf(m), m.id)).badges.map((b) => b.code);
    expect(await badges()).not.toContain("ACTIVE_6");
    await transaction(() => loyaltyService.record([paidIn("2026-02-10", 10)])); // a month already counted
    await loyaltyService.applyPending();
    expect(await badges()).not.toContain("ACTIVE_6");
    await transaction(() => loyaltyService.record([paidIn("2026-06-01", 11)]));
    await loyaltyService.applyPending();
    expect(await badges()).toContain("ACTIVE_6");
  });
});

describe("retail customers", () => {
  it("enrols a customer by their first paid order: the points are theirs (pending, then active), a refund takes them back, and only their distributor and staff read them", async () => {
    const distributor = await placeUnder(await createRoot());
    const other = await placeUnder(await createRoot());
    const customer = await customerService.create(viewerOf(distributor), { firstName: "Rosa", lastName: "Buyer", country: "US", email: null, phone: null });
    const vitamins = await createProduct(admin, { price: "50.00" });
    const before = await balances(distributor);
    expect(await loyaltyService.customerAccount(viewerOf(distributor), customer.id)).toMatchObject({ customerId: customer.id, memberId: distributor.id, tier: null });

    const order = await orderService.place(viewerOf(distributor), { customerId: customer.id, lines: [{ productId: vitamins.id, quantity: 2 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await loyaltyService.applyPending();
    // 100 USD of supplements: 10 × 100 × 2 reward points and 100 status points, the customer's, pending.
    const pts = async () => Object.fromEntries((await loyaltyService.customerAccount(viewerOf(distributor), customer.id)).balances.map((b) => [b.pointType, [b.balance, b.pending]]));
    expect(await pts()).toEqual({ REWARD: [0, 2000], STATUS: [0, 100] });
    expect(await balances(distributor)).toEqual(before);
    const [account] = await db().sql<{ ownerId: number | null; customerId: number }>`
      SELECT owner_id AS "ownerId", customer_id AS "customerId" FROM ledger_account WHERE customer_id = ${customer.id} AND kind = 'POINTS_PENDING' AND unit = 'REWARD'`;
    expect(account).toEqual({ ownerId: null, customerId: customer.id });
    expect((await loyaltyService.customerBalances(viewerOf(distributor), [customer])).get(customer.id)).toEqual(
      expect.arrayContaining([{ pointType: "REWARD", balance: 0, pending: 2000 }]),
    );

    await loyaltyService.releaseDue(new Date(Date.now() + 15 * DAY));
    expect(await pts()).toEqual({ REWARD: [2000, 0], STATUS: [100, 0] });
    const history = await loyaltyService.customerHistory(viewerOf(distributor), customer.id, 10, null);
    expect(history.rows.map((r) => `${r.reason} ${r.pointType}`).sort()).toEqual(["POINTS_EARNED REWARD", "POINTS_EARNED STATUS", "POINTS_RELEASED REWARD", "POINTS_RELEASED STATUS"]);
    // The same rules as members': a second order on another day earns again, a refund takes exactly it back.
    const second = await orderService.place(viewerOf(distributor), { customerId: customer.id, lines: [{ productId: vitamins.id, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, second.id);
    await loyaltyService.applyPending();
    expect(await pts()).toEqual({ REWARD: [2000, 1000], STATUS: [100, 50] });
    await orderService.refund(admin, second.id, null);
    await loyaltyService.applyPending();
    expect(await pts()).toEqual({ REWARD: [2000, 0], STATUS: [100, 0] });

    // Another distributor may not read them; staff with loyalty.read may; the customer gets no notifications (no login).
    await expect(loyaltyService.customerAccount(viewerOf(other), customer.id)).rejects.toThrow();
    expect((await loyaltyService.customerBalances(viewerOf(other), [customer])).size).toBe(0);
    expect((await loyaltyService.customerAccount(admin, customer.id)).balances.length).toBe(2);
    const [notes] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM notification WHERE member_id < 0`;
    expect(notes!.n).toBe(0);

    // The customer's own points pay part of their next order (never the distributor's); cancelling gives them back.
    expect(await loyaltyService.checkoutPoints(viewerOf(distributor), distributor.id, "USD", customer.id)).toMatchObject({ balance: 2000 });
    await expect(loyaltyService.checkoutPoints(viewerOf(other), other.id, "USD", customer.id)).rejects.toThrow();
    const withPoints = await orderService.place(viewerOf(distributor), {
      customerId: customer.id, lines: [{ productId: vitamins.id, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor(), points: 1500,
    });
    expect(withPoints.pointsRedeemed).toBe(1500);
    expect((await pts()).REWARD).toEqual([500, 0]);
    expect(await balances(distributor)).toEqual(before);
    expect(await codesOf(orderService.place(viewerOf(distributor), {
      customerId: customer.id, lines: [{ productId: vitamins.id, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor(), points: 1000,
    }))).toEqual(["points:INSUFFICIENT_POINTS"]);
    await orderService.cancel(viewerOf(distributor), withPoints.id);
    expect((await pts()).REWARD).toEqual([2000, 0]);
    await checkInvariants();
  });
});

describe("custom events, caps and grants", () => {
  it("grants event points once per key, within the rule's monthly cap", async () => {
    const m = await placeUnder(await createRoot());
    const send = (k: string) => loyaltyService.recordEvent(admin, { memberId: m.id, event: "training_completed", idempotencyKey: k });
    const first = await send("t1");
    expect(first).toMatchObject({ applied: true, points: 25 });
    expect(await send("t1")).toMatchObject({ points: 25 });
    for (const k of ["t2", "t3", "t4", "t5"]) await send(k);
    expect((await balances(m)).REWARD).toEqual([100, 0]); // capped at 100 a month
    expect(await codesOf(loyaltyService.recordEvent(admin, { memberId: m.id, event: "Bad Name", idempotencyKey: "x" }))).toEqual(["event:INVALID"]);
    await expect(loyaltyService.recordEvent(viewerOf(m), { memberId: m.id, event: "birthday", idempotencyKey: "y" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("gives the birthday gift on the birth date from the profile, once a year; 29 February on the 28th in a common year", async () => {
    const root = await createRoot();
    const born = async (birthDate: string) => {
      const m = await placeUnder(root);
      return memberService.updateProfile(viewerOf(m), m.id, { birthDate });
    };
    const [feb28, leapling, march1] = [await born("1990-02-28"), await born("1992-02-29"), await born("1990-03-01")];
    const day = new Date("2025-02-28T00:10:00Z"); // 2025 has no 29 February
    expect(await loyaltyService.birthdays(day)).toBeGreaterThanOrEqual(2);
    await loyaltyService.applyPending();
    expect((await balances(feb28)).REWARD).toEqual([200, 0]);
    expect((await balances(leapling)).REWARD).toEqual([200, 0]);
    expect((await balances(march1)).REWARD ?? [0, 0]).toEqual([0, 0]);
    await loyaltyService.birthdays(day); // the job ran twice that day
    await loyaltyService.applyPending();
    expect((await balances(feb28)).REWARD).toEqual([200, 0]);
    expect(await codesOf(memberService.updateProfile(viewerOf(march1), march1.id, { birthDate: "1990-02-30" }))).toEqual(["birthDate:INVALID"]);
    await checkInvariants();
  });

  it("grants points to many members as one job of events", async () => {
    const root = await createRoot();
    const team = await Promise.all([1, 2, 3].map(() => placeUnder(root, { country: "FR" })));
    const { grantId, members } = await loyaltyService.grantPoints(admin, { pointType: "REWARD", points: 40, reason: "Spring campaign", country: "FR" });
    expect(members).toBeGreaterThanOrEqual(3);
    await loyaltyService.applyPending();
    expect(await loyaltyService.grantProgress(admin, grantId)).toEqual({ total: members, applied: members });
    for (const m of team) expect((await balances(m)).REWARD).toEqual([40, 0]);
    expect(await codesOf(loyaltyService.grantPoints(admin, { pointType: "MILES", points: 0, reason: "" }))).toEqual(["pointType:UNKNOWN_CODE", "points:INVALID", "reason:REQUIRED"]);
  });
});

describe("expiry", () => {
  it("expires the oldest points first and never points already spent", async () => {
    const m = await placeUnder(await createRoot());
    const day = (n: number) => new Date(Date.now() + n * DAY);
    for (const [k, at] of [["old", day(-300)], ["new", day(-10)]] as const) {
      await loyaltyService.record([{ key: `e:${m.id}:${k}`, memberId: m.id, occurredAt: at, event: { type: "GRANT", payload: { pointType: "REWARD", points: 100, reason: k, rule: "GRANT" } } }]);
    }
    await loyaltyService.applyPending();
    const reward = await loyaltyService.saveReward(admin, { name: "Tote bag", kind: "PERK", pointType: "REWARD", pointsCost: 60 });
    await loyaltyService.redeem(viewerOf(m), { rewardId: reward.id, idempotencyKey: key() });
    // The 60 came from the old lot: 40 of it are left to expire; the new lot is untouched.
    expect(await loyaltyService.expireDue(day(100))).toBeGreaterThanOrEqual(1);
    expect((await balances(m)).REWARD).toEqual([100, 0]);
    expect(await loyaltyService.expireDue(day(400))).toBeGreaterThanOrEqual(1);
    expect((await balances(m)).REWARD).toEqual([0, 0]);
    await checkInvariants();
  });
});

describe("rewards", () => {
  it("redeems atomically: a voucher code, stock and points together; a repeated key returns the first; errors name the field", async () => {
    const m = await placeUnder(await createRoot(), { country: "DE" });
    await loyaltyService.record([{ key: key("g"), memberId: m.id, occurredAt: new Date(), event: { type: "GRANT", payload: { pointType: "REWARD", points: 500, reason: "test", rule: "GRANT" } } }]);
    await loyaltyService.applyPending();
    const voucher = await loyaltyService.saveReward(admin, { name: "10 % off", kind: "VOUCHER", pointType: "REWARD", pointsCost: 300, stock: 3 });
    const k = key();
    const first = await loyaltyService.redeem(viewerOf(m), { rewardId: voucher.id, idempotencyKey: k });
    expect(first.voucherCode).toMatch(/^LOY-[0-9A-F]{8}$/);
    expect((await loyaltyService.redeem(viewerOf(m), { rewardId: voucher.id, idempotencyKey: k })).id).toBe(first.id);
    expect((await balances(m)).REWARD).toEqual([200, 0]);
    expect(await codesOf(loyaltyService.redeem(viewerOf(m), { rewardId: voucher.id, idempotencyKey: key() }))).toEqual(["rewardId:INSUFFICIENT_POINTS"]);
    const usOnly = await loyaltyService.saveReward(admin, { name: "US mug", kind: "PRODUCT", pointType: "REWARD", pointsCost: 10, countries: ["US"] });
    expect(await codesOf(loyaltyService.redeem(viewerOf(m), { rewardId: usOnly.id, idempotencyKey: key() }))).toEqual(["rewardId:NOT_AVAILABLE"]);
    const gold = await loyaltyService.saveReward(admin, { name: "Gold lounge", kind: "PERK", pointType: "REWARD", pointsCost: 10, minTier: "GOLD" });
    expect(await codesOf(loyaltyService.redeem(viewerOf(m), { rewardId: gold.id, idempotencyKey: key() }))).toEqual(["rewardId:TIER_REQUIRED"]);
    expect((await loyaltyService.rewards(viewerOf(m), { availableTo: m.id }, 50, null)).rows.map((r) => r.id)).toContain(voucher.id);
    expect((await loyaltyService.rewards(viewerOf(m), { availableTo: m.id }, 50, null)).rows.map((r) => r.id)).not.toContain(gold.id);
    expect(await codesOf(loyaltyService.saveReward(admin, { name: "", kind: "PERK", pointType: "STATUS", pointsCost: 0 }))).toEqual(["name:REQUIRED", "pointType:UNKNOWN_CODE", "pointsCost:INVALID"]);
    await checkInvariants();
  });

  it("moves a physical reward through fulfilment, and a cancellation gives points and stock back", async () => {
    const m = await placeUnder(await createRoot());
    await loyaltyService.record([{ key: key("g"), memberId: m.id, occurredAt: new Date(), event: { type: "GRANT", payload: { pointType: "REWARD", points: 500, reason: "test", rule: "GRANT" } } }]);
    await loyaltyService.applyPending();
    const bottle = await loyaltyService.saveReward(admin, { name: "Shaker bottle", kind: "PRODUCT", pointType: "REWARD", pointsCost: 200, stock: 1 });
    const r = await loyaltyService.redeem(viewerOf(m), { rewardId: bottle.id, idempotencyKey: key() });
    expect(r.status).toBe("REQUESTED");
    expect((await loyaltyService.advanceRedemption(admin, r.id, "PACKED")).status).toBe("PACKED");
    expect(await codesOf(loyaltyService.advanceRedemption(admin, r.id, "DELIVERED"))).toEqual(["status:INVALID_TRANSITION"]);
    expect((await loyaltyService.advanceRedemption(admin, r.id, "CANCELLED")).status).toBe("CANCELLED");
    expect((await balances(m)).REWARD).toEqual([500, 0]);
    expect((await loyaltyService.reward(admin, bottle.id)).stock).toBe(1);
    await checkInvariants();
  });

  it("lets exactly as many parallel redemptions through as there is stock, losing no points", async () => {
    const root = await createRoot();
    const members = await Promise.all(Array.from({ length: 50 }, () => placeUnder(root)));
    await loyaltyService.grantPoints(admin, { pointType: "REWARD", points: 1000, reason: "Stock test", memberIds: members.map((m) => m.id) });
    await loyaltyService.applyPending();
    const reward = await loyaltyService.saveReward(admin, { name: "Limited kit", kind: "PRODUCT", pointType: "REWARD", pointsCost: 700, stock: 5 });
    const results = await Promise.allSettled(members.map((m) => loyaltyService.redeem(viewerOf(m), { rewardId: reward.id, idempotencyKey: key() })));
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(5);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ errors: [{ field: "rewardId", code: "OUT_OF_STOCK" }] });
    const left = await Promise.all(members.map(async (m) => (await balances(m)).REWARD![0]));
    expect(left.filter((b) => b === 300)).toHaveLength(5);
    expect(left.filter((b) => b === 1000)).toHaveLength(45);
    expect((await loyaltyService.reward(admin, reward.id)).stock).toBe(0);
    await checkInvariants();
  });
});

describe("paying part of an order with points", () => {
  it("spends points when the order is placed, charges the rest, earns on the money only, and gives back the refunded share as points", async () => {
    const m = await placeUnder(await createRoot(), { country: "US" });
    const me = viewerOf(m);
    await loyaltyService.record([{ key: `e:${m.id}:gift`, memberId: m.id, occurredAt: new Date(), event: { type: "GRANT", payload: { pointType: "REWARD", points: 3000, reason: "gift", rule: "GRANT" } } }]);
    await loyaltyService.applyPending();
    const product = await createProduct(admin, { price: "19.99" });
    const place = (points: number | null, quantity = 5) =>
      orderService.place(me, { lines: [{ productId: product.id, quantity }], currency: "USD", shippingAddress: { ...ADDRESS, country: "US" }, idempotencyKey: orderKeyFor(), points });
    expect(await loyaltyService.checkoutPoints(me, m.id, "usd")).toEqual({ pointType: "REWARD", pointTypeName: "Reward points", balance: 3000, valuePerPoint: "0.01", minPoints: 100, maxShareOfOrder: 0.5 });
    expect(await loyaltyService.checkoutPoints(me, m.id, "JPY")).toBeNull();
    expect((await loyaltyService.checkoutPoints(me, m.id, "EUR"))!.valuePerPoint).toBe("0.009");

    // Refused, with nothing written: too few, more than half of USD 99.95.
    const orders = async () => (await orderService.list(me, { memberId: m.id }, 50, null)).rows.length;
    expect(await codesOf(place(99))).toEqual(["points:INVALID"]);
    expect(await codesOf(place(5000))).toEqual(["points:INVALID"]);
    expect([await orders(), (await balances(m)).REWARD]).toEqual([0, [3000, 0]]);

    // 2,500 points pay USD 25.00 of 99.95; the provider is charged 74.95.
    const order = await place(2500);
    expect([order.pointsType, order.pointsRedeemed, order.pointsValue, order.amountDue]).toEqual(["REWARD", 2500, "25.00", "74.95"]);
    expect((await balances(m)).REWARD).toEqual([500, 0]);
    expect(await codesOf(place(600, 1))).toEqual(["points:INSUFFICIENT_POINTS"]);
    const paid = await orderService.markPaid(admin, order.id);
    expect(paid.payments.map((p) => [p.kind, p.amount])).toEqual([["CHARGE", "74.95"]]);
    // Spending points earn on the 74.95 paid in money: 99.95 × 10 × 2 (supplements) × 7495 / 9995 = 1,499.
    await loyaltyService.applyPending();
    expect((await balances(m)).REWARD).toEqual([500, 1499]);

    // One unit of five refunded (19.99): a fifth of the points come back (500), the provider refunds 14.99.
    const refunded = await orderService.refund(admin, order.id, [{ lineId: order.lines[0]!.id, quantity: 1 }]);
    expect([refunded.refundedTotal, refunded.pointsReturned, refunded.payments.at(-1)!.amount]).toEqual(["19.99", 500, "14.99"]);
    expect((await balances(m)).REWARD[0]).toBe(1000);
    // The rest cancelled: every point back, and the money refunds add up to the charge.
    const cancelled = await orderService.cancel(admin, order.id);
    expect([cancelled.status, cancelled.refundedTotal, cancelled.pointsReturned, cancelled.pointsValueReturned]).toEqual(["CANCELLED", "99.95", 2500, "25.00"]);
    const refunds = cancelled.payments.filter((p) => p.kind === "REFUND").reduce((s, p) => s + hundredths(p.amount), 0);
    expect(refunds).toBe(7495);
    await loyaltyService.applyPending();
    expect((await balances(m)).REWARD).toEqual([3000, 0]);

    // A pending order cancelled by its buyer gives every point back; nothing was charged.
    expect(await codesOf(place(1000, 1))).toEqual(["points:INVALID"]); // at most half of 19.99
    const pending = await place(999, 1);
    expect((await balances(m)).REWARD[0]).toBe(2001);
    const gone = await orderService.cancel(me, pending.id);
    expect([gone.status, gone.pointsReturned, gone.payments]).toEqual(["CANCELLED", 999, []]);
    expect((await balances(m)).REWARD[0]).toBe(3000);
    await checkInvariants();
    expect(await ledgerService.check()).toEqual([]);
  });
});

describe("the ledger and the lots agree (property)", () => {
  it("for random orders, refunds, redemptions, points at checkout, releases and expiries: balances equal the ledger, none negative, every point accounted for", async () => {
    const root = await createRoot();
    const members = await Promise.all([1, 2, 3].map(() => placeUnder(root)));
    const reward = await loyaltyService.saveReward(admin, { name: "Property perk", kind: "PERK", pointType: "REWARD", pointsCost: 150 });
    let clock = Date.now();
    let orderId = 9_000_000 + Math.floor(Math.random() * 1_000_000);
    const refunded = new Map<number, number>();
    const op = fc.oneof(
      fc.record({ type: fc.constant("order" as const), who: fc.nat(2), value: fc.integer({ min: 100, max: 50_000 }) }),
      fc.record({ type: fc.constant("refund" as const), share: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ type: fc.constant("redeem" as const), who: fc.nat(2) }),
      fc.record({ type: fc.constant("time" as const), days: fc.integer({ min: 1, max: 200 }) }),
      fc.record({ type: fc.constant("checkout" as const), who: fc.nat(2), points: fc.integer({ min: 1, max: 800 }), back: fc.integer({ min: 0, max: 100 }) }),
    );
    const orders: { id: number; memberId: number; total: number }[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        for (const o of ops) {
          if (o.type === "order") {
            const m = members[o.who]!;
            const id = ++orderId;
            orders.push({ id, memberId: m.id, total: o.value });
            await loyaltyService.record([{ key: `order:${id}:paid`, memberId: m.id, occurredAt: new Date(clock), event: { type: "ORDER_PAID", payload: { orderId: id, currency: "USD", lines: [{ productId: 0, sku: "P", quantity: 1, unitPrice: o.value }] } } }]);
          } else if (o.type === "refund" && orders.length) {
            const target = orders[o.share % orders.length]!;
            const before = refunded.get(target.id) ?? 0;
            const now = Math.min(target.total, before + Math.ceil((target.total * o.share) / 100));
            if (now === before) continue;
            refunded.set(target.id, now);
            await loyaltyService.record([{ key: `order:${target.id}:refund:${now}`, memberId: target.memberId, occurredAt: new Date(clock), event: { type: "ORDER_REFUNDED", payload: { orderId: target.id, refunded: now, total: target.total } } }]);
          } else if (o.type === "redeem") {
            await loyaltyService.applyPending(new Date(clock));
            await loyaltyService.redeem(viewerOf(members[o.who]!), { rewardId: reward.id, idempotencyKey: key() }).catch((e) => {
              if (!String(e.message).includes("costs")) throw e;
            });
          } else if (o.type === "checkout") {
            // Points paying part of an order, then part of them given back by a refund.
            await loyaltyService.applyPending(new Date(clock));
            const spend = { memberId: members[o.who]!.id, orderId: ++orderId, pointType: "REWARD" };
            const spent = await transaction(() => loyaltyService.spendAtCheckout({ ...spend, points: o.points }, new Date(clock))).then(() => true, (e) => {
              if (e.errors?.[0]?.code !== "INSUFFICIENT_POINTS") throw e;
              return false;
            });
            if (spent) await transaction(() => loyaltyService.returnFromCheckout({ ...spend, points: Math.floor((o.points * o.back) / 100), key: "refund:1" }, new Date(clock)));
          } else if (o.type === "time") {
            clock += o.days * DAY;
            await loyaltyService.applyPending(new Date(clock));
            await loyaltyService.releaseDue(new Date(clock));
            await loyaltyService.expireDue(new Date(clock));
          }
        }
        await loyaltyService.applyPending(new Date(clock));
        await checkInvariants();
      }),
      { numRuns: 8 },
    );
  });
});
