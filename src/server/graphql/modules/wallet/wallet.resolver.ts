import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { accessService } from "@/server/domain/access/access.service";
import { ledgerExplorerService, walletService } from "@/server/domain/wallet/wallet.service";
import { keyedFeed } from "@/server/events/keyed-feed";
import { Topic, type LedgerAccountSnapshot } from "@/server/events/topics";
import type { Context } from "../../context";
import { badInput } from "../../errors";
import { idCursor, toConnection } from "../../shared/connection";
import { parseId, parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { AdjustWalletInput, LedgerAccountFilter, PayoutMethodInput, TransferFundsInput, WithdrawalFilter, WithdrawalInput } from "./wallet.input";
import {
  AdjustWalletPayload, LedgerAccountConnection, PayoutBatchConnection, PayoutBatchPayload, PayoutMethodPayload, TransferFundsPayload,
  TrialBalanceLine, Wallet, WalletLineConnection, WalletUpdate, WithdrawalConnection, WithdrawalPayload, WithdrawalsPayload,
} from "./wallet.type";

const postingCursor = (raw: string | null | undefined): string | null => {
  if (raw == null) return null;
  if (!/^\d{1,18}$/.test(raw)) throw badInput("after", "after is not a wallet line cursor.");
  return raw;
};
/** Each ledger change handed to the subscribers of the members whose wallets it moved (as volume batches are). */
const walletFeed = keyedFeed(Topic.LedgerChanged, (e) => {
  const byMember: Record<string, { memberId: number; accounts: LedgerAccountSnapshot[] }> = {};
  for (const a of e.accounts) {
    if (a.ownerId == null || a.kind !== "WALLET") continue;
    (byMember[a.ownerId] ??= { memberId: a.ownerId, accounts: [] }).accounts.push(a);
  }
  return byMember;
});

const ids = (raw: string[], field: string) => raw.map((id, i) => parseId(id, `${field}.${i}`, "a withdrawal id")!);
const withdrawalId = (id: string) => parseId(id, "id", "a withdrawal id")!;

@Resolver()
export class WalletResolver {
  @Query(() => Wallet, { description: "Balances per currency and payout method (yours when memberId is left out). The member and admins only: a wallet is private." })
  async wallet(@Ctx() ctx: Context, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null) {
    const viewer = requireViewer(ctx);
    const id = parseMemberId(memberId, "memberId") ?? viewer.id;
    const [balances, payoutMethod] = await Promise.all([walletService.balances(viewer, id), walletService.payoutMethod(viewer, id)]);
    return { memberId: String(id), balances, payoutMethod };
  }

  @Query(() => WalletLineConnection, { description: "A wallet's movements in one currency, newest first, each with why and the balance after it." })
  async walletTransactions(
    @Ctx() ctx: Context,
    @Arg("currency", () => String) currency: string,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const viewer = requireViewer(ctx);
    const page = await walletService.history(viewer, parseMemberId(memberId, "memberId") ?? viewer.id, currency, first, postingCursor(after));
    return toConnection(page, (l) => l.id);
  }

  @Query(() => WithdrawalConnection, { description: "Newest first. Distributors see their own; admins all (the queue: filter status REQUESTED)." })
  async withdrawals(
    @Ctx() ctx: Context,
    @Arg("filter", () => WithdrawalFilter, { nullable: true }) f?: WithdrawalFilter | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = await walletService.withdrawals(
      requireViewer(ctx),
      { status: f?.status, memberId: parseMemberId(f?.memberId, "filter.memberId"), batchId: parseId(f?.batchId, "filter.batchId", "a batch id") },
      first,
      parseId(after, "after", "a withdrawal cursor"),
    );
    return toConnection(page, idCursor);
  }

  @Authorized("payouts.manage")
  @Query(() => PayoutBatchConnection)
  async payoutBatches(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    return toConnection(await walletService.batches(requireViewer(ctx), first, parseId(after, "after", "a batch cursor")), idCursor);
  }

  @Authorized("wallets.read")
  @Query(() => [TrialBalanceLine], { description: "Per unit, all accounts summed (admins): every total is 0." })
  trialBalance(@Ctx() ctx: Context) {
    return ledgerExplorerService.trialBalance(requireViewer(ctx));
  }

  @Authorized("wallets.read")
  @Query(() => LedgerAccountConnection, { description: "The ledger's accounts (admins' explorer), in id order." })
  async ledgerAccounts(
    @Ctx() ctx: Context,
    @Arg("filter", () => LedgerAccountFilter, { nullable: true }) f?: LedgerAccountFilter | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = await ledgerExplorerService.accounts(
      requireViewer(ctx),
      { ownerId: parseMemberId(f?.ownerId, "filter.ownerId"), kind: f?.kind ?? null, unit: f?.unit?.toUpperCase() ?? null },
      first,
      parseId(after, "after", "an account cursor"),
    );
    return toConnection(page, idCursor);
  }

  @Authorized("wallets.read")
  @Query(() => WalletLineConnection, { description: "One ledger account's postings, newest first (admins)." })
  async ledgerPostings(
    @Ctx() ctx: Context,
    @Arg("accountId", () => ID) accountId: string,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = await ledgerExplorerService.postings(requireViewer(ctx), parseId(accountId, "accountId", "an account id")!, first, postingCursor(after));
    return toConnection(page, (l) => l.id);
  }

  @Mutation(() => TransferFundsPayload, { description: "Sends money from your wallet to another member's, as the company's settings allow." })
  transferFunds(@Arg("input", () => TransferFundsInput) input: TransferFundsInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("transfer", () =>
      walletService.transfer(viewer, { ...input, toMemberId: parseMemberId(input.toMemberId, "toMemberId")! }),
    );
  }

  @Mutation(() => PayoutMethodPayload, { description: "Sets the bank account withdrawals are paid to." })
  setPayoutMethod(@Arg("input", () => PayoutMethodInput) input: PayoutMethodInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    const { memberId, ...rest } = input;
    return payload("payoutMethod", () => walletService.setPayoutMethod(viewer, parseMemberId(memberId, "memberId") ?? viewer.id, rest));
  }

  @Mutation(() => WithdrawalPayload, { description: "Asks for a payout; amount and fee are held until it is paid or rejected." })
  requestWithdrawal(@Arg("input", () => WithdrawalInput) input: WithdrawalInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("withdrawal", () => walletService.requestWithdrawal(viewer, input));
  }

  @Authorized("withdrawals.approve")
  @Mutation(() => WithdrawalPayload)
  async approveWithdrawal(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("withdrawal", async () => (await walletService.approveWithdrawals(viewer, [withdrawalId(id)]))[0]);
  }

  @Authorized("withdrawals.approve")
  @Mutation(() => WithdrawalPayload, { description: "Rejects a withdrawal not yet in a payout batch: its held funds are released." })
  async rejectWithdrawal(@Arg("id", () => ID) id: string, @Arg("reason", () => String) reason: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("withdrawal", async () => (await walletService.rejectWithdrawals(viewer, [withdrawalId(id)], reason))[0]);
  }

  @Authorized("withdrawals.approve")
  @Mutation(() => WithdrawalsPayload, { description: "Approves many withdrawals at once." })
  approveWithdrawals(@Arg("ids", () => [ID]) raw: string[], @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("withdrawals", () => walletService.approveWithdrawals(viewer, ids(raw, "ids")));
  }

  @Authorized("withdrawals.approve")
  @Mutation(() => WithdrawalsPayload, { description: "Rejects many withdrawals at once, with one reason." })
  rejectWithdrawals(@Arg("ids", () => [ID]) raw: string[], @Arg("reason", () => String) reason: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("withdrawals", () => walletService.rejectWithdrawals(viewer, ids(raw, "ids"), reason));
  }

  @Authorized("payouts.manage")
  @Mutation(() => PayoutBatchPayload, { description: "Puts approved withdrawals into a payout batch." })
  createPayoutBatch(@Arg("withdrawalIds", () => [ID]) raw: string[], @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("batch", () => walletService.createPayoutBatch(viewer, ids(raw, "withdrawalIds")));
  }

  @Authorized("payouts.manage")
  @Mutation(() => PayoutBatchPayload, { description: "Records that a batch was paid: its withdrawals are paid and their holds settled." })
  markPayoutBatchPaid(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("batch", () => walletService.markBatchPaid(viewer, parseId(id, "id", "a batch id")!));
  }

  @Authorized("wallets.adjust")
  @Mutation(() => AdjustWalletPayload, { description: "Credits (positive) or debits (negative) a member's wallet, with a reason the member sees." })
  adjustWallet(@Arg("input", () => AdjustWalletInput) input: AdjustWalletInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("balance", () => walletService.adjust(viewer, { ...input, memberId: parseMemberId(input.memberId, "memberId")! }));
  }

  @Subscription(() => WalletUpdate, {
    description: "A member's new balance (yours when left out) whenever a posting changes it. The member and admins only.",
    subscribe: async ({ args, context }) => {
      const viewer = requireViewer(context as Context);
      const memberId = parseMemberId(args.memberId as string | undefined, "memberId") ?? viewer.id;
      await accessService.requireSelfOr(viewer, memberId, "wallets.read", "this wallet");
      return walletFeed(String(memberId));
    },
  })
  walletUpdated(
    @Root() root: { memberId: number; accounts: LedgerAccountSnapshot[] },
    @Arg("memberId", () => ID, { nullable: true }) _memberId?: string | null,
  ) {
    return { memberId: String(root.memberId), balances: root.accounts.map(walletService.balanceFromSnapshot) };
  }
}
