import { formatHundredths } from "@/lib/money";
import { afterCommit, transaction } from "@/server/db/unit-of-work";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { forbidden, notFound, requirePermission } from "@/server/domain/shared/access";
import { cached } from "@/server/domain/shared/cached";
import { fieldError } from "@/server/domain/shared/input.errors";
import { pageSize } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { publish } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { VolumeErrorCode } from "./volume.errors";
import { volumeRepository } from "./volume.repository";
import { DEFAULT_VOLUME_CONFIG, periodBounds, previousPeriodStart, volumeConfigSchema, type VolumeConfig } from "./volume.rules";
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
}, 5_000, "volume.volumeSetting");

// Period rows are created once and their bounds never change; the status may, so this
// only serves lookups by date (posting), never status checks.
const periodIds = new Map<string, { period: PeriodRecord; until: number }>();

export const volumeService = {
  /** The member's volume per period, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return volumeRepository.personalData(memberId);
  },

  config(): Promise<VolumeConfig> {
    return volumeSetting.get();
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
    return volumeRepository.periods(pageSize(first, 12), beforeStart);
  },

  /**
   * Closes a period that has ended (its numbers are final: later refunds of its orders
   * are reversed in the period they happen in). A running period cannot be closed, or new
   * payments would land in a closed period.
   */
  async closePeriod(viewer: Viewer, id: number, now = new Date()): Promise<PeriodRecord> {
    requirePermission(viewer, "periods.manage", "periods");
    const period = await volumeRepository.findPeriod(id);
    if (!period) throw notFound("Period");
    if (period.endsAt.getTime() > now.getTime()) {
      throw fieldError("periodId", VolumeErrorCode.PERIOD_RUNNING, `This period runs until ${period.endsAt.toISOString()}; close it after that.`);
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

  /**
   * Credits an order's volume inside the caller's transaction and announces the new
   * totals once it commits; a repeated key changes nothing (null).
   */
  async credit(
    ctx: PostingContext,
    e: { memberId: number; orderId: number; pv: number; bv: number; idempotencyKey: string },
  ): Promise<VolumeChange | null> {
    const totals = await volumeRepository.post(
      { periodId: ctx.period.id, memberId: e.memberId, orderId: e.orderId, pv: formatHundredths(e.pv), bv: formatHundredths(e.bv), reason: "ORDER_PAID", idempotencyKey: e.idempotencyKey },
      ctx.binaryLegs,
    );
    return announce(totals && { orderId: e.orderId, periodId: ctx.period.id, totals }, { ...e, reason: "ORDER_PAID" });
  },

  /**
   * Takes back volume an order added: in the period it was credited to while that is
   * open, else in the prepared (current) period: a closed period's numbers have been
   * paid out on and stay as they were.
   */
  async reverse(
    ctx: PostingContext,
    e: { memberId: number; orderId: number; pv: number; bv: number; creditedPeriodId: number; reason: string; idempotencyKey: string },
  ): Promise<VolumeChange | null> {
    const credited = await volumeRepository.findPeriod(e.creditedPeriodId);
    const period = credited?.status === "OPEN" ? credited : ctx.period;
    const totals = await volumeRepository.post(
      { periodId: period.id, memberId: e.memberId, orderId: e.orderId, pv: formatHundredths(-e.pv), bv: formatHundredths(-e.bv), reason: e.reason, idempotencyKey: e.idempotencyKey },
      ctx.binaryLegs,
    );
    return announce(totals && { orderId: e.orderId, periodId: period.id, totals }, { ...e, pv: -e.pv, bv: -e.bv });
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
    const legs = await binaryLegs();
    return transaction(() => volumeRepository.rebuild(legs), { timeout: 30 * 60_000 });
  },
};

/**
 * Announces changed totals once the transaction that made them commits (never if it
 * rolls back): one event per order, keyed by member, so each subscriber looks up its own;
 * and a `volume.changed` webhook event, written in the same transaction.
 */
async function announce(
  change: VolumeChange | null,
  posting: { memberId: number; pv: number; bv: number; reason: string; idempotencyKey: string },
): Promise<VolumeChange | null> {
  if (change && change.totals.length > 0) {
    afterCommit(() =>
      publish(Topic.VolumeChanged, {
        orderId: change.orderId,
        periodId: change.periodId,
        totals: Object.fromEntries(change.totals.map((t) => [t.memberId, t])),
      }),
    );
    await webhookService.emit("volume.changed", `volume.changed:${posting.idempotencyKey}`, {
      orderId: change.orderId, periodId: change.periodId, reason: posting.reason, memberId: posting.memberId,
      pv: formatHundredths(posting.pv), bv: formatHundredths(posting.bv),
      totals: change.totals.map(({ memberId, pv, bv, gv, leftLeg, rightLeg }) => ({ memberId, pv, bv, gv, leftLeg, rightLeg })),
    });
  }
  return change;
}
