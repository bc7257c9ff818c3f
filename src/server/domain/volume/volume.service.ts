import { formatHundredths } from "@/lib/money";
import { afterCommit, mapRead, type Read, transaction } from "@/server/db/unit-of-work";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { forbidden, notFound, requirePermission } from "@/server/domain/shared/access";
import { cached } from "@/server/domain/shared/cached";
import { fieldError } from "@/server/domain/shared/input.errors";
import { pageSize } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { publish } from "@/server/events/bus";
import { Topic, type VolumeChangedEvent } from "@/server/events/topics";
import { VolumeErrorCode } from "./volume.errors";
import { volumeRepository, type NewVolumeEntry } from "./volume.repository";
import { DEFAULT_VOLUME_CONFIG, periodBounds, previousPeriodStart, volumeConfigSchema, type VolumeConfig } from "./volume.rules";
import type { AppliedEntry, PeriodRecord, VolumeMismatch, VolumeTotalsRecord } from "./volume.types";

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

/** Entries per applier batch: at a rush, batches fill up to this; in quiet times each holds what one commit appended. */
const APPLY_BATCH = Number(process.env.VOLUME_APPLY_BATCH) || 2_000;

// How appended entries reach the applier: set by the job runner (an in-process loop that
// also sweeps every second for other instances' entries and a crashed batch's); tests
// apply explicitly. On globalThis: Next's module graph appends, server.ts's runs the loop.
const applierStore = globalThis as unknown as { __mlmVolumeApplier?: () => void };
export function setVolumeApplier(kick: (() => void) | null): void {
  applierStore.__mlmVolumeApplier = kick ?? undefined;
}
const kickApplier = () => applierStore.__mlmVolumeApplier?.();

// Period rows are created once and their bounds never change; the status may, so this
// only serves lookups by date (posting), never status checks.
const periodIds = new Map<string, { period: PeriodRecord; until: number }>();
// The period before another, looked up by its start (a few seconds, like periodIds; null too).
const previousPeriods = new Map<string, { period: PeriodRecord | null; until: number }>();

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
    const startsAt = previousPeriodStart(period.startsAt, period.kind);
    const key = `${period.kind}:${startsAt.toISOString()}`;
    const hit = previousPeriods.get(key);
    if (hit && hit.until > Date.now()) return hit.period;
    const previous = await volumeRepository.periodByStart(period.kind, startsAt);
    previousPeriods.set(key, { period: previous, until: Date.now() + 5_000 });
    return previous;
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
    // Its numbers final: every entry paid so far is in the totals first.
    await this.applyPending();
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
   * Appends an order's volume to the ledger inside the caller's transaction; the applier
   * folds it into the totals once that commits (and announces them). False when the key
   * was used before (nothing changes then).
   */
  async credit(
    ctx: PostingContext,
    e: { memberId: number; orderId: number; pv: number; bv: number; idempotencyKey: string },
  ): Promise<boolean> {
    return appendEntry({ periodId: ctx.period.id, memberId: e.memberId, orderId: e.orderId, pv: formatHundredths(e.pv), bv: formatHundredths(e.bv), reason: "ORDER_PAID", idempotencyKey: e.idempotencyKey });
  },

  /**
   * Takes back volume an order added: in the period it was credited to while that is
   * open, else in the prepared (current) period: a closed period's numbers have been
   * paid out on and stay as they were.
   */
  async reverse(
    ctx: PostingContext,
    e: { memberId: number; orderId: number; pv: number; bv: number; creditedPeriodId: number; reason: string; idempotencyKey: string },
  ): Promise<boolean> {
    const credited = await volumeRepository.findPeriod(e.creditedPeriodId);
    const period = credited?.status === "OPEN" ? credited : ctx.period;
    return appendEntry({ periodId: period.id, memberId: e.memberId, orderId: e.orderId, pv: formatHundredths(-e.pv), bv: formatHundredths(-e.bv), reason: e.reason, idempotencyKey: e.idempotencyKey });
  },

  /**
   * The applier, one batch: under the database-wide applier lock, takes up to `limit`
   * appended entries off the list, folds them into the totals in one set-based upsert and
   * writes their `volume.changed` webhook events, all in one transaction; once it commits,
   * publishes one `volumeUpdated` event per period. A crash anywhere rolls the whole batch
   * back (the entries stay listed): nothing is counted twice or lost. Returns how many
   * entries, "busy" when another applier holds the lock, or "early" when entries are
   * listed but the oldest has not waited `minAgeMs` yet.
   */
  async applyBatch(limit = APPLY_BATCH, minAgeMs = 0): Promise<number | "busy" | "early"> {
    const legs = await binaryLegs();
    return transaction(async () => {
      if (!(await volumeRepository.tryApplierLock())) return "busy";
      const entries = await volumeRepository.takePending(limit, minAgeMs);
      if (entries.length === 0) return minAgeMs > 0 && (await volumeRepository.anyPending()) ? "early" : 0;
      const ids = entries.map((e) => e.id);
      const totals = await volumeRepository.apply(ids, legs);
      await emitWebhooks(entries, totals, legs);
      const byPeriod = new Map<number, VolumeChangedEvent>();
      for (const t of totals) {
        let event = byPeriod.get(t.periodId);
        if (!event) byPeriod.set(t.periodId, (event = { periodId: t.periodId, orderIds: [], totals: {} }));
        event.totals[t.memberId] = t;
      }
      for (const e of entries) if (e.orderId != null) byPeriod.get(e.periodId)?.orderIds.push(e.orderId);
      afterCommit(() => {
        for (const event of byPeriod.values()) publish(Topic.VolumeChanged, event);
      });
      return entries.length;
    }, { lean: true });
  },

  /**
   * Applies everything appended so far, batch after batch; returns how many entries. When
   * another instance's applier is at work it waits for it, so on return every entry
   * committed before the call has been folded in (by one applier or the other).
   *
   * `waitForOther: false` (the background applier, kicked after each commit): when another
   * instance holds the lock, try once more a moment later and then leave the work to it.
   * The holder drains the list (it takes batches until none is left) and every instance
   * sweeps each second, so nothing waits longer than that. Waiting instead made the two
   * appliers of two instances take turns, batch after batch, each batch too small: the
   * ancestors' totals were written twice as often and two instances placed half the orders
   * of one.
   *
   * `minAgeMs` (the background applier): the first batch is taken only once the oldest
   * listed entry has waited that long. Each instance kicks its applier that long after its
   * own commits, so without it two instances' appliers alternated, each batch holding half
   * of what one instance's would (every ancestor's total written twice as often); with it a
   * batch gathers the same span of the rush whichever instance takes it, and an instance
   * whose kick comes early calls `early` (the background applier kicks itself again a
   * moment later) and returns.
   */
  async applyPending({ limit = APPLY_BATCH, waitForOther = true, minAgeMs = 0, early }: { limit?: number; waitForOther?: boolean; minAgeMs?: number; early?: () => void } = {}): Promise<number> {
    let total = 0;
    let busyTries = 0;
    const giveUpAt = Date.now() + 60_000;
    for (;;) {
      const n = await this.applyBatch(limit, total === 0 ? minAgeMs : 0);
      if (n === 0) return total;
      if (n === "early") {
        early?.();
        return total;
      }
      if (n === "busy") {
        if (!waitForOther && ++busyTries > 1) return total;
        if (Date.now() > giveUpAt) throw new Error("the volume applier of another instance held its lock for a minute");
        await new Promise((r) => setTimeout(r, 20));
      } else total += n;
    }
  },

  /** How far the totals are behind the ledger: entries not yet applied and the oldest one's time. */
  lag() {
    return volumeRepository.lag();
  },

  /** A member's totals in a period (the current one by default): the member, its upline and admins. */
  async summary(viewer: Viewer, memberId: number | null | undefined, periodId: number | null | undefined): Promise<VolumeTotalsRecord> {
    const id = memberId ?? viewer.id;
    if (!(await genealogyService.mayWatchTeam(viewer, id))) throw forbidden("this member's volume");
    const period = periodId != null ? await volumeRepository.findPeriod(periodId) : await this.currentPeriod();
    if (!period) throw notFound("Period");
    return (await volumeRepository.totals(id, period.id)) ?? zeroTotals(id, period.id);
  },

  /** A member's totals in a period (zero when it has none) as a read to run with others; the caller has checked access. */
  totalsRead(memberId: number, periodId: number): Read<VolumeTotalsRecord> {
    return mapRead(volumeRepository.totalsRead(memberId, periodId), (t) => t ?? zeroTotals(memberId, periodId));
  },

  async totalsOf(memberIds: readonly number[], periodId: number): Promise<Map<number, VolumeTotalsRecord>> {
    const rows = await volumeRepository.totalsOf(memberIds, periodId);
    const byId = new Map(rows.map((r) => [r.memberId, r]));
    return new Map(memberIds.map((id) => [id, byId.get(id) ?? zeroTotals(id, periodId)]));
  },

  /** Kept totals that differ from the ledger. */
  /** Kept totals, and per-day rollups (field "gv on 2026-12-01"), that differ from the ledger. */
  async check(limit = 100): Promise<VolumeMismatch[]> {
    const legs = await binaryLegs();
    const totals = await volumeRepository.mismatches(legs, limit);
    const days = await volumeRepository.dayMismatches(legs, limit);
    return [...totals, ...days.map(({ day, ...m }) => ({ ...m, field: `${m.field} on ${day}` }))].slice(0, limit);
  },

  async rebuild(): Promise<number> {
    const legs = await binaryLegs();
    return transaction(async () => {
      await volumeRepository.waitApplierLock();
      return volumeRepository.rebuild(legs);
    }, { timeout: 30 * 60_000 });
  },
};

/** Appends an entry and wakes the applier once the caller's transaction commits. */
async function appendEntry(entry: NewVolumeEntry): Promise<boolean> {
  const appended = await volumeRepository.append(entry);
  if (appended) afterCommit(kickApplier);
  return appended;
}

/**
 * One `volume.changed` webhook event per applied entry, with the totals (after this batch)
 * of the buyer and every upline member it reached; skipped unless an endpoint wants them.
 */
async function emitWebhooks(entries: readonly AppliedEntry[], totals: readonly VolumeTotalsRecord[], legs: boolean): Promise<void> {
  if (!(await webhookService.wanted("volume.changed"))) return;
  const reached = await volumeRepository.reached(entries.map((e) => e.id), legs);
  const byKey = new Map(totals.map((t) => [`${t.periodId}:${t.memberId}`, t]));
  await webhookService.emitMany("volume.changed", entries.map((e) => ({
    eventId: `volume.changed:${e.idempotencyKey}`,
    payload: {
      orderId: e.orderId, periodId: e.periodId, reason: e.reason, memberId: e.memberId, pv: e.pv, bv: e.bv, position: e.id,
      totals: (reached.get(e.id) ?? []).map((id) => byKey.get(`${e.periodId}:${id}`)).filter((t) => t != null)
        .map(({ memberId, pv, bv, gv, leftLeg, rightLeg }) => ({ memberId, pv, bv, gv, leftLeg, rightLeg })),
    },
  })));
}
