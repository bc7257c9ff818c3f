import type { SqlDriver } from "../../src/server/db/driver";
import { defaultCurrencyFor } from "../../src/lib/money";
import { loyaltyService } from "../../src/server/domain/loyalty/loyalty.service";
import { orderService } from "../../src/server/domain/order/order.service";
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
  { name: "Founders' dinner seat", description: "An evening with the founders, for our VIPs.", kind: "PERK", pointsCost: 4000, stock: 20, segment: "VIP" },
] as const;

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * The programme's second version, in force for the last six weeks: a win-back campaign for
 * lapsed buyers with a budget, a sprint and this month's challenge for everyone and a
 * quarter's mission for active recruiters.
 */
export function seasonProgram(now: Date) {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).getTime();
  const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getTime();
  const quarterStart = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3, 1)).getTime();
  const quarterEnd = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3 + 3, 0)).getTime();
  return {
    ...EXAMPLE_PROGRAM,
    earning: [
      ...EXAMPLE_PROGRAM.earning,
      {
        type: "SPEND", code: "COME_BACK", name: "Welcome back: double spend points", pointType: "REWARD", pointsPerUnit: 10, segment: "LAPSED",
        from: day(now.getTime() - 42 * DAY), until: day(now.getTime() + 20 * DAY), budget: 1000000,
      },
    ],
    missions: [
      {
        code: "AUTUMN_SPRINT", name: "Autumn sprint", description: "Two paid orders and 1,000 reward points before the sprint ends.",
        from: day(now.getTime() - 42 * DAY), until: day(now.getTime() + 20 * DAY), steps: [{ type: "ORDERS", count: 2 }, { type: "POINTS_EARNED", pointType: "REWARD", points: 1000 }],
        reward: { pointType: "REWARD", points: 750 },
      },
      {
        code: "MONTH_CHALLENGE", name: "This month's challenge", description: "Two paid orders and 500 reward points this month.",
        from: day(monthStart), until: day(monthEnd), steps: [{ type: "ORDERS", count: 2 }, { type: "POINTS_EARNED", pointType: "REWARD", points: 500 }],
        reward: { pointType: "REWARD", points: 400 },
      },
      {
        code: "QUARTER_BUILDER", name: "Team builder of the quarter", description: "For active recruiters: sponsor two members and order once this quarter.",
        from: day(quarterStart), until: day(quarterEnd), segment: "RECRUITERS", steps: [{ type: "RECRUITS", count: 2 }, { type: "ORDERS", count: 1 }],
        reward: { pointType: "REWARD", points: 1500 },
      },
    ],
  };
}

/** A seeded loyalty history applied week by week as time advances. */
export interface LoyaltyTimeline {
  /** The end of the next week to apply (null once the history reaches now). */
  nextWeek(): number | null;
  /** Applies the weeks that end by `until` (events, then releases, cashback and expiry dated the week's end). */
  advance(until: number): Promise<void>;
  /** Applies the weeks left up to now, then the rewards catalog, redemptions and orders paid with points. */
  finish(): Promise<{ events: number; redemptions: number; pointOrders: number }>;
}

/**
 * The loyalty programme with a year of history: the example programme in force since the
 * company started, every sign-up, paid order, refund and a few birthdays and trainings
 * applied in time order by the real applier (so points, pending points, releases, expiry,
 * tiers and badges are what the rules give), a rewards catalog and redemptions in every
 * fulfilment state. Version 2 adds a campaign and missions six weeks ago; the ranks the
 * committed commission runs gave reach the programme as they would have (rank badges and points).
 *
 * Prepared first, then applied week by week as the rest of the demo's history is written:
 * the wallet seed advances it between its own postings, so cashback and commissions land in
 * the ledger (and in a member's wallet history) in time order. The commission runs, all
 * committed after the preparation, send their new ranks to the programme themselves.
 */
export async function prepareLoyalty(db: SqlDriver, since: Date, now: Date, seed = 31): Promise<LoyaltyTimeline> {
  const admin: Viewer = superAdminViewer(1);
  const random = rng(seed);
  await db.query(`INSERT INTO loyalty_program_version (number, document, comment, author_id, created_at) VALUES (1, $1::jsonb, 'Launch programme', 1, $2)`, [
    JSON.stringify(EXAMPLE_PROGRAM), since.toISOString(),
  ]);
  await db.query(`INSERT INTO loyalty_program_version (number, document, comment, author_id, created_at) VALUES (2, $1::jsonb, 'Win-back campaign and missions', 1, $2)`, [
    JSON.stringify(seasonProgram(now)), new Date(now.getTime() - 42 * DAY).toISOString(),
  ]);
  loyaltyService.forgetCached();
  // Labels and tags the programme's rules and segments use: new products, VIP members and this year's convention guests.
  await db.query(`UPDATE product SET labels = '{new}' WHERE name IN ('Mushroom Cocoa', 'Calm Blend Roll-on')`);
  await db.query(`UPDATE member SET tags = CASE WHEN id % 75 = 11 THEN '{vip}'::text[] ELSE '{}' END || CASE WHEN id % 17 = 3 THEN '{convention-2026}'::text[] ELSE '{}' END WHERE role = 'DISTRIBUTOR'`);
  // Sign-ups, paid orders and refunds, oldest first, so the applier meets them in time order.
  await db.query(
    `INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at)
     SELECT key, member_id, type, payload, occurred_at FROM (
       SELECT 'member:' || id || ':signup' AS key, id AS member_id, 'SIGNUP' AS type, '{}'::jsonb AS payload, joined_at AS occurred_at
       FROM member WHERE role = 'DISTRIBUTOR'
       UNION ALL
       -- A retail customer's order earns the customer (holder: minus their id), as orderPaid does.
       SELECT 'order:' || o.id || ':paid', coalesce(-o.customer_id, o.member_id), 'ORDER_PAID',
         jsonb_build_object('orderId', o.id, 'currency', o.currency, 'lines', (
           SELECT jsonb_agg(jsonb_build_object('productId', l.product_id, 'sku', p.sku, 'quantity', l.quantity, 'unitPrice', (l.unit_price * 100)::int) ORDER BY l.id)
           FROM order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = o.id)),
         o.paid_at
       FROM sales_order o WHERE o.paid_at IS NOT NULL
       UNION ALL
       SELECT 'order:' || o.id || ':refund:1', coalesce(-o.customer_id, o.member_id), 'ORDER_REFUNDED',
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
  let next: number | null = since.getTime() + 7 * DAY;
  const advance = async (until: number) => {
    while (next !== null && next <= until) {
      const at = new Date(next);
      events += await loyaltyService.applyPending(at);
      while ((await loyaltyService.releaseDue(at)) > 0);
      while ((await loyaltyService.expireDue(at)) > 0);
      next = next === now.getTime() ? null : Math.min(next + 7 * DAY, now.getTime());
    }
  };
  const finish = async () => {
    await advance(now.getTime());
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
    const pointOrders = await ordersPaidWithPoints(db, admin);
    await db.query(`UPDATE notification SET read_at = created_at WHERE created_at < $1`, [new Date(now.getTime() - 30 * DAY).toISOString()]);
    return { events, redemptions, pointOrders };
  };
  return { nextWeek: () => next, advance, finish };
}

/**
 * This week's orders paid partly with points at checkout, through the order service (points
 * spent, the rest charged, one refunded in part), by members with points left; not Ava's
 * team, whose numbers the browser tests count on.
 */
async function ordersPaidWithPoints(db: SqlDriver, admin: Viewer): Promise<number> {
  const payers = await db.query<{ id: number; country: string; name: string; balance: number }>(
    `SELECT m.id, m.country, m.first_name || ' ' || m.last_name AS name, a.posted::int AS balance
     FROM ledger_account a JOIN member m ON m.id = a.owner_id
     WHERE a.kind = 'POINTS' AND a.unit = 'REWARD' AND a.posted >= 1000 AND m.role = 'DISTRIBUTOR'
       AND NOT EXISTS (SELECT 1 FROM member ava WHERE ava.email = 'ava@demo.test' AND (ava.id = m.id OR ava.id = ANY(m.sponsor_path)))
     ORDER BY a.posted DESC, m.id LIMIT 24`,
  );
  const products = await db.query<{ id: number }>(`SELECT p.id FROM product p WHERE p.active ORDER BY p.id LIMIT 6`);
  let placed = 0;
  for (const [i, m] of payers.entries()) {
    const currency = defaultCurrencyFor(m.country);
    const request = {
      memberId: m.id, lines: [{ productId: products[i % products.length]!.id, quantity: 2 + (i % 3) }], currency,
      shippingAddress: { name: m.name, line1: `${10 + i} Market Street`, city: "Springfield", postalCode: "12345", country: m.country },
    };
    let order = null;
    // Too many points for this order (or none of this product in the country): fewer, or the next member.
    for (const points of [Math.min(m.balance, 3000), 1000, 300]) {
      order = await orderService.place(admin, { ...request, idempotencyKey: `demo-points-${m.id}-${points}`, points }).catch(() => null);
      if (order) break;
    }
    if (!order) continue;
    placed++;
    if (i % 6 === 5) continue; // not paid yet
    await orderService.markPaid(admin, order.id);
    if (i % 8 === 3) await orderService.refund(admin, order.id, [{ lineId: order.lines[0]!.id, quantity: 1 }]);
  }
  return placed;
}
