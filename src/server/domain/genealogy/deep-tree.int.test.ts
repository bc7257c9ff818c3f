import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/unit-of-work";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { ADDRESS, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, registerUnder, usePlacement, viewerOf } from "@/test/factories";
import { genealogyService } from "./genealogy.service";

// Outermost-leg spillover grows one level per recruit. A 5,000-level leg (far past the
// ~660 elements a whole path can take in a B-tree entry) must sign up, page, count and
// carry volume like a shallow one.
const LEVELS = 5_000;

let admin: Viewer;
let root: MemberRecord;
let chain: number[]; // chain[i] sits i + 1 levels below the root, in both trees

beforeAll(async () => {
  await usePlacement({ type: "BINARY", spillover: "OUTERMOST" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
  root = await createRoot({ firstName: "Deep" });
  const [{ base }] = await db().sql<{ base: number }>`SELECT max(id) AS base FROM member`;
  // Each member sponsors and (left leg) places the next.
  await db().query(
    `INSERT INTO member (id, email, password_hash, first_name, last_name, country, phone, referral_code, role, sponsor_id, sponsor_path, sponsor_depth,
       placement_parent_id, placement_position, placement_path, placement_depth, placement_full, joined_at, updated_at)
     SELECT $1 + i, 'deep' || i || '@tree.test', 'x', 'Deep', i::text, 'US', '+1555' || i, 'DEEP' || i, 'DISTRIBUTOR'::"Role",
       CASE WHEN i = 1 THEN $2 ELSE $1 + i - 1 END, $3::int[] || ARRAY(SELECT generate_series($1 + 1, $1 + i)), i,
       CASE WHEN i = 1 THEN $2 ELSE $1 + i - 1 END, 0, $3::int[] || ARRAY(SELECT generate_series($1 + 1, $1 + i)), i, false, now() - interval '30 days', now()
     FROM generate_series(1, $4::int) i`,
    [base, root.id, root.sponsorPath, LEVELS],
  );
  await db().query(`SELECT setval('member_id_seq', $1)::int AS n`, [base + LEVELS]);
  chain = Array.from({ length: LEVELS }, (_, i) => base + 1 + i);
});

describe("a 5,000-level leg", () => {
  it("takes a sign-up at its far end, through the sponsor's outer leg and below its deepest member", async () => {
    const spilled = await registerUnder(root, { firstName: "Spill" });
    expect(spilled.sponsorDepth).toBe(1);
    expect(spilled.placementParentId).toBe(chain.at(-1));
    expect(spilled.placementDepth).toBe(LEVELS + 1);
    const below = await registerUnder((await memberService.findById(chain.at(-1)!))!, { firstName: "Below" });
    expect([below.sponsorDepth, below.sponsorPath.length]).toEqual([LEVELS + 1, LEVELS + 2]);
    // A second recruit of a member 4,000 levels down: a sibling at a deep level.
    const sibling = await registerUnder((await memberService.findById(chain[3_998]!))!, { firstName: "Sibling" });
    expect(sibling.sponsorDepth).toBe(4_000);
  });

  it("pages the whole downline breadth first, each member once, and counts it by level", async () => {
    const seen = new Set<number>();
    let after: string | null = null;
    let lastDepth = 0;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(40);
      const page = await genealogyService.downline(viewerOf(root), { tree: "SPONSOR", first: 200, after });
      expect(page.totalCount).toBe(LEVELS + 3);
      for (const edge of page.rows) {
        expect(seen.has(edge.node.id)).toBe(false);
        expect(edge.depth).toBeGreaterThanOrEqual(lastDepth);
        seen.add(edge.node.id);
        lastDepth = edge.depth;
      }
      if (!page.hasNextPage) break;
      after = page.rows.at(-1)!.cursor;
    }
    expect(seen.size).toBe(LEVELS + 3);
    expect(lastDepth).toBe(LEVELS + 1);

    const stats = await genealogyService.teamStats(viewerOf(root), null, "SPONSOR");
    expect([stats.teamSize, stats.directs, stats.levels.length]).toEqual([LEVELS + 3, 2, LEVELS + 1]);
    // Level 4,000 holds the chain's member and the sibling.
    expect(stats.levels.find((l) => l.level === 4_000)?.count).toBe(2);
  });

  it("pages and counts the downline of a member deep in the leg, and only theirs", async () => {
    const deep = (await memberService.findById(chain[2_999]!))!; // level 3,000
    const page = await genealogyService.downline(viewerOf(deep), { tree: "SPONSOR", first: 10 });
    expect(page.totalCount).toBe(LEVELS - 3_000 + 2); // the chain below, Below and the sibling
    expect(page.rows.map((e) => [e.depth, e.node.id])).toEqual(chain.slice(3_000, 3_010).map((id, i) => [i + 1, id]));
    const next = await genealogyService.downline(viewerOf(deep), { tree: "SPONSOR", first: 200, after: page.rows.at(-1)!.cursor });
    expect(next.rows[0]!.depth).toBe(11);
    const placement = await genealogyService.teamStats(viewerOf(deep), null, "PLACEMENT");
    expect(placement.teamSize).toBe(LEVELS - 3_000 + 3); // the chain below, Spill, Below, the sibling
    // A member beside the leg at a deep level sees nothing of it.
    const sibling = (await db().sql<{ id: number }>`SELECT id FROM member WHERE first_name = 'Sibling'`)[0]!;
    expect((await genealogyService.teamStats(viewerOf((await memberService.findById(sibling.id))!), null, "SPONSOR")).teamSize).toBe(0);
  });

  it("shows the whole upline and carries an order's volume to the top", async () => {
    const last = (await memberService.findById(chain.at(-1)!))!;
    const upline = await genealogyService.upline(viewerOf(last), null, "SPONSOR");
    expect(upline.length).toBe(LEVELS);
    expect(upline[0]!.id).toBe(root.id);

    const product = await createProduct(admin, { pv: "12.50" });
    const order = await orderService.place(viewerOf(last), { lines: [{ productId: product.id, quantity: 2 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await volumeService.applyPending();
    const period = await volumeService.currentPeriod();
    const totals = await volumeService.totalsOf([root.id, chain[0]!, chain[2_500]!, last.id], period.id);
    expect([...totals.values()].map((t) => [t.pv, t.gv])).toEqual([["0.00", "25.00"], ["0.00", "25.00"], ["0.00", "25.00"], ["25.00", "25.00"]]);
    expect(await volumeService.check()).toEqual([]);
  });
});
