import { filter, map, pipe } from "@graphql-yoga/subscription";
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { lineCursor } from "@/server/domain/compensation/run.rules";
import type { CommissionLineRecord, PlanVersionRecord, RankReportRecord, RunRecord, RunSummary as RunSummaryRecord } from "@/server/domain/compensation/compensation.types";
import { requirePermission } from "@/server/domain/shared/access";
import { fromMinor } from "@/server/domain/shared/units";
import { eventBus } from "@/server/events/bus";
import { Topic, type CommissionRunProgressEvent } from "@/server/events/topics";
import type { Context } from "../../context";
import { badInput } from "../../errors";
import { connectionOfEdges, toConnection } from "../../shared/connection";
import { parseId, parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { SavePlanVersionInput } from "./compensation.input";
import {
  CommissionLine, CommissionLineConnection, CommissionPeriodTotal, CommissionRun, CommissionRunConnection, CommissionRunPayload, CommissionRunProgress,
  EstimatedEarnings, PlanVersion, PlanVersionPayload, RankReport, RunMode,
} from "./compensation.type";

const volume = (h: number) => (h / 100).toFixed(2);

function toVersion(v: PlanVersionRecord & { changes?: { path: string; before: unknown; after: unknown }[] }): PlanVersion {
  return {
    id: String(v.id), number: v.number, plan: v.document, comment: v.comment, authorId: v.authorId === null ? null : String(v.authorId),
    authorName: v.authorName, createdAt: v.createdAt, activeFrom: v.activeFrom.map((d) => new Date(d)), changes: v.changes ?? [],
  };
}

function toSummary(s: RunSummaryRecord | null, currency: string) {
  if (!s) return null;
  const money = (n: number) => fromMinor(n, currency);
  return {
    ...s,
    uncappedTotal: money(s.uncappedTotal),
    clawback: money(s.clawback),
    timings: s.timings ?? [],
    byBonus: s.byBonus.map((b) => ({ ...b, amount: money(b.amount) })),
    byRank: s.byRank.map((r) => ({ ...r, total: money(r.total), average: money(r.average) })),
    topEarners: s.topEarners.map((e) => ({ ...e, memberId: String(e.memberId), amount: money(e.amount) })),
    comparison: s.comparison
      ? {
          ...s.comparison,
          paid: money(s.comparison.paid), simulated: money(s.comparison.simulated),
          byRank: s.comparison.byRank.map((r) => ({ rank: r.rank, paidAverage: money(r.paidAverage), simulatedAverage: money(r.simulatedAverage) })),
          winners: s.comparison.winners.map((w) => ({ ...w, memberId: String(w.memberId), paid: money(w.paid), simulated: money(w.simulated) })),
          losers: s.comparison.losers.map((w) => ({ ...w, memberId: String(w.memberId), paid: money(w.paid), simulated: money(w.simulated) })),
        }
      : null,
  };
}

export function toRun(r: RunRecord): CommissionRun {
  return {
    ...r, id: String(r.id), periodId: String(r.periodId), planVersionId: String(r.planVersionId), mode: r.mode as RunMode, status: r.status as never,
    totalPaid: r.totalPaid === null ? null : fromMinor(r.totalPaid, r.currency), summary: toSummary(r.summary, r.currency) as never,
  };
}

const lineId = (l: CommissionLineRecord) => `${l.runId}:${l.periodId}:${l.memberId}:${l.bonusIndex}:${l.sourceMemberId ?? 0}:${l.level}`;

function toLine(l: CommissionLineRecord): CommissionLine {
  const e = l.explanation;
  return {
    ...l, id: lineId(l), runId: String(l.runId), periodId: String(l.periodId), memberId: String(l.memberId), kind: l.kind as never,
    sourceMemberId: l.sourceMemberId === null ? null : String(l.sourceMemberId), amount: fromMinor(l.amount, l.currency),
    explanation: {
      ...e, compressionPath: e.compressionPath.map(String), uncapped: fromMinor(e.uncapped, l.currency),
      binary: e.binary
        ? {
            left: volume(e.binary.left), right: volume(e.binary.right), carryInLeft: volume(e.binary.carryInLeft), carryInRight: volume(e.binary.carryInRight),
            matched: volume(e.binary.matched), cycles: e.binary.cycles, carryOutLeft: volume(e.binary.carryOutLeft), carryOutRight: volume(e.binary.carryOutRight), capped: e.binary.capped,
          }
        : null,
      board: e.board,
    },
  };
}

function toRankReport(r: RankReportRecord): RankReport {
  const ref = (name: string | null) => (name === null ? null : { name });
  return {
    ...r, memberId: String(r.memberId), periodId: String(r.periodId), paidAsRank: ref(r.paidAsRank), achievedRank: ref(r.achievedRank), nextRank: ref(r.nextRank),
    legs: r.legs.map((l) => ({ ...l, memberId: String(l.memberId) })),
  };
}

/** "2026-01-01T00:00:00.000Z|runId|memberId|bonusIndex|sourceMemberId|level" */
const LINE_CURSOR = /^\d{4}-\d\d-\d\dT[\d:.]+Z(\|\d{1,10}){5}$/;

@Resolver()
export class CompensationResolver {
  @Query(() => PlanVersion, { nullable: true, description: "The plan version in force for the current period." })
  async compensationPlan(@Ctx() ctx: Context) {
    requireViewer(ctx);
    const v = await compensationService.activePlan();
    return v && toVersion(v);
  }

  @Authorized("commissions.read")
  @Query(() => [PlanVersion], { description: "Every saved version, newest first, each with what changed since the one before." })
  async planVersions(@Ctx() ctx: Context) {
    return (await compensationService.planVersions(requireViewer(ctx))).map(toVersion);
  }

  @Authorized("plans.edit")
  @Mutation(() => PlanVersionPayload, { description: "Saves a new plan version (not yet active). An invalid plan gets one error per problem, its field the JSON path; nothing is saved." })
  savePlanVersion(@Arg("input", () => SavePlanVersionInput) input: SavePlanVersionInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("version", async () => toVersion(await compensationService.savePlanVersion(viewer, input.plan, input.comment ?? "")));
  }

  @Authorized("plans.edit")
  @Mutation(() => PlanVersionPayload, { description: "Puts a version in force from a period on (periods already paid keep theirs)." })
  activatePlanVersion(@Arg("id", () => ID) id: string, @Arg("fromPeriodId", () => ID) fromPeriodId: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("version", async () =>
      toVersion(await compensationService.activatePlanVersion(viewer, parseId(id, "id", "a plan version id")!, parseId(fromPeriodId, "fromPeriodId", "a period id")!)),
    );
  }

  @Authorized("commissions.run")
  @Mutation(() => CommissionRunPayload, { description: "Previews a (draft) plan version over a period and compares it with what was paid. Runs in the background: follow commissionRunProgress." })
  simulatePlan(@Arg("versionId", () => ID) versionId: string, @Arg("periodId", () => ID) periodId: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("run", async () =>
      toRun(await compensationService.startRun(viewer, parseId(periodId, "periodId", "a period id")!, "PREVIEW", parseId(versionId, "versionId", "a plan version id"))),
    );
  }

  @Authorized("commissions.run")
  @Mutation(() => CommissionRunPayload, { description: "Queues a run: PREVIEW (any period, writes nothing) or COMMIT (a closed period: pays what is still owed, once)." })
  startCommissionRun(@Arg("periodId", () => ID) periodId: string, @Arg("mode", () => RunMode) mode: RunMode, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("run", async () => toRun(await compensationService.startRun(viewer, parseId(periodId, "periodId", "a period id")!, mode)));
  }

  @Authorized("commissions.run")
  @Mutation(() => CommissionRunPayload, { description: "Runs a failed run again; it resumes where it stopped (a commit pays nothing twice). No other commit run can start while one has failed." })
  retryCommissionRun(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("run", async () => toRun(await compensationService.retryRun(viewer, parseId(id, "id", "a run id")!)));
  }

  @Authorized("commissions.read")
  @Query(() => CommissionRun)
  async commissionRun(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return toRun(await compensationService.run(requireViewer(ctx), parseId(id, "id", "a run id")!));
  }

  @Authorized("commissions.read")
  @Query(() => CommissionRunConnection, { description: "Newest first." })
  async commissionRuns(
    @Ctx() ctx: Context,
    @Arg("periodId", () => ID, { nullable: true }) periodId?: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first = 20,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = await compensationService.runs(requireViewer(ctx), { periodId: parseId(periodId, "periodId", "a period id") }, first, parseId(after, "after", "a run cursor"));
    return toConnection({ ...page, rows: page.rows.map(toRun) }, (r) => r.id);
  }

  @Query(() => CommissionLineConnection, { description: "Committed commission lines, newest period first (a member's period in the plan's order of bonuses, the nearest level first), each explained. Yours by default; admins may ask for anyone's, a period's or a run's." })
  async commissions(
    @Ctx() ctx: Context,
    @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null,
    @Arg("periodId", () => ID, { nullable: true }) periodId?: string | null,
    @Arg("runId", () => ID, { nullable: true }) runId?: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    if (after != null && !LINE_CURSOR.test(after)) throw badInput("after", "after is not a commission line cursor.");
    const page = await compensationService.commissions(
      requireViewer(ctx),
      { memberId: parseMemberId(memberId, "memberId"), periodId: parseId(periodId, "periodId", "a period id"), runId: parseId(runId, "runId", "a run id") },
      first,
      after ?? null,
    );
    return connectionOfEdges({
      ...page,
      rows: page.rows.map((l) => ({
        cursor: lineCursor(l),
        node: toLine(l),
      })),
    });
  }

  @Query(() => [CommissionPeriodTotal], { description: "A member's commissions per paid period (yours by default), newest first." })
  async commissionTotals(@Ctx() ctx: Context, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null) {
    const viewer = requireViewer(ctx);
    const rows = await compensationService.commissionTotals(viewer, parseMemberId(memberId, "memberId") ?? viewer.id);
    return rows.map((p) => ({
      periodId: String(p.periodId), startsAt: p.startsAt, currency: p.currency, total: fromMinor(p.total, p.currency),
      byBonus: p.byBonus.map((b) => ({ ...b, amount: fromMinor(b.amount, p.currency) })),
    }));
  }

  @Query(() => EstimatedEarnings, { description: "What you (or, for admins, a member) would earn in a period, the open one by default, if it were paid now." })
  async estimatedEarnings(@Ctx() ctx: Context, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null, @Arg("periodId", () => ID, { nullable: true }) periodId?: string | null) {
    const e = await compensationService.estimatedEarnings(requireViewer(ctx), parseMemberId(memberId, "memberId"), parseId(periodId, "periodId", "a period id"));
    return { ...e, periodId: String(e.periodId), total: fromMinor(e.total, e.currency), byBonus: e.byBonus.map((b) => ({ ...b, amount: fromMinor(b.amount, e.currency) })) };
  }

  @Query(() => RankReport, { description: "The rank card of a member (yours by default; your team's too) for a period, the open one by default, live as volumes change." })
  async rankReport(@Ctx() ctx: Context, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null, @Arg("periodId", () => ID, { nullable: true }) periodId?: string | null) {
    return toRankReport(await compensationService.rankReport(requireViewer(ctx), parseMemberId(memberId, "memberId"), parseId(periodId, "periodId", "a period id")));
  }

  @Subscription(() => CommissionRunProgress, {
    description: "A run's status and progress as it moves. Admins only.",
    subscribe: ({ args, context }) => {
      requirePermission(requireViewer(context as Context), "commissions.read", "commission runs");
      const runId = parseId(args.runId as string, "runId", "a run id")!;
      return pipe(
        eventBus().subscribe(Topic.CommissionRunProgress),
        filter((e: CommissionRunProgressEvent) => e.runId === runId),
        map((e: CommissionRunProgressEvent) => e),
      );
    },
  })
  commissionRunProgress(@Root() e: CommissionRunProgressEvent, @Arg("runId", () => ID) _runId: string): CommissionRunProgress {
    return { ...e, runId: String(e.runId), status: e.status as never };
  }
}
