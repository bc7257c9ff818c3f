import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { LoyaltyErrorCode } from "@/server/domain/loyalty/loyalty.errors";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import type { RedemptionRecord, RewardRecord } from "@/server/domain/loyalty/loyalty.types";
import { notificationService } from "@/server/domain/notification/notification.service";
import { accessService } from "@/server/domain/access/access.service";
import { can } from "@/server/domain/shared/access";
import { fieldError } from "@/server/domain/shared/input.errors";
import { fromMinor, toMinor } from "@/server/domain/shared/units";
import { keyedFeed } from "@/server/events/keyed-feed";
import { Topic, type LoyaltySnapshot } from "@/server/events/topics";
import type { Context } from "../../context";
import { badInput } from "../../errors";
import { JSONScalar } from "../../shared/json";
import { toConnection } from "../../shared/connection";
import { parseId, parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { GrantPointsInput, RecordLoyaltyEventInput, RedeemRewardInput, RedemptionFilter, RewardFilter, RewardInput, SaveLoyaltyProgramInput } from "./loyalty.input";
import {
  BadgeDefinition, CheckoutPoints, LoyaltyAccount, LoyaltyCampaign, LoyaltySegment, Mission, MissionReport, LoyaltyEventPayload, LoyaltyProgramPayload, LoyaltyProgramVersion, LoyaltyReport, LoyaltyTier, NotificationList,
  PointsGrantPayload, PointsGrantProgress, PointsMonth, PointsMovementConnection, PointsUpdate, RedemptionConnection, RedemptionPayload,
  RedemptionStatus, Reward, RewardConnection, RewardPayload,
} from "./loyalty.type";

const movementCursor = (raw: string | null | undefined): string | null => {
  if (raw == null) return null;
  if (!/^\d{1,18}$/.test(raw)) throw badInput("after", "after is not a points history cursor.");
  return raw;
};

/** Each points change handed to the subscribers of the members it holds (as volume batches are). */
const pointsFeed = keyedFeed(Topic.PointsChanged, (e) => {
  const byMember: Record<string, LoyaltySnapshot> = {};
  for (const m of e.members) byMember[m.memberId] ??= m;
  return byMember;
});

const toReward = (r: RewardRecord) => ({
  ...r, id: String(r.id),
  cashbackAmount: r.cashbackAmount != null && r.cashbackCurrency ? fromMinor(r.cashbackAmount, r.cashbackCurrency) : null,
});
const toRedemption = (r: RedemptionRecord) => ({ ...r, id: String(r.id), rewardId: String(r.rewardId), memberId: String(r.memberId) });
const toVersion = (v: { id: number; document: unknown; authorId: number | null }) => ({ ...v, id: String(v.id), program: v.document, authorId: v.authorId == null ? null : String(v.authorId) });

/** A programme part from the API: an object, or null to remove; anything else is refused by field. */
function partOf(value: unknown, field: string): Record<string, unknown> | null {
  if (value == null) return null;
  if (typeof value !== "object" || Array.isArray(value)) throw fieldError(field, LoyaltyErrorCode.PROGRAM_INVALID, "An object in the programme's format, or null to remove.");
  return value as Record<string, unknown>;
}

@Resolver()
export class LoyaltyResolver {
  @Query(() => LoyaltyAccount, { description: "A member's points by type, tier and progress, and badges (yours when memberId is left out). The member and admins only." })
  async loyaltyAccount(@Ctx() ctx: Context, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null) {
    const viewer = requireViewer(ctx);
    const a = await loyaltyService.account(viewer, parseMemberId(memberId, "memberId") ?? viewer.id);
    return { ...a, memberId: String(a.memberId), customerId: null };
  }

  @Query(() => LoyaltyAccount, { description: "A retail customer's points, tier and badges: their distributor's, and staff who may read the distributor's points." })
  async customerLoyalty(@Ctx() ctx: Context, @Arg("customerId", () => ID) customerId: string) {
    const a = await loyaltyService.customerAccount(requireViewer(ctx), parseId(customerId, "customerId", "a customer id")!);
    return { ...a, memberId: String(a.memberId), customerId: String(a.customerId) };
  }

  @Query(() => CheckoutPoints, { nullable: true, description: "What points can pay of an order in this currency (null: they cannot), with the member's balance (yours when memberId is left out) or a retail customer's. The member and admins only." })
  async checkoutPoints(
    @Ctx() ctx: Context,
    @Arg("currency", () => String) currency: string,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("customerId", () => ID, { nullable: true, description: "A retail customer's points instead (their order is paid with their own points): their distributor and staff." }) customerId?: string | null,
  ) {
    const viewer = requireViewer(ctx);
    return loyaltyService.checkoutPoints(viewer, parseMemberId(memberId, "memberId") ?? viewer.id, currency, parseId(customerId, "customerId", "a customer id"));
  }

  @Query(() => PointsMovementConnection, { description: "A member's point movements, newest first: what was earned by which rule for which order or event, released, spent, expired or taken back." })
  async pointsHistory(
    @Ctx() ctx: Context,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("customerId", () => ID, { nullable: true, description: "A retail customer's movements instead (their distributor and staff)." }) customerId?: string | null,
  ) {
    const viewer = requireViewer(ctx);
    const page = customerId != null
      ? await loyaltyService.customerHistory(viewer, parseId(customerId, "customerId", "a customer id")!, first, movementCursor(after))
      : await loyaltyService.history(viewer, parseMemberId(memberId, "memberId") ?? viewer.id, first, movementCursor(after));
    return toConnection(page, (m) => m.id);
  }

  @Query(() => [LoyaltyTier], { description: "The programme's tiers, lowest first." })
  tiers(@Ctx() ctx: Context) {
    requireViewer(ctx);
    return loyaltyService.tiers();
  }

  @Query(() => [BadgeDefinition], { description: "The programme's badges and what earns them." })
  badges(@Ctx() ctx: Context) {
    requireViewer(ctx);
    return loyaltyService.badges();
  }

  @Query(() => [Mission], { description: "A member's missions (yours when memberId is left out): those running for them with progress per step, and those completed. The member and admins only." })
  missions(@Ctx() ctx: Context, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null) {
    const viewer = requireViewer(ctx);
    return loyaltyService.missions(viewer, parseMemberId(memberId, "memberId") ?? viewer.id);
  }

  @Authorized("loyalty.read")
  @Query(() => [LoyaltySegment], { description: "The programme's segments with how many members each holds now." })
  loyaltySegments(@Ctx() ctx: Context) {
    return loyaltyService.segments(requireViewer(ctx));
  }

  @Authorized("loyalty.read")
  @Query(() => [LoyaltyCampaign], { description: "Earning rules limited in time, to a segment or countries, or by a budget, with their status and budget used." })
  loyaltyCampaigns(@Ctx() ctx: Context) {
    return loyaltyService.campaigns(requireViewer(ctx));
  }

  @Authorized("loyalty.read")
  @Query(() => [MissionReport], { description: "Each mission's completions and the points its reward granted." })
  missionReport(@Ctx() ctx: Context) {
    return loyaltyService.missionReport(requireViewer(ctx));
  }

  @Query(() => RewardConnection, { description: "The rewards catalog. Pass filter.availableTo to see what a member may redeem now." })
  async rewards(
    @Ctx() ctx: Context,
    @Arg("filter", () => RewardFilter, { nullable: true }) f?: RewardFilter | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = await loyaltyService.rewards(
      requireViewer(ctx),
      { kind: f?.kind ?? null, availableTo: parseMemberId(f?.availableTo, "filter.availableTo"), includeInactive: f?.includeInactive ?? false },
      first,
      parseId(after, "after", "a reward cursor"),
    );
    return toConnection({ ...page, rows: page.rows.map(toReward) }, (r) => r.id);
  }

  @Query(() => Reward)
  async reward(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    return toReward(await loyaltyService.reward(requireViewer(ctx), parseId(id, "id", "a reward id")!));
  }

  @Query(() => RedemptionConnection, { description: "Newest first. Members see their own (filter.memberId); admins all (the fulfilment queue: filter status REQUESTED)." })
  async redemptions(
    @Ctx() ctx: Context,
    @Arg("filter", () => RedemptionFilter, { nullable: true }) f?: RedemptionFilter | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const viewer = requireViewer(ctx);
    const memberId = parseMemberId(f?.memberId, "filter.memberId") ?? (can(viewer, "loyalty.read") ? null : viewer.id);
    const page = await loyaltyService.redemptions(viewer, { memberId, status: f?.status ?? null, kind: f?.kind ?? null }, first, parseId(after, "after", "a redemption cursor"));
    return toConnection({ ...page, rows: page.rows.map(toRedemption) }, (r) => r.id);
  }

  @Authorized("loyalty.read")
  @Query(() => [LoyaltyProgramVersion], { description: "The programme's versions, newest (the one in force) first." })
  async loyaltyProgramVersions(@Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first = 20) {
    return (await loyaltyService.versions(requireViewer(ctx), Math.min(Math.max(first, 1), 100))).map(toVersion);
  }

  @Authorized("loyalty.read")
  @Query(() => LoyaltyReport, { description: "Points issued, redeemed, expired and outstanding per type; members per tier." })
  loyaltyReport(@Ctx() ctx: Context) {
    return loyaltyService.report(requireViewer(ctx));
  }

  @Query(() => [PointsMonth], { description: "Points earned and redeemed per month (a member's, or the company's for admins when memberId is left out)." })
  pointsByMonth(@Ctx() ctx: Context, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null, @Arg("months", () => Int, { nullable: true, defaultValue: 12 }) months = 12) {
    const viewer = requireViewer(ctx);
    const since = new Date();
    since.setUTCMonth(since.getUTCMonth() - Math.min(Math.max(months, 1), 60) + 1, 1);
    return loyaltyService.monthly(viewer, parseMemberId(memberId, "memberId") ?? (can(viewer, "loyalty.read") ? null : viewer.id), since);
  }

  @Authorized("loyalty.grant")
  @Query(() => PointsGrantProgress)
  pointsGrantProgress(@Ctx() ctx: Context, @Arg("grantId", () => ID) grantId: string) {
    return loyaltyService.grantProgress(requireViewer(ctx), grantId);
  }

  @Query(() => NotificationList, { description: "A member's in-app notifications, newest first by when each happened (yours when memberId is left out); before: the page after that notification." })
  async notifications(
    @Ctx() ctx: Context,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first = 20,
    @Arg("before", () => ID, { nullable: true }) before?: string | null,
  ) {
    const viewer = requireViewer(ctx);
    if (before != null && !/^\d{1,18}$/.test(before)) throw badInput("before", "before is not a notification id.");
    const { rows, unread } = await notificationService.list(viewer, parseMemberId(memberId, "memberId") ?? viewer.id, first, before ?? null);
    return { unread, nodes: rows };
  }

  @Mutation(() => Int, { description: "Marks notifications read (all, or the one with upToId and those listed after it); returns how many." })
  markNotificationsRead(@Ctx() ctx: Context, @Arg("upToId", () => ID, { nullable: true }) upToId?: string | null) {
    const viewer = requireViewer(ctx);
    if (upToId != null && !/^\d{1,18}$/.test(upToId)) throw badInput("upToId", "upToId is not a notification id.");
    return notificationService.markRead(viewer, viewer.id, upToId ?? null);
  }

  @Mutation(() => RedemptionPayload, { description: "Redeems a reward: points (oldest first), stock and the voucher or cashback together or not at all." })
  redeemReward(@Arg("input", () => RedeemRewardInput) input: RedeemRewardInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("redemption", async () => toRedemption(await loyaltyService.redeem(viewer, {
      rewardId: parseId(input.rewardId, "rewardId", "a reward id")!, idempotencyKey: input.idempotencyKey, memberId: parseMemberId(input.memberId, "memberId"),
    })));
  }

  @Authorized("loyalty.grant")
  @Mutation(() => LoyaltyEventPayload, { description: "A custom event from another system (a birthday, a training completed): applied at once by the programme's EVENT rules." })
  recordLoyaltyEvent(@Arg("input", () => RecordLoyaltyEventInput) input: RecordLoyaltyEventInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("event", () => loyaltyService.recordEvent(viewer, { ...input, memberId: parseMemberId(input.memberId, "memberId")! }));
  }

  @Authorized("loyalty.write")
  @Mutation(() => LoyaltyProgramPayload, { description: "Saves a new programme version; it applies from now on. An invalid document gets one error per problem, its field the JSON path." })
  saveLoyaltyProgram(@Arg("input", () => SaveLoyaltyProgramInput) input: SaveLoyaltyProgramInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("version", async () => toVersion(await loyaltyService.saveProgram(viewer, input.program, input.comment)));
  }

  @Authorized("loyalty.write")
  @Mutation(() => LoyaltyProgramPayload, { description: "Adds or changes (by code) one segment of the programme, or removes it when segment is null, as a new programme version. The segment is the programme format's segment object; errors name its fields (when.bought.withinDays)." })
  saveLoyaltySegment(@Arg("code", () => String) code: string, @Arg("segment", () => JSONScalar, { nullable: true }) segment: unknown, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("version", async () => toVersion(await loyaltyService.saveProgramPart(viewer, "segments", code, partOf(segment, "segment"))));
  }

  @Authorized("loyalty.write")
  @Mutation(() => LoyaltyProgramPayload, { description: "Adds or changes (by code) one earning rule of the programme (a campaign: dates, days, countries, tiers, segment, budget), or removes it when rule is null, as a new programme version. Errors name the rule's fields." })
  saveLoyaltyCampaign(@Arg("code", () => String) code: string, @Arg("rule", () => JSONScalar, { nullable: true }) rule: unknown, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("version", async () => toVersion(await loyaltyService.saveProgramPart(viewer, "earning", code, partOf(rule, "rule"))));
  }

  @Authorized("loyalty.write")
  @Mutation(() => RewardPayload, { description: "Creates or changes a reward." })
  saveReward(@Arg("input", () => RewardInput) input: RewardInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    const currency = input.cashbackCurrency?.toUpperCase() ?? null;
    return payload("reward", async () => toReward(await loyaltyService.saveReward(viewer, {
      ...input, id: parseId(input.id, "id", "a reward id"), cashbackCurrency: currency,
      cashbackAmount: input.cashbackAmount != null && currency ? toMinor(input.cashbackAmount, currency) : null,
    })));
  }

  @Authorized("loyalty.grant")
  @Mutation(() => PointsGrantPayload, { description: "Grants points to many members (a campaign) as one background job." })
  grantPoints(@Arg("input", () => GrantPointsInput) input: GrantPointsInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("grant", () => loyaltyService.grantPoints(viewer, {
      ...input, memberIds: input.memberIds?.map((id, i) => parseMemberId(id, `memberIds.${i}`)!) ?? null,
    }));
  }

  @Authorized("loyalty.grant")
  @Mutation(() => Int, { description: "Makes a member's (or everyone's) pending points active now, before the return window ends; returns how many grants." })
  releasePendingPoints(@Ctx() ctx: Context, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null) {
    return loyaltyService.releasePending(requireViewer(ctx), parseMemberId(memberId, "memberId"));
  }

  @Authorized("loyalty.grant")
  @Mutation(() => LoyaltyAccount, { description: "Sets a member's tier by hand; automatic downgrades never go below it. Null lifts the floor." })
  async setMemberTier(@Ctx() ctx: Context, @Arg("memberId", () => ID) memberId: string, @Arg("tier", () => String, { nullable: true }) tier?: string | null) {
    const a = await loyaltyService.setTier(requireViewer(ctx), parseMemberId(memberId, "memberId")!, tier ?? null);
    return { ...a, memberId: String(a.memberId) };
  }

  @Authorized("loyalty.write")
  @Mutation(() => RedemptionPayload, { description: "Moves a physical reward through fulfilment; CANCELLED gives the points and stock back." })
  advanceRedemption(@Arg("id", () => ID) id: string, @Arg("status", () => RedemptionStatus) status: RedemptionStatus, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("redemption", async () => toRedemption(await loyaltyService.advanceRedemption(viewer, parseId(id, "id", "a redemption id")!, status)));
  }

  @Subscription(() => PointsUpdate, {
    description: "A member's balances, pending points, tier progress and new badges whenever they change (yours when left out). The member and admins only.",
    subscribe: async ({ args, context }) => {
      const viewer = requireViewer(context as Context);
      const memberId = parseMemberId(args.memberId as string | undefined, "memberId") ?? viewer.id;
      await accessService.requireSelfOr(viewer, memberId, "loyalty.read", "these points");
      return pointsFeed(String(memberId));
    },
  })
  pointsUpdated(@Root() root: LoyaltySnapshot, @Arg("memberId", () => ID, { nullable: true }) _memberId?: string | null) {
    return { ...root, memberId: String(root.memberId), newBadges: root.newBadges.map((b) => ({ ...b, description: "", earnedAt: new Date(b.earnedAt) })) };
  }
}
