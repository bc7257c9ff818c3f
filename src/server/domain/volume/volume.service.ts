import { formatHundredths } from "@/lib/money";
import type { Tx } from "@/server/db/client";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import type { Viewer } from "@/server/domain/member/member.types";
import { forbidden, notFound } from "@/server/domain/shared/access.errors";
import { cached } from "@/server/domain/shared/cached";
import { fieldError } from "@/server/domain/shared/input.errors";
import { publish } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { volumeRepository } from "./volume.repository";
import { DEFAULT_VOLUME_CONFIG, gapWindow, periodBounds, previousPeriodStart, volumeConfigSchema, type VolumeConfig } from "./volume.rules";
import type { PeriodRecord, VolumeChange, VolumeTotalsRecord } from "./volume.types";

const zeroTotals = (memberId: number, periodId: number): VolumeTotalsRecord => ({
  memberId, periodId, pv: "0.00", bv: "0.00", gv: "0.00", leftLeg: "0.00", rightLeg: "0.00", revision: 0,
});

export interface PostingContext {
  period: PeriodRecord;
  binaryLegs: boolean;
}

async function binaryLegs(): Promise<boolean> {
  return (await genealogyService.placementConfig()).type === "BINARY";
}

const volumeSetting = cached(async (): Promise<VolumeConfig> => {
  const parsed = volumeConfigSchema.safeParse(await volumeRepository.configSetting());
  return parsed.success ? parsed.data : DEFAULT_VOLUME_CONFIG;
}, 5_000);

// Period rows are created once and their bounds never change; the status may, so this
// only serves lookups by date (posting), never status checks.
const periodIds = new Map<string, { period: PeriodRecord; until: number }>();

export const volumeService = {
  config(): Promise<VolumeConfig> {
    return volumeSetting.get();
  },

  async setConfig(config: VolumeConfig): Promise<VolumeConfig> {
    const valid = volumeConfigSchema.parse(config);
    await volumeRepository.saveConfigSetting(valid);
    volumeSetting.clear();
    periodIds.clear();
    return valid;
  },

  /** The period that holds `at` (created on first use). */
  async periodAt(at: Date): Promise<PeriodRecord> {
    const { periodKind } = await this.config();
    const b = periodBounds(at, periodKind);
    const key = `${periodKind}:${b.startsAt.toISOString()}`;
    const hit = periodIds.get(key);
    if (hit && hit.until > Date.now()) return hit.period;
    const period = await volumeRepository.ensurePeriod(periodKind, b.startsAt, b.endsAt);
    periodIds.set(key, { period, until: Date.now() + 5_000 });
    return period;
  },

  currentPeriod(now = new Date()): Promise<PeriodRecord> {
    return this.periodAt(now);
  },

  /** The period before `period`, if it exists. */
  async previousPeriod(period: PeriodRecord): Promise<PeriodRecord | null> {
    return volumeRepository.periodByStart(period.kind, previousPeriodStart(period.startsAt, period.kind));
  },

  findPeriod(id: number) {
    return volumeRepository.findPeriod(id);
  },

  periods(first: number, beforeStart: Date | null) {
    return volumeRepository.periods(Math.min(Math.max(first, 1), 200), beforeStart);
  },

  /**
   * Closes a period that has ended (its numbers are final: later refunds of its orders
   * are reversed in the period they happen in). A running period cannot be closed, or new
   * payments would land in a closed period.
   */
  async closePeriod(viewer: Viewer, id: number, now = new Date()): Promise<PeriodRecord> {
    if (viewer.role !== "ADMIN") throw forbidden("periods");
    const period = await volumeRepository.findPeriod(id);
    if (!period) throw notFound("Period");
    if (period.endsAt.getTime() > now.getTime()) {
      throw fieldError("periodId", "PERIOD_RUNNING", `This period runs until ${period.endsAt.toISOString()}; close it after that.`);
    }
    if (period.status === "CLOSED") return period;
    return volumeRepository.closePeriod(id);
  },

  /**
   * What posting volume at `at` needs, read before the transaction opens: the period of
   * that date (created on first use, so the first payment of a period does not make every
   * other one wait for its commit) and whether binary leg volume is kept. Embedded PGlite
   * has one connection, so nothing may query outside a transaction while one is open.
   */
  async prepare(at: Date): Promise<PostingContext> {
    return { period: await this.periodAt(at), binaryLegs: await binaryLegs() };
  },

  /** Credits an order's volume inside the caller's transaction; a repeated key changes nothing (null). */
  async credit(
    tx: Tx,
    ctx: PostingContext,
    e: { memberId: number; orderId: number; pv: number; bv: number; idempotencyKey: string },
  ): Promise<VolumeChange | null> {
    const totals = await volumeRepository.post(
      tx,
      { periodId: ctx.period.id, memberId: e.memberId, orderId: e.orderId, pv: formatHundredths(e.pv), bv: formatHundredths(e.bv), reason: "ORDER_PAID", idempotencyKey: e.idempotencyKey },
      ctx.binaryLegs,
    );
    return totals && { orderId: e.orderId, periodId: ctx.period.id, totals };
  },

  /**
   * Takes back volume an order added: in the period it was credited to while that is
   * open, else in the prepared (current) period: a closed period's numbers have been
   * paid out on and stay as they were.
   */
  async reverse(
    tx: Tx,
    ctx: PostingContext,
    e: { memberId: number; orderId: number; pv: number; bv: number; creditedPeriodId: number; reason: string; idempotencyKey: string },
  ): Promise<VolumeChange | null> {
    const credited = await volumeRepository.findPeriodIn(tx, e.creditedPeriodId);
    const period = credited?.status === "OPEN" ? credited : ctx.period;
    const totals = await volumeRepository.post(
      tx,
      { periodId: period.id, memberId: e.memberId, orderId: e.orderId, pv: formatHundredths(-e.pv), bv: formatHundredths(-e.bv), reason: e.reason, idempotencyKey: e.idempotencyKey },
      ctx.binaryLegs,
    );
    return totals && { orderId: e.orderId, periodId: period.id, totals };
  },

  /** Announces changed totals; call only after the transaction that made them commits. */
  publish(change: VolumeChange | null): void {
    if (!change || change.totals.length === 0) return;
    publish(Topic.VolumeChanged, {
      orderId: change.orderId,
      periodId: change.periodId,
      totals: Object.fromEntries(change.totals.map((t) => [t.memberId, t])),
    });
  },

  /** A member's totals in a period (the current one by default): the member, its upline and admins. */
  async summary(viewer: Viewer, memberId: number | null | undefined, periodId: number | null | undefined): Promise<VolumeTotalsRecord> {
    const id = memberId ?? viewer.id;
    if (!(await genealogyService.mayWatchTeam(viewer, id))) throw forbidden("this member's volume");
    const period = periodId != null ? await volumeRepository.findPeriod(periodId) : await this.currentPeriod();
    if (!period) throw notFound("Period");
    return (await volumeRepository.totals(id, period.id)) ?? zeroTotals(id, period.id);
  },

  async totalsOf(memberIds: readonly number[], periodId: number): Promise<Map<number, VolumeTotalsRecord>> {
    const rows = await volumeRepository.totalsOf(memberIds, periodId);
    const byId = new Map(rows.map((r) => [r.memberId, r]));
    return new Map(memberIds.map((id) => [id, byId.get(id) ?? zeroTotals(id, periodId)]));
  },

  /** Kept totals that differ from the ledger. */
  async check(limit = 100) {
    return volumeRepository.mismatches(await binaryLegs(), limit);
  },

  async rebuild(): Promise<number> {
    return volumeRepository.rebuild(await binaryLegs());
  },

  /**
   * What a distributor's dashboard shows about volume: this period and the one before,
   * history per period, team PV per day for both periods, and the best legs and recruits.
   */
  async dashboard(viewer: Viewer, memberId: number, now = new Date()) {
    const member = await genealogyService.memberForTeam(viewer, memberId); // FORBIDDEN for another line
    const current = await this.currentPeriod(now);
    const previous = await this.previousPeriod(current);
    const weeksFrom = new Date(now.getTime() - 12 * 7 * 24 * 3600 * 1000);
    const dailyFrom = previous?.startsAt ?? current.startsAt;
    const [thisPeriod, lastPeriod, history, byDay, topLegs, topRecruits] = await Promise.all([
      volumeRepository.totals(memberId, current.id).then((t) => t ?? zeroTotals(memberId, current.id)),
      previous ? volumeRepository.totals(memberId, previous.id).then((t) => t ?? zeroTotals(memberId, previous.id)) : zeroTotals(memberId, 0),
      volumeRepository.history(memberId, current.kind, 12),
      volumeRepository.groupVolumeByDay(memberId, member.sponsorDepth, dailyFrom < weeksFrom ? dailyFrom : weeksFrom, now),
      volumeRepository.directsWithVolume(memberId, current.id, "gv", 5),
      volumeRepository.directsWithVolume(memberId, current.id, "pv", 5),
    ]);
    return { current, previous, thisPeriod, lastPeriod, history, byDay, topLegs, topRecruits };
  },

  /** Company-wide volume for the admins' overview. */
  async companyOverview(viewer: Viewer, now = new Date()) {
    if (viewer.role !== "ADMIN") throw forbidden("company reports");
    const config = await this.config();
    const current = await this.currentPeriod(now);
    const previous = await this.previousPeriod(current);
    const [totals, lastTotals, byCountry, teams, gaps] = await Promise.all([
      volumeRepository.companyTotals(current.id),
      previous ? volumeRepository.companyTotals(previous.id) : Promise.resolve(null),
      volumeRepository.volumeByCountry(current.id),
      volumeRepository.teamsWeekOverWeek(now, 10),
      Promise.all(config.thresholds.map(async (t) => {
        const { from, below } = gapWindow(t.pv, config.gapFraction);
        return { threshold: t, from, ...(await volumeRepository.justBelow(current.id, from, below, 8)) };
      })),
    ]);
    return { current, previous, totals, lastTotals, byCountry, teams, gaps };
  },
};
