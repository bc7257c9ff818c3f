import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { forbidden } from "@/server/domain/shared/access";
import { volumeService } from "@/server/domain/volume/volume.service";
import type { PeriodRecord, VolumeTotalsRecord } from "@/server/domain/volume/volume.types";
import { keyedFeed } from "@/server/events/keyed-feed";
import { Topic } from "@/server/events/topics";
import type { Context } from "../../context";
import { badInput } from "../../errors";
import { toConnection } from "../../shared/connection";
import { parseId, parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { ClosePeriodPayload, Period, PeriodConnection, VolumeSummary, VolumeUpdate } from "./volume.type";

/** Each volume batch handed to the subscribers of the members it touched (not filtered by every subscriber). */
const volumeFeed = keyedFeed(Topic.VolumeChanged, (e) => e.totals);

/**
 * Totals (or some of them) with the leg fields named as the API names them. Object.assign,
 * not `{ ...t, leftLegVolume }`: on Node 20 a spread followed by properties the source
 * lacks costs about 1 µs per added property (the copy cannot take new properties without
 * a map change each time), against 0.1 µs for the whole assign; this runs for every row of
 * a downline page and every volume event of every subscriber.
 */
export const toSummary = <T extends { leftLeg: string; rightLeg: string }>(t: T): T & { leftLegVolume: string; rightLegVolume: string } =>
  Object.assign({}, t, { leftLegVolume: t.leftLeg, rightLegVolume: t.rightLeg });

@Resolver()
export class VolumeResolver {
  @Query(() => Period, { description: "The open period that holds today." })
  currentPeriod(@Ctx() ctx: Context): Promise<PeriodRecord> {
    requireViewer(ctx);
    return volumeService.currentPeriod();
  }

  @Query(() => PeriodConnection, { description: "Newest first; after is the endCursor of the page before." })
  async periods(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 12 }) first = 12,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    requireViewer(ctx);
    let before: Date | null = null;
    if (after) {
      before = new Date(after);
      if (Number.isNaN(before.getTime())) throw badInput("after", "after is not a period cursor.");
    }
    const connection = toConnection(await volumeService.periods(first, before), (p) => p.startsAt.toISOString());
    return { ...connection, hasNextPage: connection.pageInfo.hasNextPage, endCursor: connection.pageInfo.endCursor };
  }

  @Authorized("periods.manage")
  @Mutation(() => ClosePeriodPayload, { description: "Closes a period that has ended: later refunds of its orders are reversed in the period they happen in." })
  closePeriod(@Arg("periodId", () => ID) periodId: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("period", () => volumeService.closePeriod(viewer, parseId(periodId, "periodId", "a period id")!));
  }

  @Query(() => VolumeSummary, { description: "A member's volume (yours when memberId is left out) in a period (the current one when left out). The member, its upline and admins." })
  async volumeSummary(
    @Ctx() ctx: Context,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("periodId", () => ID, { nullable: true }) periodId?: string | null,
  ) {
    const viewer = requireViewer(ctx);
    return toSummary(await volumeService.summary(viewer, parseMemberId(memberId, "memberId"), parseId(periodId, "periodId", "a period id")));
  }

  @Subscription(() => VolumeUpdate, {
    description: "New PV, GV and leg volume of a member (you when left out) whenever an order in their organisation changes them. Allowed for the member, its upline and admins.",
    subscribe: async ({ args, context }) => {
      const viewer = requireViewer(context as Context);
      const memberId = parseMemberId(args.memberId as string | undefined, "memberId") ?? viewer.id;
      if (!(await genealogyService.mayWatchTeam(viewer, memberId))) throw forbidden("this member's volume");
      return volumeFeed(String(memberId));
    },
  })
  volumeUpdated(
    @Root() t: VolumeTotalsRecord & { orderId: number | null },
    @Arg("memberId", () => ID, { nullable: true }) _memberId?: string | null,
  ) {
    return toSummary(t);
  }
}
