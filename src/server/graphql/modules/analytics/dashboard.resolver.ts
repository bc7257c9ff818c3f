import { Arg, Ctx, ID, Info, Query, Resolver } from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import { analyticsService } from "@/server/domain/analytics/analytics.service";
import { DASHBOARD_PARTS, type DashboardPart } from "@/server/domain/analytics/analytics.types";
import type { Context } from "../../context";
import { parseMemberId } from "../../shared/ids";
import { selectedFields } from "../../shared/selection";
import { requireViewer } from "../../shared/viewer";
import { toTeamStats } from "../genealogy/genealogy.resolver";
import { toSummary } from "../volume/volume.resolver";
import { Dashboard } from "./dashboard.type";

/** Whether a selected field of Dashboard is a part read on request (member and periods come with every answer). */
const isPart = (field: string): field is DashboardPart => (DASHBOARD_PARTS as readonly string[]).includes(field);

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
    const parts = new Set([...selectedFields(info)].filter(isPart));
    const d = await analyticsService.dashboard(viewer, parseMemberId(memberId, "memberId"), { self: ctx.self, parts });
    return {
      member: d.member,
      period: d.current,
      previousPeriod: d.previous,
      volume: d.volume && toSummary(d.volume),
      lastPeriodSoFar: d.lastPeriodSoFar && toSummary(d.lastPeriodSoFar),
      history: d.history,
      daily: d.daily,
      topLegs: d.topLegs?.map((r) => Object.assign({}, r, { memberId: r.id })),
      topRecruits: d.topRecruits?.map((r) => Object.assign({}, r, { memberId: r.id })),
      team: d.team && toTeamStats(d.team),
      recentOrders: d.recentOrders,
    };
  }
}
