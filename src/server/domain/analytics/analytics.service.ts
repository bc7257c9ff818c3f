import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { orderService } from "@/server/domain/order/order.service";
import { requirePermission } from "@/server/domain/shared/access";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { analyticsRepository } from "./analytics.repository";
import { gapWindow, sameElapsedMoment } from "./analytics.rules";

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** Reports: what the dashboards and the back office show. Reads only. */
export const analyticsService = {
  /**
   * A distributor's volume dashboard: this period's totals and where the last period
   * stood after the same time, history per period, team PV per day (refunds apart) for
   * both periods and 12 weeks, and the best legs and recruits.
   */
  async memberDashboard(viewer: Viewer, memberId: number, now = new Date()) {
    const member = await genealogyService.memberForTeam(viewer, memberId); // FORBIDDEN for another line
    const current = await volumeService.currentPeriod(now);
    const previous = await volumeService.previousPeriod(current);
    const weeksFrom = new Date(now.getTime() - 12 * WEEK_MS);
    const dailyFrom = previous?.startsAt ?? current.startsAt;
    const [thisPeriod, lastPeriodSoFar, history, byDay, topLegs, topRecruits] = await Promise.all([
      volumeService.totalsOf([memberId], current.id).then((m) => m.get(memberId)!),
      previous ? analyticsRepository.volumeSoFar(member, previous.id, sameElapsedMoment(current, previous, now)) : null,
      analyticsRepository.periodHistory(memberId, current.kind, 12, now),
      analyticsRepository.groupVolumeByDay(memberId, member.sponsorDepth, dailyFrom < weeksFrom ? dailyFrom : weeksFrom, now),
      analyticsRepository.directsWithVolume(memberId, current.id, "gv", 5),
      analyticsRepository.directsWithVolume(memberId, current.id, "pv", 5),
    ]);
    return { current, previous, thisPeriod, lastPeriodSoFar, history, byDay, topLegs, topRecruits };
  },

  /** The admins' overview: sales today and this period, company volume against where the last period stood after as long, countries, teams, gaps. */
  async companyOverview(viewer: Viewer, now = new Date()) {
    requirePermission(viewer, "analytics.read", "company reports");
    const config = await volumeService.config();
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
      Promise.all(config.thresholds.map(async (t) => {
        const { from, below } = gapWindow(t.pv, config.gapFraction);
        return { threshold: t, from, ...(await analyticsRepository.justBelow(current.id, from, below, 8)) };
      })),
    ]);
    return { current, previous, salesToday, salesPeriod, topProducts, recent: recent.rows, totals, lastTotals, byCountry, teams, gaps };
  },
};
