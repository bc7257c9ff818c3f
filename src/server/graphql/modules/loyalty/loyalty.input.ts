import { Field, Float, ID, InputType, Int } from "type-graphql";
import { JSONScalar } from "../../shared/json";
import { RedemptionStatus, RewardKind } from "./loyalty.type";

// Checked by the loyalty domain (program.rules.ts and loyalty.service.ts).

@InputType("RedeemRewardInput")
export class RedeemRewardInput {
  @Field(() => ID) rewardId!: string;
  @Field(() => String, { description: "Unique per redemption you mean to make: a retry with it does not redeem twice." }) idempotencyKey!: string;
  @Field(() => ID, { nullable: true, description: "Admins redeeming for a member; yours when left out." }) memberId?: string | null;
}

@InputType("RecordLoyaltyEventInput")
export class RecordLoyaltyEventInput {
  @Field(() => ID) memberId!: string;
  @Field(() => String, { description: "The event's name, as EVENT rules name it (birthday, training_completed, …)." }) event!: string;
  @Field(() => String, { description: "Unique per event for this member: the same key again changes nothing." }) idempotencyKey!: string;
  @Field(() => Float, { nullable: true, description: "For rules with pointsPerValue." }) value?: number | null;
  @Field(() => Date, { nullable: true, description: "When it happened (caps count in its period); now by default." }) occurredAt?: Date | null;
}

@InputType("SaveLoyaltyProgramInput")
export class SaveLoyaltyProgramInput {
  @Field(() => JSONScalar, { description: "The programme document (see EXAMPLE_PROGRAM in the docs)." }) program!: unknown;
  @Field(() => String) comment!: string;
}

@InputType("RewardInput")
export class RewardInput {
  @Field(() => ID, { nullable: true, description: "Leave out to create." }) id?: string | null;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => RewardKind) kind!: RewardKind;
  @Field(() => String) pointType!: string;
  @Field(() => Int) pointsCost!: number;
  @Field(() => JSONScalar, { nullable: true }) tierCosts?: Record<string, number> | null;
  @Field(() => String, { nullable: true }) minTier?: string | null;
  @Field(() => String, { nullable: true, description: "A loyalty segment's code: offered to its members only." }) segment?: string | null;
  @Field(() => Int, { nullable: true, description: "Units in stock; leave out for unlimited." }) stock?: number | null;
  @Field(() => [String], { nullable: true }) countries?: string[] | null;
  @Field(() => Date, { nullable: true }) validFrom?: Date | null;
  @Field(() => Date, { nullable: true }) validUntil?: Date | null;
  @Field(() => String, { nullable: true, description: "Decimal, for CASHBACK rewards (credited to the e-wallet)." }) cashbackAmount?: string | null;
  @Field(() => String, { nullable: true }) cashbackCurrency?: string | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
}

@InputType("GrantPointsInput", { description: "Points to every active distributor matching the filters (all when none is given)." })
export class GrantPointsInput {
  @Field(() => String) pointType!: string;
  @Field(() => Int) points!: number;
  @Field(() => String, { description: "Members see it in their history." }) reason!: string;
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => String, { nullable: true }) tier?: string | null;
  @Field(() => String, { nullable: true, description: "A segment of the programme: its members as they are now." }) segment?: string | null;
  @Field(() => [ID], { nullable: true }) memberIds?: string[] | null;
}

@InputType("RewardFilter")
export class RewardFilter {
  @Field(() => RewardKind, { nullable: true }) kind?: RewardKind | null;
  @Field(() => ID, { nullable: true, description: "Only what this member may redeem now (country, tier, dates, stock)." }) availableTo?: string | null;
  @Field(() => Boolean, { nullable: true, description: "Admins: inactive rewards too." }) includeInactive?: boolean | null;
}

@InputType("RedemptionFilter")
export class RedemptionFilter {
  @Field(() => ID, { nullable: true }) memberId?: string | null;
  @Field(() => RedemptionStatus, { nullable: true }) status?: RedemptionStatus | null;
  @Field(() => RewardKind, { nullable: true }) kind?: RewardKind | null;
}
