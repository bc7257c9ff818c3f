import { parse, subscribe, type ExecutionResult } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_PROGRAM } from "@/server/domain/loyalty/program.rules";
import type { Viewer } from "@/server/domain/shared/viewer";
import { createContext } from "@/server/graphql/context";
import { getSchema } from "@/server/graphql/schema";
import { createAdmin, createRoot, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { asMember } from "@/test/graphql";

let admin: Viewer;
let n = 0;
const key = () => `api-${Date.now().toString(36)}-${++n}`;

const SAVE_PROGRAM = `mutation($input: SaveLoyaltyProgramInput!) { saveLoyaltyProgram(input: $input) { version { number changes { path } } errors { field code message } } }`;
const ACCOUNT = `query($id: ID) { loyaltyAccount(memberId: $id) { memberId balances { pointType balance pending worth { currency amount } } tier { name } nextTier { name pointsNeeded } badges { name earnedAt } } }`;
const EVENT = `mutation($input: RecordLoyaltyEventInput!) { recordLoyaltyEvent(input: $input) { event { applied points } errors { field code } } }`;
const SAVE_REWARD = `mutation($input: RewardInput!) { saveReward(input: $input) { reward { id name pointsCost stock cashbackAmount } errors { field code } } }`;
const REWARDS = `query($f: RewardFilter) { rewards(filter: $f, first: 10) { totalCount nodes { id name pointsCost stock } pageInfo { hasNextPage } } }`;
const REDEEM = `mutation($input: RedeemRewardInput!) { redeemReward(input: $input) { redemption { id status points voucherCode } errors { field code message } } }`;
const HISTORY = `query($id: ID) { pointsHistory(memberId: $id, first: 5) { edges { node { amount reason description bucket } } } }`;
const POINTS_UPDATED = parse(`subscription($id: ID) { pointsUpdated(memberId: $id) { memberId balances { pointType balance pending } tier { name } nextTier { name pointsNeeded } newBadges { name } revision } }`);

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  const saved = await asMember(admin, SAVE_PROGRAM, { input: { program: EXAMPLE_PROGRAM, comment: "First programme" } });
  expect(saved.data!.saveLoyaltyProgram.errors).toEqual([]);
});

describe("loyalty API", () => {
  it("refuses an invalid programme with the JSON path of each problem and keeps the one in force", async () => {
    const bad = await asMember(admin, SAVE_PROGRAM, { input: { program: { ...EXAMPLE_PROGRAM, pendingDays: -3, earning: [{ type: "SPEND", code: "X", name: "X", pointType: "MILES", pointsPerUnit: 1 }] }, comment: "oops" } });
    expect(bad.data!.saveLoyaltyProgram.errors.map((e: { field: string }) => e.field)).toEqual(["pendingDays"]);
    const unknown = await asMember(admin, SAVE_PROGRAM, { input: { program: { ...EXAMPLE_PROGRAM, earning: [{ type: "SPEND", code: "X", name: "X", pointType: "MILES", pointsPerUnit: 1 }] }, comment: "oops" } });
    expect(unknown.data!.saveLoyaltyProgram.errors).toEqual([{ field: "earning[0].pointType", code: "UNKNOWN_CODE", message: 'No point type is called "MILES".' }]);
    const member = await asMember(viewerOf(await createRoot()), SAVE_PROGRAM, { input: { program: EXAMPLE_PROGRAM, comment: "mine" } });
    expect(member.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });

  it("records a third party's event, shows the account and history, and redeems a voucher once per key", async () => {
    const ava = await placeUnder(await createRoot());
    const id = String(ava.id);
    // 50 welcome points for signing up, 200 for the birthday.
    const ev = await asMember(admin, EVENT, { input: { memberId: id, event: "birthday", idempotencyKey: key() } });
    expect(ev.data!.recordLoyaltyEvent).toEqual({ event: { applied: true, points: 200 }, errors: [] });
    const account = (await asMember(viewerOf(ava), ACCOUNT, {})).data!.loyaltyAccount;
    expect(account).toMatchObject({ memberId: id, balances: [{ pointType: "REWARD", balance: 250, pending: 0, worth: { currency: "EUR", amount: "2.25" } }, { pointType: "STATUS", balance: 0, pending: 0, worth: null }], tier: null, nextTier: { name: "Silver", pointsNeeded: 1000 } });
    expect((await asMember(viewerOf(ava), HISTORY, { id })).data!.pointsHistory.edges[0].node).toEqual({ amount: 200, reason: "POINTS_EARNED", description: "Birthday gift: birthday", bucket: "ACTIVE" });

    const reward = (await asMember(admin, SAVE_REWARD, { input: { name: "5 € voucher", kind: "VOUCHER", pointType: "REWARD", pointsCost: 200, stock: 10 } })).data!.saveReward.reward;
    const listed = (await asMember(viewerOf(ava), REWARDS, { f: { availableTo: id } })).data!.rewards;
    expect(listed.nodes.map((r: { id: string }) => r.id)).toContain(reward.id);
    const input = { rewardId: reward.id, idempotencyKey: key() };
    const first = (await asMember(viewerOf(ava), REDEEM, { input })).data!.redeemReward;
    expect(first).toMatchObject({ redemption: { status: "ISSUED", points: 200 }, errors: [] });
    const again = (await asMember(viewerOf(ava), REDEEM, { input })).data!.redeemReward;
    expect(again.redemption.id).toBe(first.redemption.id);
    const broke = (await asMember(viewerOf(ava), REDEEM, { input: { ...input, idempotencyKey: key() } })).data!.redeemReward;
    expect(broke).toEqual({ redemption: null, errors: [{ field: "rewardId", code: "INSUFFICIENT_POINTS", message: "This reward costs 200 points; you have 50." }] });
    expect((await asMember(admin, SAVE_REWARD, { input: { name: "Cash", kind: "CASHBACK", pointType: "REWARD", pointsCost: 10, cashbackAmount: "1.234", cashbackCurrency: "USD" } })).data!.saveReward.errors)
      .toEqual([{ field: "cashbackAmount", code: "INVALID" }]);
  });

  it("keeps points private: the upline and other members are refused", async () => {
    const root = await createRoot();
    const ava = await placeUnder(root);
    const res = await asMember(viewerOf(root), ACCOUNT, { id: String(ava.id) });
    expect(res.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const ev = await asMember(viewerOf(ava), EVENT, { input: { memberId: String(ava.id), event: "birthday", idempotencyKey: key() } });
    expect(ev.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });

  it("pushes balance, tier progress and a new badge to the member when points change", async () => {
    const root = await createRoot();
    const ava = await placeUnder(root);
    const refused = (await subscribe({ schema: await getSchema(), document: POINTS_UPDATED, variableValues: { id: String(ava.id) }, contextValue: createContext(viewerOf(root)) })) as ExecutionResult;
    expect(refused.errors![0]!.message).toMatch(/may not/);
    const stream = (await subscribe({ schema: await getSchema(), document: POINTS_UPDATED, variableValues: { id: String(ava.id) }, contextValue: createContext(viewerOf(ava)) })) as AsyncGenerator<ExecutionResult>;
    const next = stream.next();
    await asMember(admin, `mutation($input: GrantPointsInput!) { grantPoints(input: $input) { grant { members } errors { field } } }`,
      { input: { pointType: "STATUS", points: 1200, reason: "Launch", memberIds: [String(ava.id)] } });
    const { loyaltyService } = await import("@/server/domain/loyalty/loyalty.service");
    await loyaltyService.applyPending();
    const got = (await next).value.data.pointsUpdated;
    expect(got).toMatchObject({ memberId: String(ava.id), balances: [{ pointType: "REWARD", balance: 50 }, { pointType: "STATUS", balance: 1200 }], tier: { name: "Silver" }, nextTier: { name: "Gold", pointsNeeded: 3800 }, newBadges: [{ name: "Silver member" }] });
    await stream.return?.(undefined);
  });
});
