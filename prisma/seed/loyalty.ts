import type { SqlDriver } from "../../src/server/db/driver";
import { loyaltyService } from "../../src/server/domain/loyalty/loyalty.service";
import { EXAMPLE_PROGRAM } from "../../src/server/domain/loyalty/program.rules";
import type { Viewer } from "../../src/server/domain/shared/viewer";
import { rng } from "./network";
import { superAdminViewer } from "@/server/domain/shared/viewer";

const DAY = 24 * 3600 * 1000;

const REWARDS = [
  { name: "10 % off your next order", description: "A voucher code for the shop.", kind: "VOUCHER", pointsCost: 1000, tierCosts: { GOLD: 800 } },
  { name: "$5 cashback", description: "Credited to your wallet at once.", kind: "CASHBACK", pointsCost: 1500, cashbackAmount: 500, cashbackCurrency: "USD" },
  { name: "Shaker bottle", description: "Branded 600 ml shaker.", kind: "PRODUCT", pointsCost: 2500, stock: 120 },
  { name: "Starter oil kit", description: "Five oils and a diffuser.", kind: "PRODUCT", pointsCost: 12000, stock: 15, minTier: "SILVER" },
  { name: "Leadership webinar seat", description: "A live session with the founders.", kind: "PERK", pointsCost: 3000, minTier: "GOLD" },
  { name: "Free shipping for a month", description: "On every order for 30 days.", kind: "PERK", pointsCost: 2000 },
  { name: "Summer tote (EU)", description: "Only in the European shop.", kind: "PRODUCT", pointsCost: 1800, stock: 40, countries: ["DE", "FR", "ES", "PL"] },
] as const;

/**
 * The loyalty programme with a year of history: the example programme in force since the
 * company started, every sign-up, paid order, refund and a few birthdays and trainings
 * applied in time order by the real applier (so points, pending points, releases, expiry,
 * tiers and badges are what the rules give), a rewards catalog and redemptions in every
 * fulfilment state.
 */
export async function seedLoyalty(db: SqlDriver, since: Date, now: Date, seed = 31): Promise<{ events: number; redemptions: number }> {
  const admin: Viewer = superAdminViewer(1);
  const random = rng(seed);
  await db.query(`INSERT INTO loyalty_program_version (number, document, comment, author_id, created_at) VALUES (1, $1::jsonb, 'Launch programme', 1, $2)`, [
    JSON.stringify(EXAMPLE_PROGRAM), since.toISOString(),
  ]);
  // Sign-ups, paid orders and refunds, oldest first, so the applier meets them in time order.
  await db.query(
    `INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
     SELECT key, member_id, type, payload, occurred_at FROM (
       SELECT 'member:' || id || ':signup' AS key, id AS member_id, 'SIGNUP' AS type, '{}'::jsonb AS payload, joined_at AS occurred_at
       FROM member WHERE role = 'DISTRIBUTOR'
       UNION ALL
       SELECT 'order:' || o.id || ':paid', o.member_id, 'ORDER_PAID',
         jsonb_build_object('orderId', o.id, 'currency', o.currency, 'lines', (
           SELECT jsonb_agg(jsonb_build_object('productId', l.product_id, 'sku', p.sku, 'quantity', l.quantity, 'unitPrice', (l.unit_price * 100)::int) ORDER BY l.id)
           FROM order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = o.id)),
         o.paid_at
       FROM sales_order o WHERE o.paid_at IS NOT NULL
       UNION ALL
       SELECT 'order:' || o.id || ':refund:1', o.member_id, 'ORDER_REFUNDED',
         jsonb_build_object('orderId', o.id, 'refunded', (o.refunded_total * 100)::int, 'total', (o.total * 100)::int),
         least(o.paid_at + interval '8 days', $1::timestamptz)
       FROM sales_order o WHERE o.status = 'REFUNDED' AND o.paid_at IS NOT NULL
     ) e ORDER BY occurred_at, key`,
    [now.toISOString()],
  );
  // Birthdays from the members' birth dates (as the daily birthday job records them) and
  // trainings, sent by "other systems".
  const members = await db.query<{ id: number; joined: string; born: string | null }>(
    `SELECT id, joined_at::text AS joined, birth_date::text AS born FROM member WHERE role = 'DISTRIBUTOR' ORDER BY id`,
  );
  const custom: { key: string; memberId: number; name: string; at: string }[] = [];
  for (const m of members) {
    const joined = new Date(m.joined).getTime();
    if (random() < 0.5) random(); // (the draws of an older demo, kept so the rest of the history stays the same)
    for (const year of [now.getUTCFullYear() - 1, now.getUTCFullYear()]) {
      const day = m.born ? new Date(`${year}${m.born.slice(4, 10)}T09:00:00Z`) : null;
      if (day && !Number.isNaN(day.getTime()) && day.getTime() > joined && day < now) custom.push({ key: `birthday:${m.id}:${year}`, memberId: m.id, name: "birthday", at: day.toISOString() });
    }
    const trainings = random() < 0.3 ? 1 + Math.floor(random() * 2) : 0;
    for (let i = 0; i < trainings; i++) custom.push({ key: `custom:${m.id}:training-${i}`, memberId: m.id, name: "training_completed", at: new Date(joined + random() * (now.getTime() - joined)).toISOString() });
  }
  await db.query(
    `INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
     SELECT key, member_id, 'CUSTOM', jsonb_build_object('name', name, 'value', null), at
     FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[]) AS c(key, member_id, name, at) ORDER BY at`,
    [custom.map((c) => c.key), custom.map((c) => c.memberId), custom.map((c) => c.name), custom.map((c) => c.at)],
  );
  // A week at a time, so tiers, badges and notifications carry the time they happened.
  let events = 0;
  for (let t = since.getTime() + 7 * DAY; ; t = Math.min(t + 7 * DAY, now.getTime())) {
    const at = new Date(t);
    events += await loyaltyService.applyPending(at);
    while ((await loyaltyService.releaseDue(at)) > 0);
    while ((await loyaltyService.expireDue(at)) > 0);
    if (t === now.getTime()) break;
  }
  await loyaltyService.warnExpiring(now);

  const rewards = [];
  for (const r of REWARDS) rewards.push(await loyaltyService.saveReward(admin, { pointType: "REWARD", ...r, countries: "countries" in r ? [...r.countries] : [] }));
  // Redemptions by members who can afford one, in every fulfilment state.
  const rich = await db.query<{ id: number; country: string }>(
    `SELECT a.owner_id AS id, m.country FROM ledger_account a JOIN member m ON m.id = a.owner_id
     WHERE a.kind = 'POINTS' AND a.unit = 'REWARD' AND a.posted >= 2500 ORDER BY a.posted DESC, a.owner_id LIMIT 120`,
  );
  let redemptions = 0;
  for (const [i, m] of rich.entries()) {
    const reward = rewards[i % 3 === 0 ? 2 : i % 3 === 1 ? 0 : 1 + (i % 2) * 4]!;
    try {
      const r = await loyaltyService.redeem(admin, { rewardId: reward.id, idempotencyKey: `demo-${i}`, memberId: m.id });
      redemptions++;
      if (r.status === "REQUESTED") {
        const steps = (["PACKED", "SHIPPED", "DELIVERED"] as const).slice(0, i % 4);
        for (const s of steps) await loyaltyService.advanceRedemption(admin, r.id, s);
      }
    } catch {
      // Not enough points for this reward after all: the next member tries.
    }
  }
  await db.query(`UPDATE notification SET read_at = created_at WHERE created_at < $1`, [new Date(now.getTime() - 30 * DAY).toISOString()]);
  return { events, redemptions };
}
