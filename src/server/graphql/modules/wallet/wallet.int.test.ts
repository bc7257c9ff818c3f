import { parse, subscribe, type ExecutionResult } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "@/server/domain/shared/viewer";
import { createContext } from "@/server/graphql/context";
import { getSchema } from "@/server/graphql/schema";
import { createAdmin, createRoot, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { asMember } from "@/test/graphql";

let admin: Viewer;
let n = 0;
const key = () => `api-${Date.now().toString(36)}-${++n}`;

const ADJUST = `mutation($input: AdjustWalletInput!) { adjustWallet(input: $input) { balance { currency available } errors { field code } } }`;
const TRANSFER = `mutation($input: TransferFundsInput!) { transferFunds(input: $input) { transfer { id amount fee } errors { field code message } } }`;
const WALLET = `query($id: ID) { wallet(memberId: $id) { memberId balances { currency available pending held } payoutMethod { iban } } }`;
const LINES = `query($id: ID, $after: String) { walletTransactions(memberId: $id, currency: "USD", first: 1, after: $after) {
  totalCount edges { cursor node { amount balanceAfter description status } } pageInfo { hasNextPage endCursor } } }`;
const WALLET_UPDATED = parse(`subscription($id: ID) { walletUpdated(memberId: $id) { memberId balances { currency available held revision } } }`);

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
});

async function start(viewer: Viewer, id: number) {
  return subscribe({ schema: await getSchema(), document: WALLET_UPDATED, variableValues: { id: String(id) }, contextValue: createContext(viewer) });
}

describe("wallet API", () => {
  it("adjusts, transfers and pages the history with field errors for bad input", async () => {
    const ava = await placeUnder(await createRoot());
    const ben = await placeUnder(ava);
    const adjusted = await asMember(admin, ADJUST, { input: { memberId: String(ava.id), amount: "60.00", currency: "USD", reason: "Welcome bonus", idempotencyKey: key() } });
    expect(adjusted.data!.adjustWallet).toEqual({ balance: { currency: "USD", available: "60.00" }, errors: [] });

    const bad = await asMember(viewerOf(ava), TRANSFER, { input: { toMemberId: String(ben.id), amount: "-5", currency: "US", idempotencyKey: "" } });
    expect(bad.data!.transferFunds.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort()).toEqual(["currency:INVALID", "idempotencyKey:REQUIRED"]);
    const sent = await asMember(viewerOf(ava), TRANSFER, { input: { toMemberId: String(ben.id), amount: "10", currency: "USD", note: "Thanks", idempotencyKey: key() } });
    expect(sent.data!.transferFunds).toMatchObject({ transfer: { amount: "10.00", fee: "0.00" }, errors: [] });

    const page1 = (await asMember(viewerOf(ava), LINES, { id: String(ava.id) })).data!.walletTransactions;
    expect(page1.totalCount).toBe(2);
    expect(page1.edges[0].node).toEqual({ amount: "-10.00", balanceAfter: "50.00", description: `Transfer to ${ben.firstName} ${ben.lastName}`, status: "POSTED" });
    const page2 = (await asMember(viewerOf(ava), LINES, { id: String(ava.id), after: page1.pageInfo.endCursor })).data!.walletTransactions;
    expect(page2.edges[0].node.description).toBe("Adjustment: Welcome bonus");
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it("keeps wallets private and money mutations for admins", async () => {
    const root = await createRoot();
    const ava = await placeUnder(root);
    const fromUpline = await asMember(viewerOf(root), WALLET, { id: String(ava.id) });
    expect(fromUpline.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const selfAdjust = await asMember(viewerOf(ava), ADJUST, { input: { memberId: String(ava.id), amount: "1000", currency: "USD", reason: "please", idempotencyKey: key() } });
    expect(selfAdjust.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const trial = await asMember(viewerOf(ava), `{ trialBalance { unit total } }`);
    expect(trial.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const adminTrial = await asMember(admin, `{ trialBalance { unit total pending postings } }`);
    for (const line of adminTrial.data!.trialBalance) expect([line.total, line.pending, line.postings].map(Number)).toEqual([0, 0, 0]);
  });

  it("pushes the new balance to the member when money arrives, and refuses the upline", async () => {
    const root = await createRoot();
    const ava = await placeUnder(root);
    const refused = (await start(viewerOf(root), ava.id)) as ExecutionResult;
    expect(refused.errors![0]!.message).toMatch(/may not/);

    const stream = (await start(viewerOf(ava), ava.id)) as AsyncGenerator<ExecutionResult>;
    const next = stream.next();
    await asMember(admin, ADJUST, { input: { memberId: String(ava.id), amount: "12.34", currency: "EUR", reason: "Prize", idempotencyKey: key() } });
    const got = (await next).value.data.walletUpdated;
    expect(got).toMatchObject({ memberId: String(ava.id), balances: [{ currency: "EUR", available: "12.34", held: "0.00" }] });
    await stream.return?.(undefined);
  });
});
