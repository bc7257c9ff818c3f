import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/unit-of-work";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { notificationService } from "@/server/domain/notification/notification.service";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { ADDRESS, createAdmin, createProduct, createRoot, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { APPLIER_SHARDS, loyaltyRepository, shardOf } from "./loyalty.repository";
import { loyaltyService } from "./loyalty.service";
import { EXAMPLE_PROGRAM } from "./program.rules";

// The applier's shards side by side: each applies its own members' events only, a member's
// sponsor's part goes through the sponsor's shard, budgets shared by the shards hold.

let admin: Viewer;
let seq = 0;
const key = (p = "k") => `${p}-${Date.now().toString(36)}-${++seq}`;

const PROGRAM = {
  ...EXAMPLE_PROGRAM,
  pendingDays: 0,
  earning: [
    ...EXAMPLE_PROGRAM.earning.filter((r) => r.type === "SPEND" || r.type === "REFERRAL"),
    { type: "EVENT" as const, code: "WEBINAR", name: "Webinar", pointType: "REWARD", event: "webinar", points: 100, budget: 150 },
  ],
};

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  await loyaltyService.saveProgram(admin, PROGRAM, "Shards");
});

async function paidOrder(member: MemberRecord, productId: number) {
  const order = await orderService.place(viewerOf(member), { lines: [{ productId, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
  return orderService.markPaid(admin, order.id);
}

const lotsOf = async (memberId: number, rule: string) => {
  const [row] = await db().sql<{ n: number }>`SELECT coalesce(sum(amount), 0)::int AS n FROM points_lot WHERE member_id = ${memberId} AND rule = ${rule}`;
  return row!.n;
};

describe("the applier's shards", () => {
  it("gives a sponsor their recruits and referral bonuses (within its cap) once, from recruits in every shard, applied side by side", async () => {
    expect(APPLIER_SHARDS).toBeGreaterThan(1);
    const sponsor = await placeUnder(await createRoot());
    const recruits: MemberRecord[] = [];
    for (let i = 0; i < 12; i++) recruits.push(await placeUnder(sponsor));
    expect(new Set(recruits.map((r) => shardOf(r.id))).size).toBe(APPLIER_SHARDS);
    const product = await createProduct(admin, { price: "10.00" });
    for (const r of recruits) await paidOrder(r, product.id);
    // Every shard at once, as the job runner runs them; then whatever they appended for each other.
    await Promise.all(Array.from({ length: APPLIER_SHARDS }, (_, k) => loyaltyService.applyPending(undefined, k)));
    await loyaltyService.applyPending();

    const [left] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM loyalty_event WHERE processed_at IS NULL`;
    expect(left!.n).toBe(0);
    // Twelve first orders, 100 points each, capped at 1,000 a month; twelve recruits counted once.
    expect(await lotsOf(sponsor.id, "REFERRAL")).toBe(1000);
    const [state] = await db().sql<{ recruits: number }>`SELECT recruits FROM loyalty_member WHERE member_id = ${sponsor.id}`;
    expect(state!.recruits).toBe(12);
    // The sponsor's part came as the sponsor's own events, one per sign-up and one per first order.
    const sponsored = await db().sql<{ of: string; n: number }>`
      SELECT payload->>'of' AS of, count(*)::int AS n FROM loyalty_event WHERE member_id = ${sponsor.id} AND type = 'SPONSORED' GROUP BY 1 ORDER BY 1`;
    expect(sponsored).toEqual([{ of: "FIRST_ORDER", n: 12 }, { of: "SIGNUP", n: 12 }]);
    const account = await loyaltyService.account(viewerOf(sponsor), sponsor.id);
    expect(account.balances.find((b) => b.pointType === "REWARD")!.balance).toBe(1000);
    // The sponsor is told what each referral bonus was for (ten granted, two capped to nothing).
    const notes = await notificationService.list(viewerOf(sponsor), sponsor.id, 50, null);
    const referrals = notes.rows.filter((n) => n.kind === "POINTS_EARNED" && /first order \(#\d+\)\.$/.test(n.body));
    expect(referrals.map((n) => n.title)).toEqual(Array(10).fill("+100 points"));
    expect(await ledgerService.check()).toEqual([]);
  });

  it("refuses to mark an event applied twice", async () => {
    const m = await placeUnder(await createRoot());
    await loyaltyService.recordEvent(admin, { memberId: m.id, event: "webinar_skipped", idempotencyKey: key("skip") });
    await loyaltyService.applyPending();
    const [ev] = await db().sql<{ id: string }>`SELECT id::text FROM loyalty_event WHERE member_id = ${m.id} AND type = 'CUSTOM'`;
    await expect(loyaltyRepository.markProcessed([ev!.id], [{}], new Date())).rejects.toThrow(/applied by another applier/);
  });

  // Two connections: only a PostgreSQL server has them (PGlite's transactions take turns).
  it.skipIf(process.env.TEST_DB !== "postgres")("applies a batch again, with the budget locked, when another shard spent the budget while it ran", async () => {
    const ada = await placeUnder(await createRoot());
    await db().sql`INSERT INTO loyalty_budget (rule, used) VALUES ('WEBINAR', 0) ON CONFLICT (rule) DO UPDATE SET used = 0`;
    // Another applier (another connection) is granting 100 of the 150 and has not committed.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("UPDATE loyalty_budget SET used = used + 100 WHERE rule = 'WEBINAR'");
      await loyaltyService.applyPending(); // Ada's sign-up
      await db().sql`INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
        VALUES (${key("webinar")}, ${ada.id}, 'CUSTOM', '{"name": "webinar", "value": null}'::jsonb, now() - interval '1 second')`;
      // Ada's batch reads the budget (0 used), grants 100 and waits to add them.
      const applying = loyaltyService.applyBatch(10, new Date(), shardOf(ada.id));
      for (let i = 0; ; i++) {
        const [w] = (await other.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`)).rows as { n: number }[];
        if (w!.n > 0) break;
        if (i > 200) throw new Error("the applier never waited for the budget");
        await new Promise((r) => setTimeout(r, 25));
      }
      await other.query("COMMIT");
      expect(await applying).toBe(1);
    } finally {
      await other.end();
    }
    // 100 were spent meanwhile: Ada gets the 50 left, and the budget is spent exactly.
    expect(await lotsOf(ada.id, "WEBINAR")).toBe(50);
    const [budget] = await db().sql<{ used: number }>`SELECT used::int FROM loyalty_budget WHERE rule = 'WEBINAR'`;
    expect(budget!.used).toBe(150);
  });
});
