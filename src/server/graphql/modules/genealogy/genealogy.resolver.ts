import { consume } from "@/server/auth/rate-limit";
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { relativeLevel } from "@/server/domain/genealogy/genealogy.rules";
import type { TeamStatsRecord } from "@/server/domain/genealogy/genealogy.types";
import { forbidden } from "@/server/domain/shared/access";
import { keyedFeed } from "@/server/events/keyed-feed";
import { Topic, type TeamChangedEvent } from "@/server/events/topics";
import type { Context } from "../../context";
import { connectionOfEdges } from "../../shared/connection";
import { parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { Member, MemberConnection } from "../member/member.type";
import { RegisterMemberInput } from "./genealogy.input";
import { GenealogyTree, RegisterMemberPayload, TeamEvent, TeamEventKind, TeamStats } from "./genealogy.type";

/**
 * Each sign-up handed to the subscribers of its sponsor and placement uplines (not filtered
 * by every subscriber: with 10,000 screens open, a sign-up wakes only its uplines' screens).
 */
const teamFeed = keyedFeed(Topic.TeamChanged, (e) => {
  const byUpline: Record<string, { memberId: number; event: TeamChangedEvent }> = {};
  for (const id of e.member.sponsorPath) byUpline[id] = { memberId: id, event: e };
  for (const id of e.member.placementPath) byUpline[id] ??= { memberId: id, event: e };
  return byUpline;
});

/** A team's numbers as the TeamStats type shows them. */
export const toTeamStats = (stats: TeamStatsRecord) => ({ ...stats, levels: stats.levels.map((l) => ({ level: l.level, count: l.count, newThisWeek: l.newSince })) });

@Resolver()
export class GenealogyResolver {
  @Mutation(() => RegisterMemberPayload, { description: "Public sign-up under a sponsor's referral code." })
  async registerMember(@Arg("input", () => RegisterMemberInput) input: RegisterMemberInput, @Ctx() ctx: Context) {
    await consume("signupPerIp", ctx.ip ?? "unknown", (wait) => `Too many sign-ups from your network; try again in ${wait}.`);
    return payload("member", () => genealogyService.enrol(input));
  }

  @Query(() => MemberConnection, { description: "The members below one member, breadth first. Yours when memberId is left out." })
  async downline(
    @Ctx() ctx: Context,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("maxDepth", () => Int, { nullable: true, description: "Levels to include; all when left out." }) maxDepth?: number | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("tree", () => GenealogyTree, { nullable: true, defaultValue: GenealogyTree.SPONSOR }) tree?: GenealogyTree | null,
  ) {
    const page = await genealogyService.downline(requireViewer(ctx), {
      memberId: parseMemberId(memberId, "memberId"),
      tree: tree ?? GenealogyTree.SPONSOR,
      maxDepth,
      first,
      after,
    }, ctx.self);
    return connectionOfEdges(page);
  }

  @Query(() => [Member], { description: "From the top of the tree down to the member's parent." })
  upline(
    @Ctx() ctx: Context,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("tree", () => GenealogyTree, { nullable: true, defaultValue: GenealogyTree.SPONSOR }) tree?: GenealogyTree | null,
  ) {
    return genealogyService.upline(requireViewer(ctx), parseMemberId(memberId, "memberId"), tree ?? GenealogyTree.SPONSOR);
  }

  @Query(() => TeamStats)
  async teamStats(
    @Ctx() ctx: Context,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("tree", () => GenealogyTree, { nullable: true, defaultValue: GenealogyTree.SPONSOR }) tree?: GenealogyTree | null,
  ) {
    return toTeamStats(await genealogyService.teamStats(requireViewer(ctx), parseMemberId(memberId, "memberId"), tree ?? GenealogyTree.SPONSOR));
  }

  @Subscription(() => TeamEvent, {
    description: "Fires when someone joins the member's downline (yours when memberId is left out). Allowed for the member, its upline and admins.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const viewer = requireViewer(ctx);
      const memberId = parseMemberId(args.memberId as string | undefined, "memberId") ?? viewer.id;
      if (!(await genealogyService.mayWatchTeam(viewer, memberId))) throw forbidden("this member's team");
      return teamFeed(String(memberId));
    },
  })
  teamChanged(
    @Root() root: { memberId: number; event: TeamChangedEvent },
    @Arg("memberId", () => ID, { nullable: true }) _memberId?: string | null,
  ) {
    const joined = root.event.member;
    return {
      kind: TeamEventKind.JOINED,
      memberId: root.memberId,
      member: { ...joined, joinedAt: new Date(joined.joinedAt) },
      sponsorLevel: relativeLevel(joined.sponsorPath, root.memberId),
      placementLevel: relativeLevel(joined.placementPath, root.memberId),
      occurredAt: new Date(joined.joinedAt),
    };
  }
}
