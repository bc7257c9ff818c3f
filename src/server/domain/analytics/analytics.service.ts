import { db, type Read } from "@/server/db/unit-of-work";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { orderService } from "@/server/domain/order/order.service";
import { requirePermission } from "@/server/domain/shared/access";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { analyticsRepository } from "./analytics.repository";
import type { DashboardPart, DashboardRecord } from "./analytics.types";
import { gapWindow, sameElapsedMoment } from "./analytics.rules";

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** Reports: what the dashboards and the back office show. Reads only. */
export const analyticsService = {
  /**
   * A distributor's dashboard (the member's own, or one the viewer may see the team of):
   * this period's totals and where the last period stood after the same time, history per
   * period, team PV per day (refunds apart) for both periods and 12 weeks, the best legs
   * and recruits, team size and the latest orders. Only the `parts` asked for are read,
   * all in one round trip; the viewer's own record (`self`, read with their session)
   * saves reading the member first.
   */
  async dashboard(
    viewer: Viewer,
    memberId: number | null | undefined,
    opts: { now?: Date; self?: MemberRecord | null; parts?: ReadonlySet<DashboardPart> } = {},
  ): Promise<DashboardRecord> {
    const now = opts.now ?? new Date();
    const id = memberId ?? viewer.id;
    const member = await genealogyService.memberForTeam(viewer, id, opts.self); // FORBIDDEN for another line
    const want = (part: DashboardPart) => !opts.parts || opts.parts.has(part);
    const current = await volumeService.currentPeriod(now);
    const previous = want("lastPeriodSoFar") || want("daily") ? await volumeService.previousPeriod(current) : null;
    const weeksFrom = new Date(now.getTime() - 12 * WEEK_MS);
    const dailyFrom = previous?.startsAt ?? current.startsAt;
    const orders = want("recentOrders") ? await orderService.recentRead(viewer, id, 5) : undefined;

    const plan: [DashboardPart, Read<unknown>][] = [];
    const add = (part: DashboardPart, read: () => Read<unknown> | null | undefined) => {
      const r = want(part) ? read() : undefined;
      if (r) plan.push([part, r]);
    };
    add("volume", () => volumeService.totalsRead(id, current.id));
    add("lastPeriodSoFar", () => previous && analyticsRepository.volumeSoFarRead(member.id, previous.id, sameElapsedMoment(current, previous, now)));
    add("history", () => analyticsRepository.periodHistoryRead(id, current.kind, 12, now));
    add("daily", () => analyticsRepository.groupVolumeByDayRead(id, dailyFrom < weeksFrom ? dailyFrom : weeksFrom, now));
    add("topLegs", () => analyticsRepository.directsWithVolumeRead(id, current.id, "gv", 5));
    add("topRecruits", () => analyticsRepository.directsWithVolumeRead(id, current.id, "pv", 5));
    add("team", () => genealogyService.teamStatsRead(member, "SPONSOR", now));
    add("recentOrders", () => orders);
    const results = await db().all(plan.map(([, read]) => read));

    const record: DashboardRecord = { member, current, previous };
    if (want("lastPeriodSoFar")) record.lastPeriodSoFar = null;
    if (want("recentOrders")) record.recentOrders = null;
    plan.forEach(([part], i) => Object.assign(record, { [part]: results[i] }));
    return record;
  },

  /** The admins' overview: sales today and this period, company volume against where the last period stood after as long, countries, teams, gaps. */
  async companyOverview(viewer: Viewer, now = new Date()) {
    requirePermission(viewer, "analytics.read", "company reports");
    const config = await volumeService.config();
    // The plan in force says which PV levels matter (active, each rank's PV); the volume settings' list without one.
    const thresholds = (await compensationService.pvLevels()) ?? config.thresholds;
    const current = await volumeService.currentPeriod(now);
    const previous = await volumeService.previousPeriod(current);
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const [salesToday, salesPeriod, topProducts, recent, totals, lastTotals, byCountry, teams, gaps] = await Promise.all([
      analyticsRepository.salesBetween(today, now),
      analyticsRepository.salesBetween(current.startsAt, current.endsAt),
      analyticsRepository.topProducts(current.startsAt, current.endsAt, 8),
      orderService.list(viewer, {}, 10, null),
      analyticsRepository.companyVolume(current.id),
      previous ? analyticsRepository.companyVolumeSoFar(previous.id, sameElapsedMoment(current, previous, now)) : null,
      analyticsRepository.volumeByCountry(current.id),
      analyticsRepository.teamsWeekOverWeek(now, 10),
      Promise.all(thresholds.map(async (t) => {
        const { from, below } = gapWindow(t.pv, config.gapFraction);
        return { threshold: t, from, ...(await analyticsRepository.justBelow(current.id, from, below, 8)) };
      })),
    ]);
    return { current, previous, salesToday, salesPeriod, topProducts, recent: recent.rows, totals, lastTotals, byCountry, teams, gaps };
  },
};
