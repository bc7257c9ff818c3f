import { Arg, Ctx, ID, Info, Query, Resolver } from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import { analyticsService } from "@/server/domain/analytics/analytics.service";
import { DASHBOARD_PARTS, type DashboardPart } from "@/server/domain/analytics/analytics.types";
import type { Context } from "../../context";
import { parseMemberId } from "../../shared/ids";
import { selectedFields } from "../../shared/selection";
import { requireViewer } from "../../shared/viewer";
import { toSummary } from "../volume/volume.resolver";
import { Dashboard } from "./dashboard.type";

/** The dashboard's fields that are parts of its own (member and periods come with every answer). */
const PART_OF: Record<string, DashboardPart> = Object.fromEntries(DASHBOARD_PARTS.map((p) => [p, p]));

@Resolver(() => Dashboard)
export class DashboardResolver {
  @Query(() => Dashboard, {
    description: "A distributor's dashboard: yours when memberId is left out; the member's upline and admins may see it too (orders only with orders.read).",
  })
  async dashboard(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
  ) {
    const viewer = requireViewer(ctx);
    const parts = new Set([...selectedFields(info)].flatMap((f) => (PART_OF[f] ? [PART_OF[f]] : [])));
    const d = await analyticsService.dashboard(viewer, parseMemberId(memberId, "memberId"), { self: ctx.self, parts });
    return {
      member: d.member,
      period: d.current,
      previousPeriod: d.previous,
      volume: d.volume && toSummary(d.volume),
      lastPeriodSoFar: d.lastPeriodSoFar && { ...d.lastPeriodSoFar, leftLegVolume: d.lastPeriodSoFar.leftLeg, rightLegVolume: d.lastPeriodSoFar.rightLeg },
      history: d.history,
      daily: d.daily,
      topLegs: d.topLegs?.map((r) => ({ ...r, memberId: r.id })),
      topRecruits: d.topRecruits?.map((r) => ({ ...r, memberId: r.id })),
      team: d.team && { ...d.team, levels: d.team.levels.map((l) => ({ level: l.level, count: l.count, newThisWeek: l.newSince })) },
      recentOrders: d.recentOrders,
    };
  }
}
