import { parse, subscribe, type ExecutionResult } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { EXAMPLE_PLAN } from "@/server/domain/compensation/plan.rules";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { createContext } from "@/server/graphql/context";
import { getSchema } from "@/server/graphql/schema";
import { ADDRESS, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { asMember } from "@/test/graphql";

const SAVE = `mutation($input: SavePlanVersionInput!) { savePlanVersion(input: $input) { version { id number changes { path } } errors { field code message } } }`;
const ACTIVATE = `mutation($id: ID!, $from: ID!) { activatePlanVersion(id: $id, fromPeriodId: $from) { version { id activeFrom } errors { field code } } }`;
const START = `mutation($period: ID!, $mode: RunMode!) { startCommissionRun(periodId: $period, mode: $mode) { run { id status } errors { field code } } }`;
const RUN = `query($id: ID!) { commissionRun(id: $id) { status progress totalPaid lineCount hash summary { byBonus { bonusType amount } topEarners { memberId name amount } } } }`;
const RANK = `query($id: ID) { rankReport(memberId: $id) { paidAsRank { name } achievedRank { name } nextRank { name } qualifyingVolume requirements { rule required actual met } legs { memberId name } } }`;
const ESTIMATE = `query { estimatedEarnings { total currency byBonus { bonusType amount } } }`;
const PROGRESS = parse(`subscription($id: ID!) { commissionRunProgress(runId: $id) { runId status progress stage } }`);

let admin: Viewer;

beforeAll(async () => {
  await usePlacement({ type: "BINARY", spillover: "WEAKER_LEG" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
});

describe("compensation API", () => {
  it("saves and activates a plan, previews the open period with live progress, and shows rank card and estimate", async () => {
    const root = await createRoot();
    const left = await placeUnder(root);
    const right = await placeUnder(root);
    const product = await createProduct(admin, { pv: "100.00", bv: "80.00", price: "50.00" });
    for (const [m, q] of [[root, 1], [left, 3], [right, 2]] as const) {
      const o = await orderService.place(viewerOf(m), { lines: [{ productId: product.id, quantity: q }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
      await orderService.markPaid(admin, o.id);
    }

    const bad = await asMember(admin, SAVE, { input: { plan: { ...EXAMPLE_PLAN, bonuses: [{ type: "BINARY", rate: 0.1, cycle: { left: 0, right: 1, amount: 1 } }] }, comment: "x" } });
    expect(bad.data!.savePlanVersion.version).toBeNull();
    expect(bad.data!.savePlanVersion.errors.map((e: { field: string }) => e.field).sort()).toEqual(["bonuses[0].cycle.left", "bonuses[0].rate"]);
    const denied = await asMember(viewerOf(left), SAVE, { input: { plan: EXAMPLE_PLAN } });
    expect(denied.errors![0]!.extensions!.code).toBe("FORBIDDEN");

    const saved = (await asMember(admin, SAVE, { input: { plan: EXAMPLE_PLAN, comment: "Hybrid launch plan" } })).data!.savePlanVersion;
    expect(saved.errors).toEqual([]);
    const period = await volumeService.currentPeriod();
    const activated = (await asMember(admin, ACTIVATE, { id: saved.version.id, from: String(period.id) })).data!.activatePlanVersion;
    expect(activated.errors).toEqual([]);

    expect((await asMember(admin, START, { period: String(period.id), mode: "COMMIT" })).data!.startCommissionRun.errors).toEqual([{ field: "periodId", code: "PERIOD_OPEN" }]);
    const started = (await asMember(admin, START, { period: String(period.id), mode: "PREVIEW" })).data!.startCommissionRun;
    expect(started.run.status).toBe("QUEUED");

    const events = (await subscribe({ schema: await getSchema(), document: PROGRESS, variableValues: { id: started.run.id }, contextValue: createContext(admin) })) as AsyncGenerator<ExecutionResult>;
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of events) {
        seen.push((e.data as { commissionRunProgress: { status: string } }).commissionRunProgress.status);
        if (seen.at(-1) === "COMPLETED") break;
      }
    })();
    await compensationService.executeRun(Number(started.run.id));
    await reading;
    expect(seen).toContain("RUNNING");

    // Binary under root: left 300 BV... in BV: left 3 × 80 = 240, right 2 × 80 = 160; 10 % of 160 = 16.00.
    // Unilevel (root sponsors both): 5 % of 240 + 5 % of 160 = 20.00. Cap 50 % of company BV 480 = 240: no cut.
    const run = (await asMember(admin, RUN, { id: started.run.id })).data!.commissionRun;
    expect(run).toMatchObject({ status: "COMPLETED", progress: 1, totalPaid: "36.00", lineCount: 3 });
    expect(run.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.summary.byBonus).toEqual([{ bonusType: "UNILEVEL", amount: "20.00" }, { bonusType: "BINARY", amount: "16.00" }]);
    // Names are looked up for the earners shown only (the run does not load a million).
    expect(run.summary.topEarners).toEqual([{ memberId: String(root.id), name: `${root.firstName} ${root.lastName}`, amount: "36.00" }]);

    const estimate = (await asMember(viewerOf(root), ESTIMATE)).data!.estimatedEarnings;
    expect(estimate).toMatchObject({ total: "36.00", currency: "USD" });

    // Root: PV 100 ≥ 50, GV 600 < 1000 → Member; next Bronze needs GV 1000 and 2 active directs (has 2).
    const card = (await asMember(viewerOf(root), RANK, {})).data!.rankReport;
    expect(card).toMatchObject({ paidAsRank: { name: "Member" }, nextRank: { name: "Bronze" }, qualifyingVolume: "600.00" });
    expect(card.requirements).toEqual([
      { rule: "Personal volume (PV)", required: "50.00", actual: "100.00", met: true },
      { rule: "Group volume (GV)", required: "1000.00", actual: "600.00", met: false },
      { rule: "Active personally sponsored members", required: "2", actual: "2", met: true },
    ]);
    expect(card.legs.map((l: { memberId: string; name: string }) => [l.memberId, l.name]).sort()).toEqual(
      [left, right].map((m) => [String(m.id), `${m.firstName} ${m.lastName}`]).sort(),
    );
    const other = await asMember(viewerOf(left), RANK, { id: String(right.id) });
    expect(other.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });
});
