import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { LoyaltyErrorCode } from "@/server/domain/loyalty/loyalty.errors";
import { connectionType } from "../../shared/connection";
import { fieldErrorType, payloadType } from "../../shared/field-error";
import { JSONScalar } from "../../shared/json";
import { PlanChange } from "../compensation/compensation.type";

// Points are whole numbers (Int); cashback amounts are decimal strings in their currency.

export enum RewardKind { PRODUCT = "PRODUCT", VOUCHER = "VOUCHER", CASHBACK = "CASHBACK", PERK = "PERK" }
export enum RedemptionStatus { ISSUED = "ISSUED", REQUESTED = "REQUESTED", PACKED = "PACKED", SHIPPED = "SHIPPED", DELIVERED = "DELIVERED", CANCELLED = "CANCELLED" }
export enum PointsBucket { ACTIVE = "ACTIVE", PENDING = "PENDING" }
registerEnumType(RewardKind, { name: "RewardKind", description: "PRODUCT is shipped (fulfilment); VOUCHER issues a code; CASHBACK credits the e-wallet; PERK is issued at once." });
registerEnumType(RedemptionStatus, { name: "RedemptionStatus", description: "Physical rewards: requested → packed → shipped → delivered (or cancelled, which gives the points back). Others are issued at once." });
registerEnumType(PointsBucket, { name: "PointsBucket", description: "PENDING points are locked until an order's return window passes." });

export const LoyaltyError = fieldErrorType("LoyaltyError", LoyaltyErrorCode);

@ObjectType("CheckoutPoints", { description: "What points can pay of an order in one currency, and the member's balance." })
export class CheckoutPoints {
  @Field(() => String) pointType!: string;
  @Field(() => String) pointTypeName!: string;
  @Field(() => Int, { description: "Points the member can spend now." }) balance!: number;
  @Field(() => String, { description: "Money one point pays, in the currency (\"0.01\")." }) valuePerPoint!: string;
  @Field(() => Int, { description: "Fewest points one order takes." }) minPoints!: number;
  @Field(() => Float, { description: "Largest share of an order's total (goods and tax) points may pay, 0 to 1." }) maxShareOfOrder!: number;
}

@ObjectType("PointsWorth", { description: "What a balance is worth in the member's currency." })
export class PointsWorth {
  @Field(() => String) currency!: string;
  @Field(() => String, { description: "Decimal string." }) amount!: string;
  @Field(() => Float, { description: "What one point is worth in that currency." }) perPoint!: number;
}

@ObjectType("PointsBalance", { description: "A member's points of one type." })
export class PointsBalance {
  @Field(() => String) pointType!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: "Active points: what can be spent now." }) balance!: number;
  @Field(() => Int, { description: "Locked until the return window of the orders that earned them passes." }) pending!: number;
  @Field(() => Int, { description: "Active points that expire within the programme's warning days." }) expiringSoon!: number;
  @Field(() => Date, { nullable: true }) nextExpiry!: Date | null;
  @Field(() => Boolean) redeemable!: boolean;
  @Field(() => PointsWorth, { nullable: true, description: "Null when the programme gives this point type no value in the member's currency." }) worth!: PointsWorth | null;
}

@ObjectType("LoyaltyTier")
export class LoyaltyTier {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: "Basis points earned in the tier window to reach it." }) threshold!: number;
  @Field(() => Float) multiplier!: number;
  @Field(() => [String]) benefits!: string[];
}

@ObjectType("NextTier")
export class NextTier {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) pointsNeeded!: number;
}

@ObjectType("EarnedBadge")
export class EarnedBadge {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => Date) earnedAt!: Date;
}

@ObjectType("CashbackBalance", { description: "Cashback of one currency (decimal strings): pending until the orders' return windows pass, then paid to the e-wallet." })
export class CashbackBalance {
  @Field(() => String) currency!: string;
  @Field(() => String) pending!: string;
  @Field(() => String) paid!: string;
}

@ObjectType("LoyaltyAccount", { description: "A member's or a retail customer's points, tier and badges." })
export class LoyaltyAccount {
  @Field(() => ID, { description: "The member; for a retail customer's account, the distributor they buy through." }) memberId!: string;
  @Field(() => ID, { nullable: true, description: "The retail customer whose account it is (enrolled by their first paid order); null for a member's." }) customerId!: string | null;
  @Field(() => [PointsBalance]) balances!: PointsBalance[];
  @Field(() => [CashbackBalance], { description: "The cashback programme's money, by currency (members only)." }) cashback!: CashbackBalance[];
  @Field(() => LoyaltyTier, { nullable: true }) tier!: LoyaltyTier | null;
  @Field(() => Date, { nullable: true }) tierSince!: Date | null;
  @Field(() => String, { nullable: true, description: "The tier an admin set: automatic downgrades never go below it." }) tierFloor!: string | null;
  @Field(() => NextTier, { nullable: true }) nextTier!: NextTier | null;
  @Field(() => Int, { description: "Basis points earned in the tier window." }) tierPoints!: number;
  @Field(() => Float, { description: "0..1 of the way to the next tier." }) progress!: number;
  @Field(() => [EarnedBadge]) badges!: EarnedBadge[];
  @Field(() => Int) revision!: number;
}

@ObjectType("PointsMovement", { description: "One movement of a member's points, saying why (the rule and the order or event)." })
export class PointsMovement {
  @Field(() => ID) id!: string;
  @Field(() => String) pointType!: string;
  @Field(() => Int, { description: "Signed: points in are positive." }) amount!: number;
  @Field(() => PointsBucket) bucket!: PointsBucket;
  @Field(() => String, { description: "POINTS_EARNED, POINTS_RELEASED, POINTS_REDEEMED, POINTS_EXPIRED, POINTS_REVERSED, POINTS_REFUNDED." }) reason!: string;
  @Field(() => String) description!: string;
  @Field(() => String, { nullable: true }) referenceType!: string | null;
  @Field(() => ID, { nullable: true }) referenceId!: string | null;
  @Field(() => Date) at!: Date;
}
export const PointsMovementConnection = connectionType("PointsMovement", PointsMovement);

@ObjectType("BadgeDefinition", { description: "A badge of the programme and what earns it." })
export class BadgeDefinition {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => JSONScalar, { description: "{ type: ORDERS|RECRUITS|TIER|POINTS_EARNED|RANK, … }" }) when!: unknown;
}

@ObjectType("Reward")
export class Reward {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => RewardKind) kind!: RewardKind;
  @Field(() => String) pointType!: string;
  @Field(() => Int) pointsCost!: number;
  @Field(() => JSONScalar, { description: "Cost per tier code where it differs ({\"GOLD\": 800})." }) tierCosts!: Record<string, number>;
  @Field(() => String, { nullable: true }) minTier!: string | null;
  @Field(() => String, { nullable: true, description: "Offered to this loyalty segment's members only." }) segment!: string | null;
  @Field(() => Int, { nullable: true, description: "Units left; null: unlimited." }) stock!: number | null;
  @Field(() => [String], { description: "Countries it is offered in; empty: everywhere." }) countries!: string[];
  @Field(() => Date, { nullable: true }) validFrom!: Date | null;
  @Field(() => Date, { nullable: true }) validUntil!: Date | null;
  @Field(() => String, { nullable: true }) cashbackAmount!: string | null;
  @Field(() => String, { nullable: true }) cashbackCurrency!: string | null;
  @Field(() => Boolean) active!: boolean;
}
export const RewardConnection = connectionType("Reward", Reward);
export const RewardPayload = payloadType("RewardPayload", "reward", Reward, LoyaltyError);

@ObjectType("Redemption")
export class Redemption {
  @Field(() => ID) id!: string;
  @Field(() => ID) rewardId!: string;
  @Field(() => String) rewardName!: string;
  @Field(() => RewardKind) rewardKind!: RewardKind;
  @Field(() => ID) memberId!: string;
  @Field(() => String) memberName!: string;
  @Field(() => String) pointType!: string;
  @Field(() => Int) points!: number;
  @Field(() => RedemptionStatus) status!: RedemptionStatus;
  @Field(() => String, { nullable: true }) voucherCode!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}
export const RedemptionConnection = connectionType("Redemption", Redemption);
export const RedemptionPayload = payloadType("RedemptionPayload", "redemption", Redemption, LoyaltyError);

@ObjectType("LoyaltyProgramVersion", { description: "A saved programme document; the newest applies from the moment it is saved." })
export class LoyaltyProgramVersion {
  @Field(() => ID) id!: string;
  @Field(() => Int) number!: number;
  @Field(() => JSONScalar) program!: unknown;
  @Field(() => String) comment!: string;
  @Field(() => ID, { nullable: true }) authorId!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => [PlanChange], { description: "What changed since the version before." }) changes!: PlanChange[];
}
export const LoyaltyProgramPayload = payloadType("LoyaltyProgramPayload", "version", LoyaltyProgramVersion, LoyaltyError);

@ObjectType("LoyaltyEventResult", { description: "A custom event as applied: the points it earned (0 when no rule matched or a cap was reached)." })
export class LoyaltyEventResult {
  @Field(() => String) key!: string;
  @Field(() => Boolean) applied!: boolean;
  @Field(() => Int) points!: number;
  @Field(() => JSONScalar, { nullable: true, description: "{ granted: { RULE: points } }" }) outcome!: unknown;
}
export const LoyaltyEventPayload = payloadType("LoyaltyEventPayload", "event", LoyaltyEventResult, LoyaltyError);

@ObjectType("PointsGrant", { description: "A grant to many members, applied in the background; follow it with pointsGrantProgress." })
export class PointsGrant {
  @Field(() => ID) grantId!: string;
  @Field(() => Int) members!: number;
}
export const PointsGrantPayload = payloadType("PointsGrantPayload", "grant", PointsGrant, LoyaltyError);

@ObjectType("PointsGrantProgress")
export class PointsGrantProgress {
  @Field(() => Int) total!: number;
  @Field(() => Int) applied!: number;
}

@ObjectType("PointsReportLine", { description: "Per point type, over all members." })
export class PointsReportLine {
  @Field(() => String) pointType!: string;
  @Field(() => Float) issued!: number;
  @Field(() => Float) redeemed!: number;
  @Field(() => Float) expired!: number;
  @Field(() => Float, { description: "Taken back by refunds." }) reversed!: number;
  @Field(() => Float) pending!: number;
  @Field(() => Float, { description: "Active points members hold: the liability." }) outstanding!: number;
  @Field(() => Float) redemptionRate!: number;
}

@ObjectType("TierCount")
export class TierCount {
  @Field(() => String, { nullable: true }) tier!: string | null;
  @Field(() => Int) members!: number;
}

@ObjectType("LoyaltyReport")
export class LoyaltyReport {
  @Field(() => [PointsReportLine]) points!: PointsReportLine[];
  @Field(() => [TierCount]) tiers!: TierCount[];
}

@ObjectType("PointsMonth")
export class PointsMonth {
  @Field(() => String, { description: "YYYY-MM" }) month!: string;
  @Field(() => Int) earned!: number;
  @Field(() => Int) redeemed!: number;
}

@ObjectType("Notification")
export class Notification {
  @Field(() => ID) id!: string;
  @Field(() => String) kind!: string;
  @Field(() => String) title!: string;
  @Field(() => String) body!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) readAt!: Date | null;
}

@ObjectType("NotificationList")
export class NotificationList {
  @Field(() => Int) unread!: number;
  @Field(() => [Notification]) nodes!: Notification[];
}

@ObjectType("PointsUpdateBalance")
export class PointsUpdateBalance {
  @Field(() => String) pointType!: string;
  @Field(() => Int) balance!: number;
  @Field(() => Int) pending!: number;
}

@ObjectType("TierRef")
export class TierRef {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
}

@ObjectType("PointsUpdate", { description: "A member's points, tier progress and newly earned badges after a change." })
export class PointsUpdate {
  @Field(() => ID) memberId!: string;
  @Field(() => [PointsUpdateBalance]) balances!: PointsUpdateBalance[];
  @Field(() => TierRef, { nullable: true }) tier!: TierRef | null;
  @Field(() => NextTier, { nullable: true }) nextTier!: NextTier | null;
  @Field(() => Int) tierPoints!: number;
  @Field(() => Float) progress!: number;
  @Field(() => [EarnedBadge]) newBadges!: EarnedBadge[];
  @Field(() => Int, { description: "Grows with every change: drop an update older than the one you have." }) revision!: number;
}

@ObjectType("MissionStep", { description: "One step of a mission and how far the member is with it (orders, members, points or events)." })
export class MissionStep {
  @Field(() => String) label!: string;
  @Field(() => Int) done!: number;
  @Field(() => Int) needed!: number;
}

@ObjectType("Mission", { description: "A mission running for the member (their segment, its window) or one they completed." })
export class Mission {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => String, { nullable: true, description: "First day (UTC, YYYY-MM-DD); null: open." }) from!: string | null;
  @Field(() => String, { nullable: true, description: "Last day (UTC, inclusive); null: open." }) until!: string | null;
  @Field(() => String) rewardPointType!: string;
  @Field(() => Int) rewardPoints!: number;
  @Field(() => [MissionStep]) steps!: MissionStep[];
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
}

@ObjectType("LoyaltySegment", { description: "Members who match a segment's conditions now (it updates itself), and the rules and missions that use it." })
export class LoyaltySegment {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => String, { description: "The conditions in words." }) conditions!: string;
  @Field(() => Int) members!: number;
  @Field(() => [String]) usedBy!: string[];
}

@ObjectType("LoyaltyCampaign", { description: "An earning rule limited in time, to a segment or countries, or by a total budget." })
export class LoyaltyCampaign {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "The rule's type: SPEND, MULTIPLIER, PRODUCT_BONUS, REFERRAL, SIGNUP or EVENT." }) type!: string;
  @Field(() => String, { description: "Empty for a multiplier on every point type." }) pointType!: string;
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field(() => String, { nullable: true }) until!: string | null;
  @Field(() => [String], { description: "Only on these days (holidays, YYYY-MM-DD); empty: every day from..until." }) days!: string[];
  @Field(() => String, { nullable: true }) segment!: string | null;
  @Field(() => [String]) countries!: string[];
  @Field(() => Int, { nullable: true, description: "Total points across members; null: no budget." }) budget!: number | null;
  @Field(() => Int, { description: "Points the budget has granted so far." }) used!: number;
  @Field(() => String, { description: "SCHEDULED, RUNNING, ENDED or SPENT (budget used up)." }) status!: string;
}

@ObjectType("MissionReport", { description: "A mission's completions and the points its reward granted." })
export class MissionReport {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field(() => String, { nullable: true }) until!: string | null;
  @Field(() => String, { nullable: true }) segment!: string | null;
  @Field(() => Int) completions!: number;
  @Field(() => Int) pointsGranted!: number;
  @Field(() => Date, { nullable: true }) lastCompletedAt!: Date | null;
}
