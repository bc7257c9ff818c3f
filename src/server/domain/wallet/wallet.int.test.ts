import { beforeAll, describe, expect, it } from "vitest";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { Viewer } from "@/server/domain/shared/viewer";
import { codesOf, createAdmin, createRoot, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { walletService } from "./wallet.service";

let admin: Viewer;
let seq = 0;
const key = () => `w-${Date.now().toString(36)}-${++seq}`;
const IBAN = "DE89370400440532013000";

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
});

async function funded(member: MemberRecord, amount: string, currency = "USD") {
  await walletService.adjust(admin, { memberId: member.id, amount, currency, reason: "Opening balance", idempotencyKey: key() });
}

async function balance(member: MemberRecord, currency = "USD") {
  return (await walletService.balances(viewerOf(member), member.id)).find((b) => b.currency === currency)!;
}

describe("wallet", () => {
  it("transfers within the upline and downline, refuses other lines, and repeats nothing for a repeated key", async () => {
    const root = await createRoot();
    const ava = await placeUnder(root);
    const ben = await placeUnder(ava);
    const stranger = await placeUnder(await createRoot());
    await funded(ava, "100.00");
    const input = { toMemberId: ben.id, amount: "25.50", currency: "usd", note: "For the starter kit", idempotencyKey: key() };
    const first = await walletService.transfer(viewerOf(ava), input);
    const again = await walletService.transfer(viewerOf(ava), input);
    expect(again.id).toBe(first.id);
    expect([(await balance(ava)).available, (await balance(ben)).available]).toEqual(["74.50", "25.50"]);
    expect(await codesOf(walletService.transfer(viewerOf(ava), { ...input, amount: "1.00" }))).toEqual(["idempotencyKey:IDEMPOTENCY_KEY_REUSED"]);
    expect(await codesOf(walletService.transfer(viewerOf(ava), { ...input, toMemberId: stranger.id, idempotencyKey: key() }))).toEqual(["toMemberId:RECIPIENT_NOT_ALLOWED"]);
    expect(await codesOf(walletService.transfer(viewerOf(ava), { ...input, amount: "0.5", idempotencyKey: key() }))).toEqual(["amount:BELOW_MINIMUM"]);
    expect(await codesOf(walletService.transfer(viewerOf(ava), { ...input, amount: "80.00", idempotencyKey: key() }))).toEqual(["amount:INSUFFICIENT_FUNDS"]);
    expect(await codesOf(walletService.transfer(viewerOf(ava), { ...input, amount: "1.234", idempotencyKey: key() }))).toEqual(["amount:INVALID"]);

    const history = await walletService.history(viewerOf(ava), ava.id, "USD", 10, null);
    expect(history.rows.map((l) => [l.description, l.amount, l.balanceAfter, l.status])).toEqual([
      ["Transfer to Tom Tree", "-25.50", "74.50", "POSTED"],
      ["Adjustment: Opening balance", "100.00", "100.00", "POSTED"],
    ]);
    expect((await walletService.history(viewerOf(ben), ben.id, "USD", 10, null)).rows[0]!.description).toBe(`Transfer from ${ava.firstName} ${ava.lastName}`);
  });

  it("keeps a wallet private, also from the upline", async () => {
    const root = await createRoot();
    const ava = await placeUnder(root);
    await expect(walletService.balances(viewerOf(root), ava.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await walletService.balances(admin, ava.id)).toEqual([]);
  });

  it("holds a withdrawal, releases it on rejection, and pays it in a batch", async () => {
    const ava = await placeUnder(await createRoot());
    await funded(ava, "200.00");
    expect(await codesOf(walletService.requestWithdrawal(viewerOf(ava), { amount: "50.00", currency: "USD", idempotencyKey: key() }))).toEqual(["payoutMethod:PAYOUT_METHOD_MISSING"]);
    await walletService.setPayoutMethod(viewerOf(ava), ava.id, { holder: "Ava Martin", iban: IBAN });

    const rejected = await walletService.requestWithdrawal(viewerOf(ava), { amount: "50.00", currency: "USD", idempotencyKey: key() });
    expect([rejected.status, rejected.fee]).toEqual(["REQUESTED", "1.50"]);
    expect(await balance(ava)).toMatchObject({ available: "148.50", held: "51.50", posted: "200.00" });
    await walletService.rejectWithdrawals(admin, [rejected.id], "Name does not match the account");
    expect(await balance(ava)).toMatchObject({ available: "200.00", held: "0.00" });

    const w = await walletService.requestWithdrawal(viewerOf(ava), { amount: "100.00", currency: "USD", idempotencyKey: key() });
    expect(await codesOf(walletService.createPayoutBatch(admin, [w.id]))).toEqual(["ids:INVALID_TRANSITION"]);
    await walletService.approveWithdrawals(admin, [w.id]);
    const batch = await walletService.createPayoutBatch(admin, [w.id]);
    expect(batch.totals).toEqual([{ currency: "USD", amount: "100.00" }]);
    expect(await walletService.batchCsv(admin, batch.id)).toMatch(new RegExp(`${w.id},${ava.id},Ava Martin,${IBAN},,100.00,USD`));
    const paid = await walletService.markBatchPaid(admin, batch.id);
    await walletService.markBatchPaid(admin, batch.id);
    expect(paid.status).toBe("PAID");
    expect(await balance(ava)).toMatchObject({ available: "98.50", held: "0.00", posted: "98.50" });
    const mine = await walletService.withdrawals(viewerOf(ava), {}, 10, null);
    expect(mine.rows.map((r) => r.status)).toEqual(["PAID", "REJECTED"]);
    expect(await ledgerService.check()).toEqual([]);
  });

  it("moves exactly what a wallet affords when 16 clients send 25 withdrawals and transfers each", async () => {
    const ava = await placeUnder(await createRoot());
    const ben = await placeUnder(ava);
    await walletService.setPayoutMethod(viewerOf(ava), ava.id, { holder: "Ava Martin", iban: IBAN });
    // Each transfer takes 20.00, each withdrawal 20.00 + 1.50 fee: fund a third of 400 attempts.
    await funded(ava, String(((200 * 20 + 200 * 21.5) / 3).toFixed(2)));
    const start = await balance(ava);
    let transfers = 0;
    let withdrawals = 0;
    const refusals = await Promise.all(Array.from({ length: 16 }, async () => {
      const codes: string[] = [];
      for (let i = 0; i < 25; i++) {
        const transfer = i % 2 === 0;
        const found = await codesOf(transfer
          ? walletService.transfer(viewerOf(ava), { toMemberId: ben.id, amount: "20.00", currency: "USD", idempotencyKey: key() })
          : walletService.requestWithdrawal(viewerOf(ava), { amount: "20.00", currency: "USD", idempotencyKey: key() }));
        if (found.length === 0) transfer ? transfers++ : withdrawals++;
        codes.push(...found);
      }
      return codes;
    }));
    expect(new Set(refusals.flat())).toEqual(new Set(["amount:INSUFFICIENT_FUNDS"]));
    const end = await balance(ava);
    // Exactly what was accepted left the wallet, and what is left buys nothing more.
    expect(Math.round((Number(start.available) - Number(end.available)) * 100)).toBe(transfers * 2000 + withdrawals * 2150);
    expect(Number(end.available)).toBeGreaterThanOrEqual(0);
    expect(Number(end.available)).toBeLessThan(20);
    expect(transfers + withdrawals).toBeGreaterThan(100);
    expect(await ledgerService.check()).toEqual([]);
  }, 120_000);
});
