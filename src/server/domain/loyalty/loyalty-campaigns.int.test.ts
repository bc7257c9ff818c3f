import { beforeAll, describe, expect, it } from "vitest";
import { db, transaction } from "@/server/db/unit-of-work";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { catalogService } from "@/server/domain/catalog/catalog.service";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";
import { sign } from "@/server/domain/shared/signature";
import type { Viewer } from "@/server/domain/shared/viewer";
import { ADDRESS, codesOf, createAdmin, createProduct, createRoot, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { loyaltyService } from "./loyalty.service";
import { EXAMPLE_PROGRAM } from "./program.rules";

// Segments, campaigns with budgets, missions and ranks, on a real database.

let admin: Viewer;
let vitamins: { id: number };
const today = new Date().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

const PROGRAM = {
  pointTypes: EXAMPLE_PROGRAM.pointTypes,
  pendingDays: 0,
  earning: [
    { type: "SPEND", code: "SPEND", name: "1 per unit", pointType: "REWARD", pointsPerUnit: 1 },
    // Fans of supplements get 100 a unit, 250 points in all across members.
    { type: "PRODUCT_BONUS", code: "FANS_BONUS", name: "Fan bonus", pointType: "REWARD", pointsPerUnit: 100, categories: ["Supplements"], segment: "FANS", budget: 250, from: today, until: inDays(30) },
    { type: "EVENT", code: "RANK_UP", name: "New rank", pointType: "REWARD", event: "rank_achieved", points: 500 },
    { type: "MULTIPLIER", code: "NEW_X3", name: "3× on new products", multiplier: 3, labels: ["NEW"] },
  ],
  badges: [{ code: "RANK_SILVER", name: "Silver rank", when: { type: "RANK", rank: "Silver" } }],
  segments: [
    { code: "FANS", name: "Fans", when: { bought: { categories: ["Supplements"], orders: 1, withinDays: 30 } } },
    { code: "LAPSED", name: "Lapsed", when: { noOrderForDays: 30 } },
    { code: "VIP", name: "VIP", when: { tags: ["VIP"] } },
  ],
  missions: [
    { code: "DUO", name: "Two orders and a webinar", from: today, until: inDays(30), steps: [{ type: "ORDERS", count: 2 }, { type: "EVENT", event: "webinar", count: 1 }], reward: { pointType: "REWARD", points: 300 } },
    { code: "FANS_ONLY", name: "For fans", segment: "FANS", steps: [{ type: "ORDERS", count: 50 }], reward: { pointType: "REWARD", points: 1 } },
  ],
};

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  await loyaltyService.saveProgram(admin, PROGRAM, "Campaigns");
  vitamins = await createProduct(admin, { price: "10.00" });
});

async function buy(m: MemberRecord, quantity: number) {
  const order = await orderService.place(viewerOf(m), { lines: [{ productId: vitamins.id, quantity }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
  await orderService.markPaid(admin, order.id);
  await loyaltyService.applyPending();
  return order;
}
const reward = async (m: MemberRecord) => (await loyaltyService.account(viewerOf(m), m.id)).balances.find((b) => b.pointType === "REWARD")!.balance;
const granted = async (m: MemberRecord, rule: string) => {
  const [row] = await db().sql<{ n: number }>`SELECT coalesce(sum(amount), 0)::int AS n FROM points_lot WHERE member_id = ${m.id} AND rule = ${rule}`;
  return row!.n;
};

describe("a campaign for a segment, with a budget", () => {
  it("gives its bonus to members in the segment only, and stops when the budget is spent", async () => {
    // Segment counts are kept a minute; the test reads them fresh.
    const counts = async () => {
      loyaltyService.forgetCached();
      return loyaltyService.segments(admin);
    };
    const lapsed = async () => (await counts()).find((s) => s.code === "LAPSED")!.members;
    const lapsedBefore = await lapsed();
    const root = await createRoot();
    const ava = await placeUnder(root, { firstName: "Ava" });
    const ben = await placeUnder(root, { firstName: "Ben" });
    // Newcomers who never ordered are not lapsed buyers.
    expect(await lapsed()).toBe(lapsedBefore);
    let segments = await counts();
    expect(segments.find((s) => s.code === "FANS")).toMatchObject({ usedBy: ["FANS_BONUS", "FANS_ONLY"] });
    const fansBefore = segments.find((s) => s.code === "FANS")!.members;

    // A first order puts Ava in the segment; it earns no bonus (she was not in it when she paid).
    await buy(ava, 1);
    expect(await granted(ava, "FANS_BONUS")).toBe(0);
    segments = await counts();
    expect(segments.find((s) => s.code === "FANS")!.members).toBe(fansBefore + 1);

    await buy(ava, 2);
    expect(await granted(ava, "FANS_BONUS")).toBe(200);
    await buy(ben, 1);
    const bensSecond = await buy(ben, 1);
    // Only 50 of the 250 were left.
    expect(await granted(ben, "FANS_BONUS")).toBe(50);
    await buy(ava, 1);
    expect(await granted(ava, "FANS_BONUS")).toBe(200);
    expect(await reward(ava)).toBe(10 + 20 + 10 + 200);
    // Ava's first order, 61 days ago: she lapsed, and is back.
    await db().sql`UPDATE loyalty_event SET occurred_at = now() - interval '61 days' WHERE member_id = ${ava.id}`;
    expect(await lapsed()).toBe(lapsedBefore + 1);

    // A bulk grant to the segment reaches its members only.
    const { members } = await loyaltyService.grantPoints(admin, { pointType: "REWARD", points: 7, reason: "For our fans", segment: "FANS", memberIds: [ava.id, ben.id, root.id] });
    expect(members).toBe(1); // Ava lapsed above; Ben is a fan; the root never bought.
    await loyaltyService.applyPending();
    expect([await granted(ava, "GRANT"), await granted(ben, "GRANT"), await granted(root, "GRANT")]).toEqual([0, 7, 0]);
    await expect(loyaltyService.grantPoints(admin, { pointType: "REWARD", points: 7, reason: "x", segment: "NOBODY" })).rejects.toMatchObject({ errors: [{ field: "segment", code: "UNKNOWN_CODE" }] });

    const [campaign] = (await loyaltyService.campaigns(admin)).filter((c) => c.code === "FANS_BONUS");
    expect(campaign).toMatchObject({ budget: 250, used: 250, status: "SPENT", segment: "FANS" });
    // A refund takes the bonus back, and the campaign may grant it again.
    await orderService.refund(admin, bensSecond.id, null);
    await loyaltyService.applyPending();
    expect((await loyaltyService.campaigns(admin)).find((c) => c.code === "FANS_BONUS")).toMatchObject({ used: 200, status: "RUNNING" });
    expect(await ledgerService.check()).toEqual([]);
  });
});

describe("member tags and product labels", () => {
  it("a segment selects tagged members; a rule matches labelled products; tags are for staff to set, audited", async () => {
    const root = await createRoot();
    const [dana, eli] = [await placeUnder(root, { firstName: "Dana" }), await placeUnder(root, { firstName: "Eli" })];
    const vips = async () => {
      loyaltyService.forgetCached();
      return (await loyaltyService.segments(admin)).find((s) => s.code === "VIP")!;
    };
    const before = (await vips()).members;
    expect((await vips()).conditions).toBe("tagged vip");
    expect((await memberService.setTags(admin, dana.id, [" VIP", "convention-2026", "vip"])).tags).toEqual(["vip", "convention-2026"]);
    expect((await vips()).members).toBe(before + 1);
    expect(await codesOf(memberService.setTags(admin, eli.id, ["two words"]))).toEqual(["tags:INVALID"]);
    await expect(memberService.setTags(viewerOf(eli), eli.id, ["vip"])).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [audit] = await db().sql<{ before: unknown; after: unknown }>`SELECT before, after FROM audit_log WHERE action = 'member.tags' AND target_id = ${String(dana.id)}`;
    expect(audit).toEqual({ before: { tags: [] }, after: { tags: ["vip", "convention-2026"] } });

    // A product labelled "New" (labels are lower case): its spending points ×3; an unlabelled one: ×1.
    const cocoa = await createProduct(admin, { price: "10.00", name: "Mushroom Cocoa" });
    expect((await catalogService.update(admin, cocoa.id, { labels: ["New", "new"] })).labels).toEqual(["new"]);
    const order = await orderService.place(viewerOf(eli), { lines: [{ productId: cocoa.id, quantity: 2 }, { productId: vitamins.id, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await loyaltyService.applyPending();
    expect(await granted(eli, "SPEND")).toBe(20 * 3 + 10);

    // A reward offered to the VIP segment: listed for and redeemable by Dana only.
    const dinner = await loyaltyService.saveReward(admin, { name: "Founders' dinner", kind: "PERK", pointType: "REWARD", pointsCost: 50, segment: "VIP" });
    expect(await codesOf(loyaltyService.saveReward(admin, { name: "x", kind: "PERK", pointType: "REWARD", pointsCost: 50, segment: "NOBODY" }))).toEqual(["segment:UNKNOWN_CODE"]);
    const offered = async (m: MemberRecord) => (await loyaltyService.rewards(viewerOf(m), { availableTo: m.id }, 100, null)).rows.some((r) => r.id === dinner.id);
    expect([await offered(dana), await offered(eli)]).toEqual([true, false]);
    await loyaltyService.record([{ key: `e:${dana.id}:gift`, memberId: dana.id, occurredAt: new Date(), event: { type: "GRANT", payload: { pointType: "REWARD", points: 100, reason: "gift", rule: "GRANT" } } }]);
    await loyaltyService.applyPending();
    expect(await codesOf(loyaltyService.redeem(viewerOf(eli), { rewardId: dinner.id, idempotencyKey: orderKeyFor() }))).toEqual(["rewardId:NOT_AVAILABLE"]);
    expect((await loyaltyService.redeem(viewerOf(dana), { rewardId: dinner.id, idempotencyKey: orderKeyFor() })).points).toBe(50);
  });
});

describe("missions", () => {
  it("an order refunded in full counts for no mission step and puts nobody in a segment", async () => {
    const fay = await placeUnder(await createRoot(), { firstName: "Fay" });
    const fans = async () => {
      loyaltyService.forgetCached();
      return (await loyaltyService.segments(admin)).find((s) => s.code === "FANS")!.members;
    };
    const before = await fans();
    const order = await orderService.place(viewerOf(fay), { lines: [{ productId: vitamins.id, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await loyaltyService.applyPending();
    const ordersDone = async () => (await loyaltyService.missions(viewerOf(fay), fay.id)).find((m) => m.code === "DUO")!.steps[0]!.done;
    expect([await ordersDone(), await fans()]).toEqual([1, before + 1]);
    await orderService.refund(admin, order.id, null);
    await loyaltyService.applyPending();
    expect([await ordersDone(), await fans()]).toEqual([0, before]);
  });

  it("complete once when every step is done in the window, with progress before", async () => {
    const root = await createRoot();
    const cleo = await placeUnder(root, { firstName: "Cleo" });
    let missions = await loyaltyService.missions(viewerOf(cleo), cleo.id);
    // Not a fan yet: only the mission for everyone.
    expect(missions.map((m) => m.code)).toEqual(["DUO"]);
    expect(missions[0]!.steps).toEqual([{ label: "Pay 2 orders", done: 0, needed: 2 }, { label: "Webinar", done: 0, needed: 1 }]);

    await buy(cleo, 1);
    await buy(cleo, 1);
    expect(await granted(cleo, "MISSION:DUO")).toBe(0);
    missions = await loyaltyService.missions(viewerOf(cleo), cleo.id);
    expect(missions.find((m) => m.code === "DUO")!.steps.map((s) => s.done)).toEqual([2, 0]);
    expect(missions.map((m) => m.code).sort()).toEqual(["DUO", "FANS_ONLY"]);

    const first = await loyaltyService.recordEvent(admin, { memberId: cleo.id, event: "webinar", idempotencyKey: "w1" });
    expect(first.applied).toBe(true);
    expect(await granted(cleo, "MISSION:DUO")).toBe(300);
    await loyaltyService.recordEvent(admin, { memberId: cleo.id, event: "webinar", idempotencyKey: "w2" });
    await buy(cleo, 1);
    expect(await granted(cleo, "MISSION:DUO")).toBe(300);
    const duo = (await loyaltyService.missions(viewerOf(cleo), cleo.id)).find((m) => m.code === "DUO")!;
    expect(duo.completedAt).not.toBeNull();
    expect(duo.steps.every((s) => s.done === s.needed)).toBe(true);
    const report = await loyaltyService.missionReport(admin);
    expect(report.find((r) => r.code === "DUO")!.completions).toBeGreaterThanOrEqual(1);

    const other = await placeUnder(root);
    await expect(loyaltyService.missions(viewerOf(other), cleo.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await ledgerService.check()).toEqual([]);
  });
});

describe("ranks from the compensation plan", () => {
  it("record the rank once, give the rank badge and the rank rule's points; the API may not fake one", async () => {
    const root = await createRoot();
    const dan = await placeUnder(root, { firstName: "Dan" });
    const advance = () => transaction(() => loyaltyService.ranksAchieved([{ memberId: dan.id, rank: "Silver", ranks: ["Bronze", "Silver"] }], new Date()));
    await advance();
    await loyaltyService.applyPending();
    await advance();
    await loyaltyService.applyPending();
    const account = await loyaltyService.account(viewerOf(dan), dan.id);
    expect(account.badges.map((b) => b.code)).toEqual(["RANK_SILVER"]);
    expect(await granted(dan, "RANK_UP")).toBe(500);
    const [row] = await db().sql<{ rank: string; ranks: string[] }>`SELECT rank, ranks FROM loyalty_member WHERE member_id = ${dan.id}`;
    expect(row).toEqual({ rank: "Silver", ranks: ["Bronze", "Silver"] });
    await expect(loyaltyService.recordEvent(admin, { memberId: dan.id, event: "rank_achieved", idempotencyKey: "fake" })).rejects.toMatchObject({ errors: [{ field: "event", code: "INVALID" }] });

    // Dan shares his badge: a signed public link with his referral code; nothing else opens.
    const [link] = await loyaltyService.shareLinks(viewerOf(dan));
    expect(link).toMatchObject({ achievement: "badge-RANK_SILVER", title: "Silver rank" });
    const [, , ref, achievement] = link!.path.split("?")[0]!.split("/");
    const s = new URL(link!.path, "http://x").searchParams.get("s")!;
    expect(ref).toBe(dan.referralCode);
    expect(await loyaltyService.shareCard(ref!, achievement!, s)).toMatchObject({ name: "Dan T.", kind: "BADGE", title: "Silver rank", referralCode: dan.referralCode });
    expect(await loyaltyService.shareCard(ref!, achievement!, s.replace(/^./, (c) => (c === "A" ? "B" : "A")))).toBeNull();
    expect(await loyaltyService.shareCard(ref!, "badge-FIRST_ORDER", sign("share-card", `${ref}/badge-FIRST_ORDER`))).toBeNull();
    expect(await loyaltyService.shareCard(ref!, "badge-RANK_SILVER'--", s)).toBeNull();
  });
});

describe("regional calendars", () => {
  it("reads a holiday rule's days in each member's zone when the calendar is LOCAL", async () => {
    const local = {
      ...PROGRAM,
      earning: [...PROGRAM.earning, { type: "EVENT", code: "GOLDEN_WEEK", name: "Golden Week visit", pointType: "REWARD", event: "store_visit", points: 50, days: ["2026-04-29"] }],
      calendar: { dates: "LOCAL", timeZones: { US: "America/New_York" } },
    };
    await loyaltyService.saveProgram(admin, local, "Local calendar");
    const root = await createRoot();
    const tokyo = await placeUnder(root, { country: "JP" });
    const newYork = await placeUnder(root, { country: "US" });
    // 00:30 on 29 April in Tokyo, 11:30 on the 28th in New York.
    const at = new Date("2026-04-28T15:30:00Z");
    for (const m of [tokyo, newYork]) await loyaltyService.recordEvent(admin, { memberId: m.id, event: "store_visit", idempotencyKey: `visit-${m.id}-1`, occurredAt: at });
    expect(await granted(tokyo, "GOLDEN_WEEK")).toBe(50);
    expect(await granted(newYork, "GOLDEN_WEEK")).toBe(0);
    // Noon UTC on the 29th is the 29th in New York too.
    await loyaltyService.recordEvent(admin, { memberId: newYork.id, event: "store_visit", idempotencyKey: `visit-${newYork.id}-2`, occurredAt: new Date("2026-04-29T12:00:00Z") });
    expect(await granted(newYork, "GOLDEN_WEEK")).toBe(50);

    // The same instant on a UTC calendar is the 28th for everyone.
    await loyaltyService.saveProgram(admin, { ...local, calendar: { dates: "UTC" } }, "UTC calendar");
    const osaka = await placeUnder(root, { country: "JP" });
    await loyaltyService.recordEvent(admin, { memberId: osaka.id, event: "store_visit", idempotencyKey: `visit-${osaka.id}-1`, occurredAt: at });
    expect(await granted(osaka, "GOLDEN_WEEK")).toBe(0);
  });
});

describe("segments and campaigns edited one at a time", () => {
  it("adds, changes and removes them as programme versions, naming the item's own fields in errors and refusing a removal that breaks a rule", async () => {
    const before = (await loyaltyService.versions(admin, 1))[0]!.number;
    await loyaltyService.saveProgramPart(admin, "segments", "BIG_SPENDERS", { name: "Big spenders", when: { orderedWithinDays: 30 } });
    expect((await loyaltyService.segments(admin)).map((s) => s.code)).toContain("BIG_SPENDERS");
    expect(await codesOf(loyaltyService.saveProgramPart(admin, "segments", "BIG_SPENDERS", { name: "Big spenders", when: { bought: { categories: [], withinDays: 0 } } })))
      .toEqual(expect.arrayContaining(["when.bought.categories:PROGRAM_INVALID", "when.bought.withinDays:PROGRAM_INVALID"]));
    expect(await codesOf(loyaltyService.saveProgramPart(admin, "segments", "bad code", { name: "X", when: { orderedWithinDays: 3 } }))).toEqual(["code:PROGRAM_INVALID"]);

    const rule = { type: "MULTIPLIER", name: "Double for big spenders", multiplier: 2, categories: ["Supplements"], segment: "BIG_SPENDERS", from: today, until: inDays(7) };
    await loyaltyService.saveProgramPart(admin, "earning", "BIG_X2", rule);
    await loyaltyService.saveProgramPart(admin, "earning", "BIG_X2", { ...rule, multiplier: 3 });
    const program = (await loyaltyService.program())!;
    expect(program.earning.filter((r) => r.code === "BIG_X2")).toMatchObject([{ multiplier: 3, segment: "BIG_SPENDERS" }]);
    expect((await loyaltyService.campaigns(admin)).find((c) => c.code === "BIG_X2")).toMatchObject({ status: "RUNNING", segment: "BIG_SPENDERS" });
    const versions = await loyaltyService.versions(admin, 3);
    expect(versions.map((v) => v.comment)).toEqual(["Campaign Double for big spenders changed", "Campaign Double for big spenders added", "Segment Big spenders added"]);
    expect(versions[0]!.number).toBe(before + 3);

    // The segment is in use: removing it would leave the campaign pointing nowhere.
    const used = await codesOf(loyaltyService.saveProgramPart(admin, "segments", "BIG_SPENDERS", null));
    expect(used).toHaveLength(1);
    expect(used[0]).toMatch(/^earning\[\d+\]\.segment:UNKNOWN_CODE$/);
    await loyaltyService.saveProgramPart(admin, "earning", "BIG_X2", null);
    await loyaltyService.saveProgramPart(admin, "segments", "BIG_SPENDERS", null);
    expect((await loyaltyService.program())!.segments.some((s) => s.code === "BIG_SPENDERS")).toBe(false);
    expect(await codesOf(loyaltyService.saveProgramPart(admin, "earning", "BIG_X2", null))).toEqual(["code:UNKNOWN_CODE"]);
    const distributor = await placeUnder(await createRoot());
    await expect(loyaltyService.saveProgramPart(viewerOf(distributor), "segments", "MINE", { name: "Mine", when: { orderedWithinDays: 1 } })).rejects.toThrow();
  });

  it("keeps both of two changes saved at the same moment", async () => {
    await Promise.all(["PAR_A", "PAR_B", "PAR_C"].map((code) => loyaltyService.saveProgramPart(admin, "segments", code, { name: code, when: { orderedWithinDays: 7 } })));
    expect((await loyaltyService.program())!.segments.map((x) => x.code)).toEqual(expect.arrayContaining(["PAR_A", "PAR_B", "PAR_C"]));
    for (const code of ["PAR_A", "PAR_B", "PAR_C"]) await loyaltyService.saveProgramPart(admin, "segments", code, null);
  });
});

describe("a cashback programme next to the points", () => {
  it("pays its share of an order to the wallet once the return window passes, less what was refunded by then; a later refund leaves it paid", async () => {
    await loyaltyService.saveProgram(admin, {
      ...PROGRAM, pendingDays: 14,
      earning: [...PROGRAM.earning, { type: "CASHBACK", code: "CB5", name: "5 % back on supplements", share: 0.05, categories: ["Supplements"] }],
    }, "Cashback");
    const ana = await placeUnder(await createRoot(), { country: "US" });
    const wallet = async () => (await ledgerService.accountsOf(ana.id, "WALLET")).find((a) => a.unit === "USD")?.posted ?? 0;
    const cashback = async () => (await loyaltyService.account(viewerOf(ana), ana.id)).cashback;
    const later = (days: number) => new Date(Date.now() + days * 86_400_000);

    const first = await buy(ana, 10); // USD 100.00 of supplements
    expect(await cashback()).toEqual([{ currency: "USD", pending: "5.00", paid: "0.00" }]);
    expect(await wallet()).toBe(0);
    const paid = await orderService.get(admin, first.id);
    await orderService.refund(admin, first.id, [{ lineId: paid.lines[0]!.id, quantity: 4 }]);
    await loyaltyService.applyPending();
    expect(await cashback()).toEqual([{ currency: "USD", pending: "3.00", paid: "0.00" }]);

    expect(await loyaltyService.releaseDue(later(15))).toBeGreaterThan(0);
    expect(await wallet()).toBe(300);
    expect(await cashback()).toEqual([{ currency: "USD", pending: "0.00", paid: "3.00" }]);
    const [note] = await db().sql<{ title: string }>`SELECT title FROM notification WHERE member_id = ${ana.id} AND kind = 'CASHBACK' ORDER BY id DESC LIMIT 1`;
    expect(note!.title).toBe("USD 3.00 cashback is in your wallet");

    // Paid, then refunded: the cashback stays paid (the window had passed); the points go.
    const second = await buy(ana, 2);
    await loyaltyService.releaseDue(later(15));
    expect(await wallet()).toBe(400);
    await orderService.refund(admin, second.id, null);
    await loyaltyService.applyPending();
    expect(await wallet()).toBe(400);
    // Refunded in full inside the window: nothing is paid.
    const third = await buy(ana, 3);
    await orderService.refund(admin, third.id, null);
    await loyaltyService.applyPending();
    await loyaltyService.releaseDue(later(15));
    expect(await wallet()).toBe(400);
    const rows = await db().sql<{ status: string; n: number }>`SELECT status, count(*)::int AS n FROM loyalty_cashback WHERE member_id = ${ana.id} GROUP BY 1 ORDER BY 1`;
    expect(rows).toEqual([{ status: "CANCELLED", n: 1 }, { status: "PAID", n: 2 }]);
    expect(await ledgerService.check()).toEqual([]);
    for (const t of await ledgerService.trialBalance()) expect(t).toMatchObject({ posted: 0 });
  });
});
