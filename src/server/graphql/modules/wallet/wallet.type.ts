import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { WalletErrorCode } from "@/server/domain/wallet/wallet.errors";
import { connectionType } from "../../shared/connection";
import { fieldErrorType, payloadType } from "../../shared/field-error";

// Amounts are decimal strings in the currency's units ("12.50"), never floats.

export enum WithdrawalStatus { REQUESTED = "REQUESTED", APPROVED = "APPROVED", REJECTED = "REJECTED", PAID = "PAID" }
export enum PayoutBatchStatus { OPEN = "OPEN", PAID = "PAID" }
export enum WalletLineStatus { POSTED = "POSTED", PENDING = "PENDING", VOIDED = "VOIDED" }
registerEnumType(WithdrawalStatus, { name: "WithdrawalStatus", description: "requested → approved → paid (in a payout batch); rejected releases the held funds." });
registerEnumType(PayoutBatchStatus, { name: "PayoutBatchStatus" });
registerEnumType(WalletLineStatus, { name: "WalletLineStatus", description: "PENDING: held (a withdrawal not yet paid). VOIDED: a hold that was released or replaced by its settled line." });

@ObjectType("WalletBalance", { description: "A member's balance in one currency." })
export class WalletBalance {
  @Field(() => String) currency!: string;
  @Field(() => String, { description: "What can be spent, transferred or withdrawn now: settled less held." }) available!: string;
  @Field(() => String, { description: "Signed sum of movements not yet settled (−held + incoming)." }) pending!: string;
  @Field(() => String, { description: "Settled balance." }) posted!: string;
  @Field(() => String, { description: "Held by withdrawals not yet paid." }) held!: string;
  @Field(() => Int, { description: "Grows with every change: drop an update older than the one you have." }) revision!: number;
}

@ObjectType("WalletUpdate", { description: "A member's new balances in the currencies one posting changed." })
export class WalletUpdate {
  @Field(() => ID) memberId!: string;
  @Field(() => [WalletBalance]) balances!: WalletBalance[];
}

@ObjectType("PayoutMethod", { description: "Where withdrawals are paid." })
export class PayoutMethod {
  @Field(() => String) holder!: string;
  @Field(() => String) iban!: string;
  @Field(() => String, { nullable: true }) bic!: string | null;
}

@ObjectType("Wallet")
export class Wallet {
  @Field(() => ID) memberId!: string;
  @Field(() => [WalletBalance]) balances!: WalletBalance[];
  @Field(() => PayoutMethod, { nullable: true }) payoutMethod!: PayoutMethod | null;
}

@ObjectType("LedgerReference", { description: "What a movement belongs to (TRANSFER, WITHDRAWAL, MEMBER, ORDER, …) and its id." })
export class LedgerReference {
  @Field(() => String) type!: string;
  @Field(() => ID) id!: string;
}

@ObjectType("WalletLine", { description: "One movement of a wallet, saying why, with the settled balance after it." })
export class WalletLine {
  @Field(() => ID) id!: string;
  @Field(() => ID) transactionId!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { description: "Signed: money in is positive." }) amount!: string;
  @Field(() => String, { nullable: true }) balanceAfter!: string | null;
  @Field(() => WalletLineStatus) status!: WalletLineStatus;
  @Field(() => String) reason!: string;
  @Field(() => String) description!: string;
  @Field(() => LedgerReference, { nullable: true }) reference!: LedgerReference | null;
  @Field(() => Date) createdAt!: Date;
}

export const WalletLineConnection = connectionType("WalletLine", WalletLine);

@ObjectType("WalletTransfer")
export class WalletTransfer {
  @Field(() => ID) id!: string;
  @Field(() => ID) fromMemberId!: string;
  @Field(() => ID) toMemberId!: string;
  @Field(() => String) currency!: string;
  @Field(() => String) amount!: string;
  @Field(() => String) fee!: string;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType("Withdrawal")
export class Withdrawal {
  @Field(() => ID) id!: string;
  @Field(() => ID) memberId!: string;
  @Field(() => String) memberName!: string;
  @Field(() => String) currency!: string;
  @Field(() => String) amount!: string;
  @Field(() => String) fee!: string;
  @Field(() => WithdrawalStatus) status!: WithdrawalStatus;
  @Field(() => String) payoutHolder!: string;
  @Field(() => String) payoutIban!: string;
  @Field(() => String, { nullable: true }) payoutBic!: string | null;
  @Field(() => String, { nullable: true }) rejectReason!: string | null;
  @Field(() => ID, { nullable: true }) batchId!: string | null;
  @Field(() => Date) requestedAt!: Date;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => Date, { nullable: true }) paidAt!: Date | null;
}

export const WithdrawalConnection = connectionType("Withdrawal", Withdrawal);

@ObjectType("PayoutTotal")
export class PayoutTotal {
  @Field(() => String) currency!: string;
  @Field(() => String) amount!: string;
}

@ObjectType("PayoutBatch", { description: "Approved withdrawals paid together: export the CSV at /api/exports/payout-batches/<id>, pay, then mark paid." })
export class PayoutBatch {
  @Field(() => ID) id!: string;
  @Field(() => PayoutBatchStatus) status!: PayoutBatchStatus;
  @Field(() => String) provider!: string;
  @Field(() => Int) withdrawals!: number;
  @Field(() => [PayoutTotal]) totals!: PayoutTotal[];
  @Field(() => String, { nullable: true }) reference!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) paidAt!: Date | null;
}

export const PayoutBatchConnection = connectionType("PayoutBatch", PayoutBatch);

@ObjectType("TrialBalanceLine", { description: "Per unit, every account summed: a sound ledger has 0 in every column." })
export class TrialBalanceLine {
  @Field(() => String) unit!: string;
  @Field(() => String, { description: "Settled balances summed." }) total!: string;
  @Field(() => String, { description: "Pending balances summed." }) pending!: string;
  @Field(() => String, { description: "All postings summed." }) postings!: string;
}

@ObjectType("LedgerAccount", { description: "An account of the ledger (admins' explorer)." })
export class LedgerAccount {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true, description: "The member; null for the company's accounts and for retail customers'." }) ownerId!: string | null;
  @Field(() => ID, { nullable: true, description: "The retail customer whose loyalty points it holds; null otherwise." }) customerId!: string | null;
  @Field(() => String) kind!: string;
  @Field(() => String) unit!: string;
  @Field(() => Boolean) noNegative!: boolean;
  @Field(() => String) posted!: string;
  @Field(() => String) pendingDebits!: string;
  @Field(() => String) pendingCredits!: string;
}

export const LedgerAccountConnection = connectionType("LedgerAccount", LedgerAccount);

export const WalletError = fieldErrorType("WalletError", WalletErrorCode);
export const TransferFundsPayload = payloadType("TransferFundsPayload", "transfer", WalletTransfer, WalletError);
export const WithdrawalPayload = payloadType("WithdrawalPayload", "withdrawal", Withdrawal, WalletError);
export const WithdrawalsPayload = payloadType("WithdrawalsPayload", "withdrawals", [Withdrawal], WalletError);
export const PayoutBatchPayload = payloadType("PayoutBatchPayload", "batch", PayoutBatch, WalletError);
export const AdjustWalletPayload = payloadType("AdjustWalletPayload", "balance", WalletBalance, WalletError);
export const PayoutMethodPayload = payloadType("PayoutMethodPayload", "payoutMethod", PayoutMethod, WalletError);
