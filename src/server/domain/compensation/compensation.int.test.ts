import { beforeAll, describe, expect, it } from "vitest";
import { db, transaction } from "@/server/db/unit-of-work";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeRepository } from "@/server/domain/volume/volume.repository";
import { volumeService } from "@/server/domain/volume/volume.service";
import type { PeriodRecord } from "@/server/domain/volume/volume.types";
import { walletService } from "@/server/domain/wallet/wallet.service";
import { ADDRESS, codesOf, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import { EXAMPLE_PROGRAM } from "@/server/domain/loyalty/program.rules";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { compensationService } from "./compensation.service";
import { lineCursor } from "./run.rules";

// One network through a company's months: R sponsors A, A sponsors B. The plan pays
// unilevel 10 % at level 1 and 5 % at level 2 of BV; a member is active from 50 PV.

let admin: Viewer;
let R: MemberRecord;
let A: MemberRecord;
let B: MemberRecord;
let productId: number;
const PLAN = {
  currency: "USD", volume: "BV", activeMinPv: 50, rounding: "HALF_UP",
  ranks: [{ name: "Member" }, { name: "Leader", minPv: 50, minGv: 300 }],
  bonuses: [{ type: "UNILEVEL", levels: [0.1, 0.05], compression: true }, { type: "RANK_ADVANCEMENT", amounts: { Leader: 25 } }],
};

const month = (m: number) => ({ start: new Date(Date.UTC(2020, m, 1)), end: new Date(Date.UTC(2020, m + 1, 1)) });

async function buy(member: MemberRecord, quantity: number) {
  const order = await orderService.place(viewerOf(member), { lines: [{ productId, quantity }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
  return orderService.markPaid(admin, order.id);
}

/** Moves orders paid now into a past month (a test cannot wait for a month to end) and closes it. */
async function pastMonth(m: number, orderIds: number[]): Promise<PeriodRecord> {
  const { start, end } = month(m);
  const period = await volumeRepository.ensurePeriod("MONTHLY", start, end);
  const paidAt = new Date(start.getTime() + 86_400_000);
  const periods = [period.id, (await volumeService.currentPeriod()).id];
  await volumeService.applyPending();
  await transaction(async () => {
    // The volume ledger is append-only (a trigger); this test rewrites its history.
    await db().execute`SET LOCAL session_replication_role = replica`;
    await db().execute`UPDATE member SET joined_at = ${start} WHERE joined_at > ${start}`;
    await db().execute`UPDATE sales_order SET period_id = ${period.id}, paid_at = ${paidAt} WHERE id = ANY(${orderIds}::int[])`;
    await db().execute`UPDATE volume_entry SET period_id = ${period.id}, created_at = ${paidAt} WHERE order_id = ANY(${orderIds}::int[])`;
    // Totals (PV and BV are what runs read) rebuilt from the moved entries.
    await db().execute`DELETE FROM member_volume WHERE period_id = ANY(${periods}::int[])`;
    await db().execute`
      INSERT INTO member_volume (period_id, member_id, pv, bv)
      SELECT period_id, member_id, sum(pv), sum(bv) FROM volume_entry WHERE period_id = ANY(${periods}::int[]) GROUP BY 1, 2`;
  });
  return volumeService.closePeriod(admin, period.id, end);
}

async function commit(period: PeriodRecord) {
  const run = await compensationService.startRun(admin, period.id, "COMMIT");
  return (await compensationService.executeRun(run.id))!;
}

async function wallet(m: MemberRecord) {
  return (await walletService.balances(admin, m.id)).find((b) => b.currency === "USD")?.available ?? "0.00";
}

async function debt(m: MemberRecord) {
  const [account] = await ledgerService.accountsOf(m.id, "COMMISSION_DEBT");
  return account ? (account.posted / 100).toFixed(2) : "0.00";
}

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
  productId = (await createProduct(admin, { pv: "100.00", bv: "100.00", price: "100.00" })).id;
  R = await createRoot();
  A = await placeUnder(R);
  B = await placeUnder(A);
});

describe("plans and commission runs", () => {
  let january: PeriodRecord;
  let bOrder: number;

  it("saves a valid plan version only, with one error per problem at its JSON path", async () => {
    const bad = { ...PLAN, activeMinPv: -5, bonuses: [{ type: "UNILEVEL", levels: [2] }] };
    expect((await codesOf(compensationService.savePlanVersion(admin, bad, "typo"))).sort()).toEqual(["activeMinPv:PLAN_INVALID", "bonuses[0].levels[0]:PLAN_INVALID"]);
    expect(await compensationService.planVersions(admin)).toEqual([]);
    await expect(compensationService.savePlanVersion(viewerOf(A), PLAN, "")).rejects.toMatchObject({ code: "FORBIDDEN" });

    const v1 = await compensationService.savePlanVersion(admin, PLAN, "Launch plan");
    const v2 = await compensationService.savePlanVersion(admin, { ...PLAN, activeMinPv: 60 }, "Stricter activity");
    expect([v1.number, v2.number]).toEqual([1, 2]);
    expect(v2.changes).toEqual([{ path: "activeMinPv", before: 50, after: 60 }]);
    const { start } = month(0);
    const period = await volumeRepository.ensurePeriod("MONTHLY", start, month(0).end);
    await compensationService.activatePlanVersion(admin, v1.id, period.id);
  });

  it("previews an open period, commits a closed one once, and credits exactly the run's total", async () => {
    const r = await buy(R, 1);
    const a = await buy(A, 1);
    const b = await buy(B, 2);
    bOrder = b.id;
    january = await pastMonth(0, [r.id, a.id, b.id]);
    // The loyalty programme hears of new ranks from the commit.
    await loyaltyService.saveProgram(admin, { ...EXAMPLE_PROGRAM, badges: [{ code: "LEADER", name: "Leader", when: { type: "RANK", rank: "Leader" } }] }, "Rank badges");
    // And a webhook receiver hears of them (rank.changed).
    const hook = await webhookService.createEndpoint(admin, { url: "http://127.0.0.1:9/ranks", events: ["rank.changed"] });

    const preview = (await compensationService.executeRun((await compensationService.startRun(admin, january.id, "PREVIEW")).id))!;
    // B's 200 BV: A (level 1) 10 % = 20.00, R (level 2) 5 % = 10.00; A's 100 BV: R 10 % = 10.00.
    // R and A reach Leader (GV ≥ 300 for R: 100 + 100 + 200 = 400; A: 300): 25.00 each, once.
    expect(preview.totalPaid).toBe(2000 + 1000 + 1000 + 2500 + 2500);
    expect((await compensationService.commissions(admin, { periodId: january.id }, 10, null)).totalCount).toBe(0);

    const run = await commit(january);
    expect([run.status, run.totalPaid, run.hash]).toEqual(["COMPLETED", preview.totalPaid, preview.hash]);
    expect([await wallet(R), await wallet(A), await wallet(B)]).toEqual(["45.00", "45.00", "0.00"]);

    const lines = await compensationService.commissions(viewerOf(A), {}, 10, null);
    expect(lines.rows.map((l) => [l.bonusType, l.sourceMemberId, l.level, l.amount])).toEqual(
      expect.arrayContaining([["UNILEVEL", B.id, 1, 2000], ["RANK_ADVANCEMENT", null, 1, 2500]]),
    );
    const line = lines.rows.find((l) => l.bonusType === "UNILEVEL")!;
    expect(line.explanation).toMatchObject({ basis: "200.00", basisKind: "VOLUME", rate: "10 %", planVersion: 1, compressionPath: [] });
    // A member's period reads in the plan's order of bonuses, the nearest level first, page after page.
    const first = await compensationService.commissions(viewerOf(R), { periodId: january.id }, 2, null);
    const rest = await compensationService.commissions(viewerOf(R), { periodId: january.id }, 2, lineCursor(first.rows.at(-1)!));
    expect([...first.rows, ...rest.rows].map((l) => [l.bonusType, l.level, l.sourceMemberId])).toEqual([["UNILEVEL", 1, A.id], ["UNILEVEL", 2, B.id], ["RANK_ADVANCEMENT", 1, null]]);
    expect([first.hasNextPage, rest.hasNextPage]).toEqual([true, false]);
    await expect(compensationService.commissions(viewerOf(B), { memberId: A.id }, 10, null)).rejects.toMatchObject({ code: "FORBIDDEN" });
    // A period without a member: a distributor gets their own lines, an admin everyone's.
    expect((await compensationService.commissions(viewerOf(A), { periodId: january.id }, 10, null)).rows.map((l) => l.memberId)).toEqual([A.id, A.id]);
    expect((await compensationService.commissions(admin, { periodId: january.id }, 10, null)).totalCount).toBe(5);

    // Again: the same run pays nothing more; a second commit run of the month finds nothing owed.
    await compensationService.executeRun(run.id);
    const again = await commit(january);
    expect([again.totalPaid, again.lineCount]).toEqual([0, 0]);
    expect([await wallet(R), await wallet(A)]).toEqual(["45.00", "45.00"]);
    expect(await ledgerService.check()).toEqual([]);

    // R and A reached Leader: one rank event each, whatever the number of commit runs; B none.
    const events = await db().sql<{ key: string }>`SELECT key FROM loyalty_event WHERE key LIKE 'rank:%' ORDER BY key`;
    expect(events.map((e) => e.key)).toEqual([`rank:${R.id}:Leader`, `rank:${A.id}:Leader`].sort());
    await loyaltyService.applyPending();
    const badges = async (m: MemberRecord) => (await loyaltyService.account(admin, m.id)).badges.map((x) => x.code);
    expect([await badges(R), await badges(A), await badges(B)]).toEqual([["LEADER"], ["LEADER"], []]);
    const hooks = await webhookService.deliveries(admin, { endpointId: hook.endpoint.id }, 10, null);
    expect(hooks.map((d) => d.eventId).sort()).toEqual([`rank.changed:${R.id}:Leader`, `rank.changed:${A.id}:Leader`].sort());
    expect(hooks.find((d) => d.eventId.endsWith(`:${A.id}:Leader`))!.payload).toEqual({ memberId: A.id, rank: "Leader", previousRank: null, periodId: january.id, runId: run.id });
  });

  it("simulates a draft plan over a paid month against what was paid, its biggest winners by name", async () => {
    const draft = await compensationService.savePlanVersion(admin, { ...PLAN, bonuses: [{ type: "UNILEVEL", levels: [0.2, 0.05], compression: true }, PLAN.bonuses[1]] }, "Richer level 1");
    const sim = (await compensationService.executeRun((await compensationService.startRun(admin, january.id, "PREVIEW", draft.id)).id))!;
    // Paid in January: R 45.00, A 45.00 (above). The draft: A 20 % of B's 200 = 40.00 + 25.00
    // rank advancement = 65.00; R 20 % of A's 100 = 20.00 + 5 % of B's 200 = 10.00 + 25.00 = 55.00.
    // Sales 400.00 (R 100, A 100, B 200): paid 90.00 is 22.5 %, simulated 120.00 is 30 %.
    expect(sim.summary!.comparison).toEqual({
      paid: 9000, simulated: 12000, sales: "400.00", paidRatio: 0.225, simulatedRatio: 0.3,
      byRank: [{ rank: "Member", paidAverage: 0, simulatedAverage: 0 }, { rank: "Leader", paidAverage: 4500, simulatedAverage: 6000 }],
      winners: [
        { memberId: A.id, name: `${A.firstName} ${A.lastName}`, paid: 4500, simulated: 6500 },
        { memberId: R.id, name: `${R.firstName} ${R.lastName}`, paid: 4500, simulated: 5500 },
      ],
      losers: [],
    });
    // Nothing paid or written by a simulation.
    expect([await wallet(R), await wallet(A)]).toEqual(["45.00", "45.00"]);
  });

  it("refuses to commit an open period and a second commit while one is queued", async () => {
    const current = await volumeService.currentPeriod();
    expect(await codesOf(compensationService.startRun(admin, current.id, "COMMIT"))).toEqual(["periodId:PERIOD_OPEN"]);
    const queued = await compensationService.startRun(admin, january.id, "COMMIT");
    expect(await codesOf(compensationService.startRun(admin, january.id, "COMMIT"))).toEqual(["periodId:RUN_IN_PROGRESS"]);
    // A failed commit run blocks the next one until it is retried to the end.
    await db().execute`UPDATE commission_run SET status = 'FAILED', error = 'connection lost' WHERE id = ${queued.id}`;
    expect(await codesOf(compensationService.startRun(admin, january.id, "COMMIT"))).toEqual(["periodId:RUN_IN_PROGRESS"]);
    expect((await compensationService.retryRun(admin, queued.id)).status).toBe("FAILED");
    expect((await compensationService.executeRun(queued.id))!.status).toBe("COMPLETED");
    expect(await codesOf(compensationService.retryRun(admin, queued.id))).toEqual(["id:INVALID"]);
  });

  it("claws back a refunded order's commission in the next committed run, once; what the wallet lacks becomes debt that later credits pay off", async () => {
    // A gives R 40.00 of 45.00, then B's January order is refunded in full (the refund lands in the current period).
    await walletService.transfer(viewerOf(A), { toMemberId: R.id, amount: "40.00", currency: "USD", idempotencyKey: orderKeyFor("t") });
    await orderService.refund(admin, bOrder, null);

    // February (nothing sold) is committed. January recomputed without B's 200 BV: A's 20.00 and
    // R's 10.00 unilevel go, and so do both Leader bonuses (R's GV 400 → 200, A's 300 → 100, under 300).
    const february = await pastMonth(1, []);
    const run = await commit(february);
    const clawbacks = (await compensationService.commissions(admin, { runId: run.id }, 10, null)).rows;
    expect(clawbacks.map((l) => [l.memberId, l.bonusType, l.kind, l.periodId, l.amount]).sort()).toEqual(
      [[A.id, "UNILEVEL", "CLAWBACK", january.id, -2000], [A.id, "RANK_ADVANCEMENT", "CLAWBACK", january.id, -2500],
       [R.id, "UNILEVEL", "CLAWBACK", january.id, -1000], [R.id, "RANK_ADVANCEMENT", "CLAWBACK", january.id, -2500]].sort(),
    );
    expect(clawbacks[0]!.explanation.rule).toMatch(/^Clawback after a refund/);
    // A had 5.00: it is taken and 40.00 becomes debt. R had 85.00: 35.00 is taken.
    expect([await wallet(A), await debt(A), await wallet(R)]).toEqual(["0.00", "-40.00", "50.00"]);
    expect((await commit(february)).lineCount).toBe(0);

    // March: everyone buys 100 BV. A earns 10.00 from B, which pays off debt first; R earns
    // 10.00 from A, 5.00 from B, and reaches Leader again (GV 300), which January no longer counts: 25.00.
    const orders = [await buy(R, 1), await buy(A, 1), await buy(B, 1)];
    const march = await pastMonth(2, orders.map((o) => o.id));
    await commit(march);
    expect([await wallet(A), await debt(A), await wallet(R)]).toEqual(["0.00", "-30.00", "90.00"]);
    expect(await ledgerService.check()).toEqual([]);
  });

  it("keeps ranks only above the first, and pays the first rank's advancement once, to members new since the last commit", async () => {
    // From April a welcome 1.00 for reaching Member. R, A and B were in March's run (R as
    // Leader: a row; A and B as Member: none), so they have it already; C joins in April.
    const welcome = await compensationService.savePlanVersion(admin, { ...PLAN, bonuses: [PLAN.bonuses[0], { type: "RANK_ADVANCEMENT", amounts: { Member: 1, Leader: 25 } }] }, "Welcome");
    await compensationService.activatePlanVersion(admin, welcome.id, (await volumeRepository.ensurePeriod("MONTHLY", month(3).start, month(3).end)).id);
    const C = await placeUnder(B);
    const april = await pastMonth(3, []);
    const advancement = async (run: { id: number }) =>
      (await compensationService.commissions(admin, { runId: run.id }, 50, null)).rows.filter((l) => l.bonusType === "RANK_ADVANCEMENT").map((l) => [l.memberId, l.amount]);
    expect(await advancement(await commit(april))).toEqual([[C.id, 100]]);
    expect(await advancement(await commit(await pastMonth(4, [])))).toEqual([]);

    // Rows: March's Leader (R), and R's achieved Leader after it; the rest held Member.
    const rows = await db().sql<{ periodId: number; memberId: number; paidAs: number; achieved: number }>`
      SELECT period_id AS "periodId", member_id AS "memberId", paid_as::int AS "paidAs", achieved::int AS achieved
      FROM member_rank WHERE member_id = ANY(${[R.id, A.id, B.id, C.id]}::int[])
        AND period_id IN (SELECT id FROM period WHERE starts_at >= ${month(2).start}) ORDER BY period_id, member_id`;
    expect(rows.map((r) => [r.memberId, r.paidAs, r.achieved])).toEqual([[R.id, 1, 1], [R.id, 0, 1], [R.id, 0, 1]]);
    // A committed period without a row for C reads as the first rank.
    expect(await compensationService.rankReport(admin, C.id, april.id)).toMatchObject({ paidAsRank: "Member", achievedRank: "Member", nextRank: "Leader" });
  });

  it("shows a rank report card rule by rule, to the member and their upline only", async () => {
    const report = await compensationService.rankReport(viewerOf(A), A.id);
    expect(report.nextRank).toBe("Leader");
    expect(report.requirements.map((r) => r.rule)).toEqual(["Personal volume (PV)", "Group volume (GV)"]);
    await expect(compensationService.rankReport(viewerOf(B), A.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await compensationService.rankReport(viewerOf(R), A.id)).memberId).toBe(A.id);
    // A member id that does not exist: NOT_FOUND for staff (not an empty answer), FORBIDDEN for a distributor.
    const missing = 2_000_000_000;
    await expect(compensationService.rankReport(admin, missing)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(compensationService.estimatedEarnings(admin, missing)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(compensationService.commissions(admin, { memberId: missing }, 10, null)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(compensationService.estimatedEarnings(viewerOf(B), missing)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("carries a binary leg's unmatched volume from one committed month into the next", async () => {
    // X's left leg L and right leg Y (binary placement, weaker leg first). May: L 300 BV,
    // Y 100 → matched 100, paid 10 % = 10.00, left carries 200. June: Y 200 → matched
    // min(0 + 200 carried, 200) = 200, paid 20.00 (without the carry read back: nothing).
    await usePlacement({ type: "BINARY", spillover: "WEAKER_LEG" });
    const X = await createRoot();
    const L = await placeUnder(X);
    const Y = await placeUnder(X);
    expect([L.placementPosition, Y.placementPosition]).toEqual([0, 1]);
    const binary = await compensationService.savePlanVersion(admin, { ...PLAN, ranks: [{ name: "Member" }], bonuses: [{ type: "BINARY", rate: 0.1, maxCarry: 20_000 }] }, "Binary");
    await compensationService.activatePlanVersion(admin, binary.id, (await volumeRepository.ensurePeriod("MONTHLY", month(6).start, month(6).end)).id);
    const paid = async (run: { id: number }) =>
      (await compensationService.commissions(admin, { runId: run.id, memberId: X.id }, 10, null)).rows.map((l) => [l.bonusType, l.amount]);
    // Each line's legs and carries as stored with it (its detail) and read back to explain it.
    const legs = async (run: { id: number }) =>
      (await compensationService.commissions(admin, { runId: run.id, memberId: X.id }, 10, null)).rows.map((l) => l.explanation.binary);
    const may = await pastMonth(6, [(await buy(X, 1)).id, (await buy(L, 3)).id, (await buy(Y, 1)).id]);
    const mayRun = await commit(may);
    expect(await paid(mayRun)).toEqual([["BINARY", 1000]]);
    expect(await legs(mayRun)).toEqual([{ left: 30_000, right: 10_000, carryInLeft: 0, carryInRight: 0, matched: 10_000, cycles: null, carryOutLeft: 20_000, carryOutRight: 0, capped: false }]);
    const june = await pastMonth(7, [(await buy(X, 1)).id, (await buy(Y, 2)).id]);
    const juneRun = await commit(june);
    expect(await paid(juneRun)).toEqual([["BINARY", 2000]]);
    expect(await legs(juneRun)).toEqual([{ left: 0, right: 20_000, carryInLeft: 20_000, carryInRight: 0, matched: 20_000, cycles: null, carryOutLeft: 0, carryOutRight: 0, capped: false }]);
    await usePlacement({ type: "UNILEVEL" });
  });
});
