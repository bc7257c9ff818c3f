import { Field, ID, InputType } from "type-graphql";
import { WithdrawalStatus } from "./wallet.type";

// Checked by wallet.rules.ts and the settings (setting['wallet.config']).

@InputType("TransferFundsInput")
export class TransferFundsInput {
  @Field(() => ID) toMemberId!: string;
  @Field(() => String, { description: "Decimal string, such as 25.50." }) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { nullable: true }) note?: string | null;
  @Field(() => String, { description: "Unique per transfer you mean to make: a retry with it does not send twice." }) idempotencyKey!: string;
}

@InputType("WithdrawalInput")
export class WithdrawalInput {
  @Field(() => String) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => String) idempotencyKey!: string;
}

@InputType("AdjustWalletInput")
export class AdjustWalletInput {
  @Field(() => ID) memberId!: string;
  @Field(() => String, { description: "Positive credits the wallet, negative debits it." }) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { description: "Shown to the member." }) reason!: string;
  @Field(() => String) idempotencyKey!: string;
}

@InputType("PayoutMethodInput")
export class PayoutMethodInput {
  @Field(() => ID, { nullable: true, description: "Whose; yours when left out (admins may name anyone)." }) memberId?: string | null;
  @Field(() => String) holder!: string;
  @Field(() => String) iban!: string;
  @Field(() => String, { nullable: true }) bic?: string | null;
}

@InputType("WithdrawalFilter")
export class WithdrawalFilter {
  @Field(() => WithdrawalStatus, { nullable: true }) status?: WithdrawalStatus | null;
  @Field(() => ID, { nullable: true }) memberId?: string | null;
  @Field(() => ID, { nullable: true }) batchId?: string | null;
}

@InputType("LedgerAccountFilter")
export class LedgerAccountFilter {
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => String, { nullable: true }) kind?: string | null;
  @Field(() => String, { nullable: true }) unit?: string | null;
}
