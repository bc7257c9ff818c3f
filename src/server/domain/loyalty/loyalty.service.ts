import { randomBytes, randomUUID } from "node:crypto";
import { afterCommit, transaction, type TransactionOptions } from "@/server/db/unit-of-work";
import { accountKey, ledgerService } from "@/server/domain/ledger/ledger.service";
import type { AccountKind, NewTransaction } from "@/server/domain/ledger/ledger.types";
import { notificationService } from "@/server/domain/notification/notification.service";
import type { NewNotification } from "@/server/domain/notification/notification.types";
import { accessService } from "@/server/domain/access/access.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { can, forbidden, notFound, requirePermission } from "@/server/domain/shared/access";
import { cached } from "@/server/domain/shared/cached";
import { fieldError, FieldErrors, InputError } from "@/server/domain/shared/input.errors";
import { pageSize, toPage } from "@/server/domain/shared/page";
import { fromMinor, refundedShare, unitScale } from "@/server/domain/shared/units";
import { sign, verify } from "@/server/domain/shared/signature";
import { dayIn } from "@/server/domain/shared/calendar";
import { defaultCurrencyFor, hundredths } from "@/lib/money";
import type { Viewer } from "@/server/domain/shared/viewer";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { publish } from "@/server/events/bus";
import { Topic, type LoyaltySnapshot } from "@/server/events/topics";
import { LoyaltyErrorCode } from "./loyalty.errors";
import { APPLIER_SHARDS, loyaltyRepository as repo, type CashbackRow, type LotRow, type MemberState, type NewCashback, type NewLot, type StoredEvent } from "./loyalty.repository";
import {
  budgetOf, capOf, capped, capPeriodStart, cashbackGrants, checkoutQuote, checkoutTerms, type CheckoutTerms, nextRedemptionStatuses, evaluateTier, eventGrants, expiryOf, fixedGrants, missionComplete, missionProgress,
  missionsInPlay, missionWindow, newBadges, nextTier, orderGrants, releaseOf, segmentsInUse, takeOldestFirst, tierLevel, tierWindowStart,
  withinBudget, type EarnContext, type Grant, type TierCause,
} from "./loyalty.rules";
import { customerHolder, isCustomerHolder, ledgerOwner, type SponsoredPayload } from "./loyalty.types";
import type {
  CampaignRecord, LoyaltyAccount, ShareCard, ShareLink, LoyaltyEventInput, LoyaltyReport, MissionRecord, MissionReportRecord, NewLoyaltyEvent, SegmentRecord, OrderPaidPayload, OrderRefundedPayload, PointsBalance,
  ProgramVersionRecord, RedemptionRecord, RedemptionStatus, RewardFilter, RewardKind, RewardRecord,
} from "./loyalty.types";
import { parseProgram, programDiff, zoneOf, type MissionStep, type Program, type Segment } from "./program.rules";

const DAY_MS = 86_400_000;
/** An order's buyer: the member, and the retail customer it was placed for, if any. */
type Buyer = { memberId: number; customerId?: number | null };
/** Who an order's points go to (and come from at checkout): the retail customer it was placed for, else the member. */
const buyerOf = (order: Buyer) => (order.customerId != null ? customerHolder(order.customerId) : order.memberId);
/** The custom event a committed commission run sends when a member reaches a new rank (reserved: the API may not send it). */
export const RANK_EVENT = "rank_achieved";
/** Events applied per transaction: one ledger statement, one insert of lots. */
const BATCH = 500;
/**
 * The programme's transactions are SQL only: on PostgreSQL they skip Prisma (its query
 * compiler cost the applier about a seventh of its CPU per statement).
 */
const LEAN: TransactionOptions = { lean: true };

const programSetting = cached(async (): Promise<{ number: number; program: Program } | null> => {
  const v = await repo.latestVersion();
  if (!v) return null;
  const parsed = parseProgram(v.document);
  return parsed.program ? { number: v.number, program: parsed.program } : null;
}, 5_000, "loyalty.programSetting");

/** How many members each segment holds: a count over every member, so read at most once a minute (and after a programme change). */
const segmentCounts = cached(async (): Promise<Map<string, number>> => {
  const program = (await programSetting.get())?.program;
  const out = new Map<string, number>();
  for (const s of program?.segments ?? []) out.set(s.code, await repo.segmentCount(s, new Date()));
  return out;
}, 60_000, "loyalty.segmentCounts");

// How appended events reach the applier: set by the job runner (an in-process loop); tests
// apply explicitly. On globalThis: Next's module graph appends, server.ts's runs the loop.
const applierStore = globalThis as unknown as { __mlmLoyaltyApplier?: () => void };
export function setLoyaltyApplier(kick: (() => void) | null): void {
  applierStore.__mlmLoyaltyApplier = kick ?? undefined;
}
const kickApplier = () => applierStore.__mlmLoyaltyApplier?.();

// ---- ledger legs by account, resolved to ids when a batch is written ----

interface Leg {
  holder: number | null;
  kind: AccountKind;
  unit: string;
  amount: number;
  /** The leg's own memo, reference and time (a grant's leg in the batch's transaction of grants). */
  memo?: string;
  reference?: { type: string; id: string };
  at?: Date;
}
interface PendingTx {
  key: string;
  reason: string;
  reference: { type: string; id: string } | null;
  memo: string;
  at: Date;
  legs: Leg[];
}

const legKey = (l: { holder: number | null; kind: string; unit: string }) => `${l.holder ?? 0}:${l.kind}:${l.unit}`;

async function postLegs(txs: readonly PendingTx[]): Promise<void> {
  if (txs.length === 0) return;
  // Legs name holders; the ledger keeps members' and retail customers' accounts apart.
  const specs = new Map<string, { ownerId: number | null; customerId: number | null; kind: AccountKind; unit: string }>();
  for (const t of txs) for (const l of t.legs) specs.set(legKey(l), { ...ledgerOwner(l.holder), kind: l.kind, unit: l.unit });
  const ids = await ledgerService.accountIds([...specs.values()]);
  await ledgerService.postBatch(txs.map((t): NewTransaction => ({
    kind: "POSTED", key: t.key, reason: t.reason, reference: t.reference, memo: t.memo.slice(0, 500), at: t.at,
    postings: t.legs.map((l) => ({ accountId: ids.get(accountKey(specs.get(legKey(l))!))!, amount: l.amount, memo: l.memo?.slice(0, 500), reference: l.reference, at: l.at })),
  })));
}

/** Points from the company to a member's active or pending points (or back, negative). */
const earnLegs = (memberId: number, unit: string, points: number, bucket: "POINTS" | "POINTS_PENDING"): Leg[] => [
  { holder: null, kind: "POINTS_EXPENSE", unit, amount: -points },
  { holder: memberId, kind: bucket, unit, amount: points },
];

const plural = (n: number, what: string) => `${n.toLocaleString("en-US")} ${what}`;
const typeName = (p: Program, code: string) => p.pointTypes.find((t) => t.code === code)?.name.toLowerCase() ?? code.toLowerCase();

/** One member's grants from one event: the member's legs of the batch's transaction of grants. */
interface GrantPart {
  key: string;
  memo: string;
  reference: { type: string; id: string };
  at: Date;
  legs: Leg[];
}

/**
 * The batch's grants as one ledger transaction: a leg per member and event (its own memo,
 * reference and time, so the member's history says what each was for) and one company leg
 * per point type. One transaction instead of one per grant: a 500-event batch posted some
 * 500 transactions and twice as many legs, each with its index entries and key checks,
 * two fifths of the applier's database time. Idempotent as the grants are: a grant is its
 * lot (unique key, written in the same database transaction), and the key is the first
 * grant's, which only this batch can make.
 */
function grantsTx(b: Batch): PendingTx | null {
  const parts = [...b.grants.values()];
  if (parts.length === 0) return null;
  const legs: Leg[] = [];
  const company = new Map<string, number>();
  for (const p of parts) {
    for (const l of p.legs) {
      legs.push({ ...l, memo: p.memo, reference: p.reference, at: p.at });
      company.set(l.unit, (company.get(l.unit) ?? 0) - l.amount);
    }
  }
  for (const [unit, amount] of company) legs.push({ holder: null, kind: "POINTS_EXPENSE", unit, amount });
  const holders = new Set(parts.flatMap((p) => p.legs.map((l) => l.holder))).size;
  // One grant (an API event, a quiet moment): the transaction says what it is, as the leg does.
  const one = parts.length === 1 ? parts[0]! : null;
  return {
    key: `${parts[0]!.key}:batch`, reason: "POINTS_EARNED", reference: one?.reference ?? null, at: parts.at(-1)!.at, legs,
    memo: one?.memo ?? `Points earned: ${plural(parts.length, "grants")} to ${plural(holders, holders === 1 ? "member" : "members")}`,
  };
}

/** What one batch changes, written together at the end. */
class Batch {
  readonly txs: PendingTx[] = [];
  readonly newLots: NewLot[] = [];
  readonly dirty = new Map<string, LotRow>();
  readonly cashbacks: NewCashback[] = [];
  readonly cashbacksChanged = new Map<string, CashbackRow>();
  readonly notes: NewNotification[] = [];
  readonly touched = new Set<number>();
  readonly causes = new Map<number, TierCause>();
  readonly usage = new Map<string, number>();
  /** What each event earned each member (their legs, memo and reference), posted together by grantsTx(). */
  readonly grants = new Map<string, GrantPart>();
  /** Members of the segments the programme's rules use, as they were when the batch began. */
  segments = new Map<string, Set<number>>();
  /** Budgeted rules: what they granted before this batch plus in it, and what this batch added. */
  readonly budgetUsed = new Map<string, number>();
  readonly budgetAdded = new Map<string, number>();
  /** Whether the budgets' rows were locked when read (else the grants are checked as they are added). */
  budgetsLocked = true;
  /** Events this batch appends for other holders (what a first order or a sign-up does for the sponsor). */
  readonly derived: NewLoyaltyEvent[] = [];
  /** When each member last did something in this batch (mission completions are dated by it). */
  readonly lastAt = new Map<number, Date>();
  /** The order of each member's last event in this batch, when it was a paid order (what it unlocks is shown with it). */
  readonly lastOrder = new Map<number, number>();

  constructor(readonly program: Program, readonly now: Date, readonly members: Map<number, MemberState>) {}

  /** Points of a budgeted rule taken back (a refund): the campaign may grant them again. */
  budgetBack(rule: string, points: number): void {
    if (points <= 0 || budgetOf(this.program, rule) == null) return;
    this.budgetUsed.set(rule, (this.budgetUsed.get(rule) ?? 0) - points);
    this.budgetAdded.set(rule, (this.budgetAdded.get(rule) ?? 0) - points);
  }

  segmentsOf(memberId: number): Set<string> {
    const out = new Set<string>();
    for (const [code, ids] of this.segments) if (ids.has(memberId)) out.add(code);
    return out;
  }

  ctx(m: MemberState, at: Date): EarnContext {
    return { at, country: m.country, tier: m.tier, segments: this.segmentsOf(m.memberId), zone: zoneOf(this.program, m.country) };
  }

  member(id: number): MemberState {
    const m = this.members.get(id);
    if (!m) throw new Error(`member ${id} is not locked for this batch`);
    return m;
  }

  touch(lot: LotRow): void {
    this.dirty.set(lot.id, lot);
    this.touched.add(lot.memberId);
  }
}

const ALL_SHARDS = Array.from({ length: APPLIER_SHARDS }, (_, k) => k);

/** A batch granted beyond a budget another applier spent meanwhile (thrown to roll it back). */
class BudgetRace extends Error {
  constructor(readonly rules: string[]) {
    super(`loyalty budget spent meanwhile: ${rules.join(", ")}`);
  }
}

const budgetsOf = (p: Program): Map<string, number> => new Map(p.earning.flatMap((r) => (r.budget != null ? [[r.code, r.budget] as [string, number]] : [])));

const usageKey = (memberId: number, rule: string, since: Date) => `${memberId}:${rule}:${since.toISOString()}`;

/** Grants points for one rule to one member, within the rule's cap; returns the points granted. */
function grant(b: Batch, memberId: number, g: Grant, ev: StoredEvent, opts: { pending: boolean; referenceType: string; referenceId: string }): number {
  const cap = capOf(b.program, g.rule);
  let points = g.points;
  if (cap) {
    const key = usageKey(memberId, g.rule, capPeriodStart(ev.occurredAt, cap.per));
    const used = b.usage.get(key);
    if (used === undefined) throw new Error(`cap usage of ${key} was not read for this batch`);
    points = capped(points, cap, used);
    b.usage.set(key, used + points);
  }
  const budget = budgetOf(b.program, g.rule);
  if (budget != null) {
    const used = b.budgetUsed.get(g.rule) ?? 0;
    points = withinBudget(points, budget, used);
    b.budgetUsed.set(g.rule, used + points);
    b.budgetAdded.set(g.rule, (b.budgetAdded.get(g.rule) ?? 0) + points);
  }
  if (points <= 0) return 0;
  const key = `pts:${ev.key}:${g.rule}:${memberId}`;
  const at = ev.occurredAt;
  b.newLots.push({
    memberId, pointType: g.pointType, key, rule: g.rule, eventId: ev.id, referenceType: opts.referenceType, referenceId: opts.referenceId,
    description: `${g.ruleName}: ${g.detail}`, status: opts.pending ? "PENDING" : "ACTIVE", amount: points, earnedAt: at,
    releaseAt: opts.pending ? releaseOf(b.program, at) : null, expiresAt: opts.pending ? null : expiryOf(b.program, g.pointType, at),
  });
  // One leg per event, member and point type, however many rules granted: the lots keep each rule's part.
  const partKey = `pts:${ev.key}:${memberId}`;
  let part = b.grants.get(partKey);
  if (!part) b.grants.set(partKey, (part = { key: partKey, memo: "", reference: { type: opts.referenceType, id: opts.referenceId }, at, legs: [] }));
  part.memo += `${part.memo ? " · " : ""}${g.ruleName}: ${g.detail}${points < g.points ? ` (${budget != null ? "budget" : "capped"}: ${points})` : ""}`;
  const kind = opts.pending ? "POINTS_PENDING" : "POINTS";
  const same = part.legs.find((l) => l.kind === kind && l.unit === g.pointType);
  if (same) same.amount += points;
  else part.legs.push({ holder: memberId, kind, unit: g.pointType, amount: points });
  b.touched.add(memberId);
  return points;
}

/**
 * One batch of a shard's events in one transaction: its members locked, the events applied
 * in the order appended, everything written together; the events it appends for sponsors
 * are kicked to the applier after the commit.
 */
function applyShardBatch(program: Program | null, limit: number, now: Date, shard: number, lockBudgets: boolean): Promise<number> {
  return transaction(async () => {
    if (!(await repo.tryApplierLock(shard))) return 0;
    let events = await repo.unprocessedEvents(limit, now, shard);
    if (events.length === 0) return 0;
    if (!program) {
      await repo.markProcessed(events.map((e) => e.id), events.map(() => ({ skipped: "no loyalty programme" })), now);
      return events.length;
    }
    // A refund reads the lots its order earned from the database: the batch ends before a
    // refund of an order paid (or refunded) earlier in the same batch.
    const orders = new Set<number>();
    const cut = events.findIndex((e) => {
      const orderId = (e.payload as { orderId?: number }).orderId;
      if (e.type === "ORDER_REFUNDED" && orders.has(orderId!)) return true;
      if (orderId != null) orders.add(orderId);
      return false;
    });
    if (cut > 0) events = events.slice(0, cut);
    // The shard's own holders only (a sponsor's part is an event of the sponsor's).
    const members = await repo.lockMembers([...new Set(events.map((e) => e.memberId))]);
    const b = new Batch(program, now, members);
    await preloadUsage(b, events);
    const segments = segmentsInUse(program);
    if (segments.length) b.segments = await repo.segmentMembers(program.segments.filter((s) => segments.includes(s.code)), [...members.keys()], now);
    const budgeted = program.earning.filter((r) => r.budget != null).map((r) => r.code);
    b.budgetsLocked = lockBudgets;
    for (const [rule, used] of await repo.budgetsUsed(budgeted, lockBudgets)) b.budgetUsed.set(rule, used);
    const productIds = events.flatMap((e) => (e.type === "ORDER_PAID" ? (e.payload as unknown as OrderPaidPayload).lines.map((l) => l.productId) : []));
    const products = await repo.products(productIds);
    const outcomes: unknown[] = [];
    for (const ev of events) outcomes.push(ev.type === "ORDER_REFUNDED" ? await applyRefund(b, ev) : applyEvent(b, ev, products));
    // Processed first: missions count the batch's own orders and events.
    await repo.markProcessed(events.map((e) => e.id), outcomes, now);
    await repo.appendEvents(b.derived);
    if (b.derived.length) afterCommit(() => kickApplier());
    await writeBatch(b, { missions: true });
    return events.length;
  }, LEAN);
}

/** Applies one event (not a refund) to the batch; returns what it did, for the event's outcome. */
function applyEvent(b: Batch, ev: StoredEvent, products: Map<number, { category: string; labels: string[] }>): Record<string, unknown> {
  const m = b.member(ev.memberId);
  const ctx = b.ctx(m, ev.occurredAt);
  b.lastAt.set(m.memberId, ev.occurredAt);
  if (ev.type === "ORDER_PAID") b.lastOrder.set(m.memberId, (ev.payload as unknown as OrderPaidPayload).orderId);
  else if (ev.type !== "SPONSORED") b.lastOrder.delete(m.memberId);
  const granted: Record<string, number> = {};
  const cashback: Record<string, string> = {};
  const add = (memberId: number, grants: Grant[], opts: { pending: boolean; referenceType: string; referenceId: string }) => {
    for (const g of grants) {
      const n = grant(b, memberId, g, ev, opts);
      if (n > 0) granted[`${g.rule}${memberId === ev.memberId ? "" : `@${memberId}`}`] = n;
    }
  };
  switch (ev.type) {
    case "ORDER_PAID": {
      const p = ev.payload as unknown as OrderPaidPayload;
      const lines = p.lines.map((l) => ({ sku: l.sku, category: products.get(l.productId)?.category ?? "", labels: products.get(l.productId)?.labels ?? [], quantity: l.quantity, unitPrice: l.unitPrice }));
      add(ev.memberId, orderGrants(b.program, { currency: p.currency, lines, cashShare: p.cashShare }, ctx), { pending: b.program.pendingDays > 0, referenceType: "ORDER", referenceId: String(p.orderId) });
      // Cashback (members only: a retail customer has no wallet), paid when the return window passes.
      if (!isCustomerHolder(ev.memberId)) {
        for (const g of cashbackGrants(b.program, { currency: p.currency, lines, cashShare: p.cashShare }, ctx)) {
          const amount = Math.floor((g.amount * 10 ** unitScale(g.currency)) / 100 + 1e-9);
          if (amount <= 0) continue;
          b.cashbacks.push({ key: `cb:${ev.key}:${g.rule}`, memberId: ev.memberId, orderId: p.orderId, rule: g.rule, currency: g.currency, amount, earnedAt: ev.occurredAt, releaseAt: releaseOf(b.program, ev.occurredAt) });
          cashback[g.rule] = fromMinor(amount, g.currency);
          b.notes.push({ memberId: ev.memberId, kind: "CASHBACK", at: ev.occurredAt, title: `${g.currency} ${fromMinor(amount, g.currency)} cashback (pending)`, body: `${g.ruleName}: ${g.detail}, for order #${p.orderId}. It goes to your wallet when the return window has passed.` });
        }
      }
      m.paidOrders += 1;
      // A new month with a paid order (events come in time order; an older one counts nothing).
      const month = dayIn(ev.occurredAt, ctx.zone ?? "UTC").slice(0, 7);
      if (m.lastActiveMonth == null || month > m.lastActiveMonth) {
        m.activeMonths += 1;
        m.lastActiveMonth = month;
      }
      b.touched.add(m.memberId);
      if (m.paidOrders === 1) sponsored(b, ev, m, { of: "FIRST_ORDER", memberId: m.memberId, firstName: m.firstName, orderId: p.orderId });
      break;
    }
    case "SIGNUP": {
      add(ev.memberId, fixedGrants(b.program, "SIGNUP", ctx, "welcome to the programme"), { pending: false, referenceType: "MEMBER", referenceId: String(ev.memberId) });
      sponsored(b, ev, m, { of: "SIGNUP", memberId: m.memberId, firstName: m.firstName, orderId: null });
      break;
    }
    case "SPONSORED": {
      const p = sponsoredOf(ev);
      if (p.of === "FIRST_ORDER") {
        add(ev.memberId, fixedGrants(b.program, "REFERRAL", ctx, `${p.firstName}'s first order (#${p.orderId})`), { pending: false, referenceType: "MEMBER", referenceId: String(p.memberId) });
      } else {
        m.recruits += 1;
      }
      b.touched.add(m.memberId);
      break;
    }
    case "CUSTOM": {
      const p = ev.payload as { name: string; value: number | null; rank?: string; ranks?: string[] };
      if (p.name === RANK_EVENT && p.rank) {
        m.rank = p.rank;
        m.ranks = [...new Set([...m.ranks, ...(p.ranks ?? [p.rank])])];
        b.touched.add(m.memberId);
      }
      add(ev.memberId, eventGrants(b.program, p, ctx), { pending: false, referenceType: "EVENT", referenceId: ev.id });
      break;
    }
    case "GRANT": {
      const p = ev.payload as { pointType: string; points: number; reason: string; rule: string };
      if (b.program.pointTypes.some((t) => t.code === p.pointType)) {
        add(ev.memberId, [{ rule: p.rule, ruleName: p.reason, pointType: p.pointType, points: p.points, detail: "granted by the company" }], { pending: false, referenceType: "GRANT", referenceId: ev.key.split(":").slice(0, 2).join(":") });
      }
      break;
    }
    default:
      return { skipped: `unknown event type ${ev.type}` };
  }
  const total = Object.values(granted).reduce((s, n) => s + n, 0);
  if (total > 0 && ev.type === "GRANT") {
    b.notes.push({ memberId: ev.memberId, kind: "POINTS_EARNED", at: ev.occurredAt, title: `+${plural(total, "points")}`, body: (ev.payload as { reason: string }).reason });
  } else if (total > 0) {
    const own = Object.entries(granted).filter(([k]) => !k.includes("@"));
    if (own.length) {
      const pending = ev.type === "ORDER_PAID" && b.program.pendingDays > 0;
      b.notes.push({
        memberId: ev.memberId, kind: "POINTS_EARNED", at: ev.occurredAt, title: `+${plural(own.reduce((s, [, n]) => s + n, 0), "points")}${pending ? " (pending)" : ""}`,
        body: ev.type === "ORDER_PAID"
          ? `For order #${(ev.payload as unknown as OrderPaidPayload).orderId}.${pending ? ` They become active after the ${b.program.pendingDays}-day return window.` : ""}`
          : ev.type === "SIGNUP" ? "Welcome to the programme."
          : ev.type === "SPONSORED" ? `For ${sponsoredOf(ev).firstName}'s first order (#${sponsoredOf(ev).orderId}).`
          : `For ${(ev.payload as { name: string }).name.replace(/_/g, " ")}.`,
      });
    }
  }
  return Object.keys(cashback).length ? { granted, cashback } : { granted };
}

/** A SPONSORED event's payload. */
const sponsoredOf = (ev: StoredEvent): SponsoredPayload => ev.payload as unknown as SponsoredPayload;

/**
 * What a member's first order or sign-up does for their sponsor, as an event of the
 * sponsor's: applied by the sponsor's shard, so a batch only ever locks and writes its own
 * holders (the shards never wait for each other's members). Keyed by the event that caused
 * it: appended once.
 */
function sponsored(b: Batch, ev: StoredEvent, m: MemberState, payload: SponsoredPayload): void {
  if (m.sponsorId == null || isCustomerHolder(m.memberId)) return;
  b.derived.push({ key: `${ev.key}:sponsor`, memberId: m.sponsorId, occurredAt: ev.occurredAt, event: { type: "SPONSORED", payload } });
}

/** Takes back what a refunded order earned: pending points first, then active ones (the order's own, then the oldest). */
async function applyRefund(b: Batch, ev: StoredEvent): Promise<Record<string, unknown>> {
  const p = ev.payload as unknown as OrderRefundedPayload;
  const lots = (await repo.lotsOfOrder(p.orderId)).map((l) => b.dirty.get(l.id) ?? l);
  const taken: Record<string, number> = {};
  let unrecovered = 0;
  for (const lot of lots) {
    const x = refundedShare(lot.amount, lot.reversed, p.refunded, p.total);
    if (x <= 0) continue;
    const key = `pts:${ev.key}:${lot.id}`;
    const reference = { type: "ORDER", id: String(p.orderId) };
    const memo = `Order #${p.orderId} refunded: points it earned taken back`;
    b.causes.set(lot.memberId, { type: "REFUND", earnedAt: lot.earnedAt });
    if (lot.status === "PENDING") {
      lot.reversed += x;
      b.touch(lot);
      b.txs.push({ key, reason: "POINTS_REVERSED", reference, memo, at: ev.occurredAt, legs: earnLegs(lot.memberId, lot.pointType, -x, "POINTS_PENDING") });
      taken[lot.pointType] = (taken[lot.pointType] ?? 0) + x;
      b.budgetBack(lot.rule, x);
      continue;
    }
    // Active: from this lot first, then the member's oldest; never below zero.
    const own = Math.min(lot.remaining, x);
    lot.remaining -= own;
    lot.reversed += own;
    if (lot.remaining === 0) lot.status = "CLOSED";
    b.touch(lot);
    let got = own;
    if (own < x) {
      const others = (await repo.openLots(lot.memberId, lot.pointType)).filter((o) => o.id !== lot.id).map((o) => b.dirty.get(o.id) ?? o);
      const { taken: from, short } = takeOldestFirst(others, x - own);
      for (const t of from) {
        const o = others.find((l) => l.id === t.id)!;
        o.remaining -= t.points;
        o.reversed += t.points;
        if (o.remaining === 0) o.status = "CLOSED";
        b.touch(o);
        got += t.points;
      }
      unrecovered += short;
    }
    if (got > 0) b.txs.push({ key, reason: "POINTS_REVERSED", reference, memo, at: ev.occurredAt, legs: earnLegs(lot.memberId, lot.pointType, -got, "POINTS") });
    taken[lot.pointType] = (taken[lot.pointType] ?? 0) + got;
    b.budgetBack(lot.rule, got);
  }
  const total = Object.values(taken).reduce((s, n) => s + n, 0);
  if (total > 0) b.notes.push({ memberId: ev.memberId, kind: "POINTS_EARNED", at: ev.occurredAt, title: `−${plural(total, "points")}`, body: `Order #${p.orderId} was refunded: the points it earned were taken back.` });
  // Refunded in full: the order no longer counts as a paid order (the next order badge waits
  // for it; badges already earned stay, as milestones do).
  if (p.refunded >= p.total) {
    const m = b.member(ev.memberId);
    if (m.paidOrders > 0) {
      m.paidOrders -= 1;
      b.touched.add(m.memberId);
    }
  }
  // Cashback not paid yet shrinks with the refund; cashback already paid (the window had passed) stays.
  const cashbackTaken: Record<string, string> = {};
  for (const c of (await repo.pendingCashbacksOfOrder(p.orderId)).map((c) => b.cashbacksChanged.get(c.id) ?? c)) {
    const x = refundedShare(c.amount, c.reversed, p.refunded, p.total);
    if (x <= 0) continue;
    c.reversed += x;
    if (c.reversed >= c.amount) c.status = "CANCELLED";
    b.cashbacksChanged.set(c.id, c);
    cashbackTaken[c.rule] = fromMinor(x, c.currency);
  }
  return { reversed: taken, ...(Object.keys(cashbackTaken).length ? { cashbackReversed: cashbackTaken } : {}), ...(unrecovered ? { unrecovered } : {}) };
}

/** Tier and badges of the touched members from their earned points as written; notes what changed. */
async function settleMembers(b: Batch): Promise<{ awards: { memberId: number; badge: string; earnedAt: Date }[]; earned: Map<number, { window: number; byType: Record<string, number> }> }> {
  const ids = [...b.touched];
  if (ids.length === 0) return { awards: [], earned: new Map() };
  const p = b.program;
  const earned = await repo.earned(ids, p.tiers?.basis ?? null, tierWindowStart(p, b.now));
  const have = new Map<number, Set<string>>();
  for (const a of await repo.badgesOf(ids)) {
    if (!have.has(a.memberId)) have.set(a.memberId, new Set());
    have.get(a.memberId)!.add(a.badge);
  }
  const awards: { memberId: number; badge: string; earnedAt: Date }[] = [];
  const unlocks: { memberId: number; orderId: number; kind: "BADGE" | "TIER"; code: string; at: Date }[] = [];
  for (const id of ids) {
    const m = b.member(id);
    const e = earned.get(id)!;
    const orderId = b.lastOrder.get(id);
    if (p.tiers) {
      const before = m.tier;
      Object.assign(m, evaluateTier(p, m, e.window, b.causes.get(id) ?? { type: "CHANGE" }, b.now));
      if (m.tier && orderId != null && (p.tiers.levels.findIndex((l) => l.code === m.tier) > p.tiers.levels.findIndex((l) => l.code === before))) {
        unlocks.push({ memberId: id, orderId, kind: "TIER", code: m.tier, at: b.now });
      }
      if (m.tier !== before) {
        const level = tierLevel(p, m.tier);
        b.notes.push({
          memberId: id, kind: "TIER_CHANGED", at: b.now, title: level ? `You are ${level.name} now` : "Your tier has ended",
          body: level ? `${level.benefits.join(" · ") || "Enjoy your new benefits."}` : `Your ${tierLevel(p, before)?.name ?? before} tier ended.`,
        });
      }
    }
    for (const badge of newBadges(p, { orders: m.paidOrders, recruits: m.recruits, activeMonths: m.activeMonths, tier: m.tier, earnedByType: e.byType, ranks: m.ranks }, have.get(id) ?? new Set())) {
      awards.push({ memberId: id, badge: badge.code, earnedAt: b.now });
      if (orderId != null) unlocks.push({ memberId: id, orderId, kind: "BADGE", code: badge.code, at: b.now });
      b.notes.push({ memberId: id, kind: "BADGE_EARNED", at: b.now, title: `Badge: ${badge.name}`, body: badge.description || badge.name });
    }
  }
  await repo.saveMembers(ids.map((id) => b.member(id)));
  await repo.insertBadges(awards);
  await repo.insertUnlocks(unlocks);
  return { awards, earned };
}

/**
 * Missions the batch's activity completed, for the members who did something in it: each
 * one's counts in each mission's window, read after the batch's events and lots are
 * written; a completion is recorded once, and its reward is a lot and a ledger
 * transaction keyed by mission and member.
 */
async function completeMissions(b: Batch): Promise<void> {
  const ids = [...b.lastAt.keys()].filter((id) => !isCustomerHolder(id)); // missions are members' (steps count their orders and recruits)
  if (ids.length === 0 || b.program.missions.length === 0) return;
  const done = new Set((await repo.completions(ids)).map((c) => `${c.memberId}:${c.mission}`));
  // By mission and time zone: a mission's window is each member's local days (a LOCAL calendar).
  const candidates = new Map<string, { code: string; zone: string; members: number[] }>();
  for (const id of ids) {
    const zone = zoneOf(b.program, b.member(id).country);
    for (const mission of missionsInPlay(b.program, b.lastAt.get(id) ?? b.now, b.segmentsOf(id), zone)) {
      if (done.has(`${id}:${mission.code}`)) continue;
      const k = `${mission.code} ${zone}`;
      if (!candidates.has(k)) candidates.set(k, { code: mission.code, zone, members: [] });
      candidates.get(k)!.members.push(id);
    }
  }
  const completions: { memberId: number; mission: string; completedAt: Date }[] = [];
  const txs: PendingTx[] = [];
  const lots: NewLot[] = [];
  for (const { code, zone, members } of candidates.values()) {
    const mission = b.program.missions.find((m) => m.code === code)!;
    const { since, until } = missionWindow(mission, zone);
    for (const [memberId, counts] of await repo.activity(members, since, until)) {
      if (!missionComplete(mission, counts)) continue;
      const at = b.lastAt.get(memberId) ?? b.now;
      const key = `mission:${code}:${memberId}`;
      const { pointType, points } = mission.reward;
      completions.push({ memberId, mission: code, completedAt: at });
      b.touched.add(memberId);
      lots.push({ memberId, pointType, key, rule: `MISSION:${code}`, eventId: null, referenceType: "MISSION", referenceId: code, description: `Mission: ${mission.name}`,
        status: "ACTIVE", amount: points, earnedAt: at, releaseAt: null, expiresAt: expiryOf(b.program, pointType, at) });
      txs.push({ key, reason: "POINTS_EARNED", reference: { type: "MISSION", id: code }, memo: `Mission completed: ${mission.name}`, at, legs: earnLegs(memberId, pointType, points, "POINTS") });
      b.notes.push({ memberId, kind: "POINTS_EARNED", at, title: `Mission completed: ${mission.name}`, body: `+${plural(points, typeName(b.program, pointType))}.` });
    }
  }
  await repo.insertCompletions(completions);
  b.txs.push(...txs);
  await insertLots(lots);
}

/** Writes new lots and, in the same transaction, a `points.earned` webhook event for each (when an endpoint wants them). */
async function insertLots(lots: readonly NewLot[]): Promise<void> {
  await repo.insertLots(lots);
  if (lots.length === 0 || !(await webhookService.wanted("points.earned"))) return; // no endpoint wants them: no payloads to build
  await webhookService.emitMany("points.earned", lots.map((l) => ({
    eventId: `points.earned:${l.key}`,
    payload: {
      ...(isCustomerHolder(l.memberId) ? { memberId: null, customerId: -l.memberId } : { memberId: l.memberId, customerId: null }), pointType: l.pointType, points: l.amount, status: l.status, rule: l.rule, referenceType: l.referenceType, referenceId: l.referenceId,
      earnedAt: l.earnedAt.toISOString(), releaseAt: l.releaseAt?.toISOString() ?? null, expiresAt: l.expiresAt?.toISOString() ?? null,
    },
  })));
}

/**
 * Takes `points` from the member's active lots, oldest first (lots locked by openLots);
 * false, with nothing taken, when they hold fewer.
 */
async function takePoints(memberId: number, pointType: string, points: number): Promise<{ ok: true } | { ok: false; have: number }> {
  const lots = await repo.openLots(memberId, pointType);
  const { taken, short } = takeOldestFirst(lots, points);
  if (short > 0) return { ok: false, have: points - short };
  for (const t of taken) {
    const lot = lots.find((l) => l.id === t.id)!;
    lot.remaining -= t.points;
    lot.redeemed += t.points;
    if (lot.remaining === 0) lot.status = "CLOSED";
  }
  await repo.saveLots(lots.filter((l) => taken.some((t) => t.id === l.id)));
  return { ok: true };
}

/** Points spent coming back (a cancelled redemption, a refunded order paid with points): a new active lot and its ledger transaction. */
function givePointsBack(b: Batch, g: { memberId: number; pointType: string; points: number; key: string; rule: string; reference: { type: string; id: string }; memo: string }): void {
  b.newLots.push({
    memberId: g.memberId, pointType: g.pointType, key: g.key, rule: g.rule, eventId: null, referenceType: g.reference.type, referenceId: g.reference.id,
    description: g.memo, status: "ACTIVE", amount: g.points, earnedAt: b.now, releaseAt: null, expiresAt: expiryOf(b.program, g.pointType, b.now),
  });
  b.txs.push({
    key: g.key, reason: "POINTS_REFUNDED", reference: g.reference, memo: g.memo, at: b.now,
    legs: [{ holder: null, kind: "POINTS_REDEEMED", unit: g.pointType, amount: -g.points }, { holder: g.memberId, kind: "POINTS", unit: g.pointType, amount: g.points }],
  });
  b.touched.add(g.memberId);
}

/** Pays cashback whose return window has passed: what refunds left of it, from the company's cashback account to the member's wallet. */
function payCashbacks(b: Batch, due: readonly CashbackRow[]): void {
  for (const c of due) {
    const pay = c.amount - c.reversed;
    c.status = pay > 0 ? "PAID" : "CANCELLED";
    b.cashbacksChanged.set(c.id, c);
    if (pay <= 0) continue;
    const name = b.program.earning.find((r) => r.code === c.rule)?.name ?? c.rule;
    b.txs.push({
      key: `cashback:${c.id}`, reason: "LOYALTY_CASHBACK", reference: { type: "ORDER", id: String(c.orderId) }, memo: `${name}: cashback for order #${c.orderId}`, at: b.now,
      legs: [{ holder: null, kind: "LOYALTY_CASHBACK", unit: c.currency, amount: -pay }, { holder: c.memberId, kind: "WALLET", unit: c.currency, amount: pay }],
    });
    b.notes.push({ memberId: c.memberId, kind: "CASHBACK", at: b.now, title: `${c.currency} ${fromMinor(pay, c.currency)} cashback is in your wallet`, body: `${name}, for order #${c.orderId}.` });
  }
}

/**
 * Writes a batch: lots, budgets, missions, tiers and badges, notes, then the ledger (one
 * statement, last: the company's points accounts it moves stay locked only until the
 * commit, which the other shard's batch waits for); snapshots to publish after commit.
 */
async function writeBatch(b: Batch, opts: { missions?: boolean } = {}): Promise<void> {
  await insertLots(b.newLots);
  await repo.saveLots([...b.dirty.values()]);
  await repo.insertCashbacks(b.cashbacks);
  await repo.saveCashbacks([...b.cashbacksChanged.values()], b.now);
  const over = await repo.addBudgetsUsed(b.budgetAdded, budgetsOf(b.program));
  // Read unlocked, a budget may have been spent meanwhile by another shard: the batch starts again, locking it.
  if (over.length) throw b.budgetsLocked ? new Error(`loyalty budget overspent: ${over.join(", ")}`) : new BudgetRace(over);
  if (opts.missions) await completeMissions(b);
  const { awards, earned } = await settleMembers(b);
  // Retail customers have no login: no in-app notes, no live pushes (their distributor reads their points).
  await notificationService.notify(b.notes.filter((n) => !isCustomerHolder(n.memberId)));
  // The grants first: what else the batch moves (a mission's points, a refund) may take from them.
  const grants = grantsTx(b);
  await postLegs(grants ? [grants, ...b.txs] : b.txs);
  const members = [...b.touched].filter((id) => !isCustomerHolder(id));
  if (members.length === 0) return;
  const snapshots = await snapshotsOf(b.program, members, b.members, awards, earned);
  afterCommit(() => publish(Topic.PointsChanged, { members: snapshots }));
}

async function snapshotsOf(
  p: Program, ids: number[], members: Map<number, MemberState>, awards: { memberId: number; badge: string; earnedAt: Date }[],
  earned: Map<number, { window: number }>,
): Promise<LoyaltySnapshot[]> {
  const balances = new Map<number, LoyaltySnapshot["balances"]>();
  for (const id of ids) balances.set(id, p.pointTypes.map((t) => ({ pointType: t.code, balance: 0, pending: 0 })));
  for (const a of await ledgerService.ownedAccountsOfKinds(ids, ["POINTS", "POINTS_PENDING"])) {
    const row = balances.get(a.ownerId!)?.find((x) => x.pointType === a.unit);
    if (!row) continue;
    if (a.kind === "POINTS") row.balance = a.posted;
    else row.pending = a.posted;
  }
  const badgeName = (code: string) => p.badges.find((x) => x.code === code)?.name ?? code;
  return ids.map((id) => {
    const m = members.get(id)!;
    const window = earned.get(id)!.window;
    const level = tierLevel(p, m.tier);
    const next = nextTier(p, m.tier, window);
    return {
      memberId: id, balances: balances.get(id)!, tier: level && { code: level.code, name: level.name },
      nextTier: next && { code: next.level.code, name: next.level.name, pointsNeeded: next.pointsNeeded },
      tierPoints: window, progress: progressTo(p, m.tier, window),
      newBadges: awards.filter((a) => a.memberId === id).map((a) => ({ code: a.badge, name: badgeName(a.badge), earnedAt: a.earnedAt.toISOString() })),
      revision: m.revision + 1,
    };
  });
}

/** 0..1 of the way from the current tier's threshold to the next one's. */
function progressTo(p: Program, tier: string | null, window: number): number {
  const next = nextTier(p, tier, window);
  if (!next) return 1;
  const from = tierLevel(p, tier)?.threshold ?? 0;
  const span = next.level.threshold - from;
  return span <= 0 ? 1 : Math.max(0, Math.min(1, (window - from) / span));
}

/**
 * Cap usage for every (member, capped rule, period) the events may grant under, read once
 * per batch: for a paid order the buyer's order rules; for a sponsor's referred first order
 * the referral rules; for a sign-up its rules; for a custom event the rules of that event (a
 * company grant under a rule's code, that rule).
 * grant() refuses a capped grant whose usage was not read here.
 */
async function preloadUsage(b: Batch, events: StoredEvent[]): Promise<void> {
  const withCaps = b.program.earning.flatMap((r) => {
    const cap = capOf(b.program, r.code);
    return cap ? [{ code: r.code, per: cap.per, type: r.type, event: r.type === "EVENT" ? r.event : null }] : [];
  });
  if (withCaps.length === 0) return;
  const keys = new Map<string, { memberId: number; rule: string; since: Date }>();
  const add = (memberId: number, r: (typeof withCaps)[number], at: Date) => {
    const since = capPeriodStart(at, r.per);
    keys.set(usageKey(memberId, r.code, since), { memberId, rule: r.code, since });
  };
  for (const ev of events) {
    for (const r of withCaps) {
      if (ev.type === "ORDER_PAID") {
        if (r.type === "SPEND" || r.type === "MULTIPLIER" || r.type === "PRODUCT_BONUS") add(ev.memberId, r, ev.occurredAt);
      } else if (ev.type === "SPONSORED") {
        if (r.type === "REFERRAL" && sponsoredOf(ev).of === "FIRST_ORDER") add(ev.memberId, r, ev.occurredAt);
      } else if (ev.type === "SIGNUP") {
        if (r.type === "SIGNUP") add(ev.memberId, r, ev.occurredAt);
      } else if (ev.type === "CUSTOM") {
        if (r.type === "EVENT" && r.event === (ev.payload as { name?: string }).name) add(ev.memberId, r, ev.occurredAt);
      } else if (ev.type === "GRANT") {
        if (r.code === (ev.payload as { rule?: string }).rule) add(ev.memberId, r, ev.occurredAt);
      }
    }
  }
  const list = [...keys.entries()];
  const used = await repo.ruleUsage(list.map(([, k]) => k));
  list.forEach(([k], i) => b.usage.set(k, used[i]!));
}

const stepLabel = (p: Program, s: MissionStep): string => {
  switch (s.type) {
    case "ORDERS": return `Pay ${plural(s.count, s.count === 1 ? "order" : "orders")}`;
    case "RECRUITS": return `Sponsor ${plural(s.count, s.count === 1 ? "new member" : "new members")}`;
    case "POINTS_EARNED": return `Earn ${plural(s.points, typeName(p, s.pointType))}`;
    case "EVENT": return `${s.event.charAt(0).toUpperCase()}${s.event.slice(1).replace(/[_.-]/g, " ")}${s.count > 1 ? ` × ${s.count}` : ""}`;
  }
};

/** A segment's conditions in words, for the admin page. */
function segmentText(s: Segment): string {
  const w = s.when;
  const parts: string[] = [];
  if (w.tiers) parts.push(`tier ${w.tiers.join(" or ")}`);
  if (w.countries) parts.push(`in ${w.countries.join(", ")}`);
  if (w.tags) parts.push(`tagged ${w.tags.join(" or ")}`);
  if (w.ranks) parts.push(`rank ${w.ranks.join(" or ")}`);
  if (w.minBalance) parts.push(`${w.minBalance.points.toLocaleString("en-US")}+ ${w.minBalance.pointType} points`);
  if (w.orderedWithinDays) parts.push(`ordered in the last ${w.orderedWithinDays} days`);
  if (w.noOrderForDays) parts.push(`bought before, no order for ${w.noOrderForDays} days`);
  if (w.bought) parts.push(`${w.bought.orders}+ orders of ${w.bought.categories.join(" or ")} in ${w.bought.withinDays} days`);
  if (w.recruited) parts.push(`sponsored ${w.recruited.count}+ in ${w.recruited.withinDays} days`);
  return parts.join("; ");
}

export interface RewardInput {
  id?: number | null;
  name: string;
  description?: string | null;
  kind: RewardKind;
  pointType: string;
  pointsCost: number;
  tierCosts?: Record<string, number> | null;
  minTier?: string | null;
  segment?: string | null;
  stock?: number | null;
  countries?: string[] | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
  cashbackAmount?: number | null;
  cashbackCurrency?: string | null;
  active?: boolean | null;
}

/** The distributor of a retail customer the viewer may read the points of (theirs, or with loyalty.read over the distributor). */
async function customerDistributor(viewer: Viewer, customerId: number): Promise<number> {
  const distributorId = await repo.distributorOf(customerId);
  if (distributorId == null) throw notFound("The customer");
  await accessService.requireSelfOr(viewer, distributorId, "loyalty.read", "this customer's points");
  return distributorId;
}

/** A holder's points by type, tier and progress, and badges. */
async function accountOf(program: Program | null, holder: number, memberId: number, now: Date): Promise<LoyaltyAccount> {
  const customerId = isCustomerHolder(holder) ? -holder : null;
  const state = await repo.memberState(holder);
  if (!state) throw notFound(customerId ? "The customer" : "The member");
  if (!program) return { memberId, customerId, balances: [], cashback: [], tier: null, tierSince: null, tierFloor: null, nextTier: null, tierPoints: 0, progress: 0, badges: [], revision: 0 };
  const [accounts, lots, earned, badges, cashback] = await Promise.all([
    customerId ? ledgerService.customerAccounts([customerId], ["POINTS", "POINTS_PENDING"]) : ledgerService.ownedAccountsOfKinds([holder], ["POINTS", "POINTS_PENDING"]),
    repo.lotSummary(holder, new Date(now.getTime() + program.expiryWarningDays * DAY_MS)),
    repo.earned([holder], program.tiers?.basis ?? null, tierWindowStart(program, now)),
    repo.badgesOf([holder]),
    customerId ? [] : repo.cashbackSummary(holder),
  ]);
  const posted = (kind: string, unit: string) => accounts.find((a) => a.kind === kind && a.unit === unit)?.posted ?? 0;
  const currency = defaultCurrencyFor(state.country);
  const balances: PointsBalance[] = program.pointTypes.map((t) => {
    const lot = lots.find((l) => l.pointType === t.code);
    const balance = posted("POINTS", t.code);
    const rate = t.value?.[currency];
    return {
      pointType: t.code, name: t.name, redeemable: t.redeemable,
      balance,
      pending: posted("POINTS_PENDING", t.code),
      worth: rate ? { currency, perPoint: rate, amount: fromMinor(Math.floor(balance * rate * 10 ** unitScale(currency) + 1e-9), currency) } : null,
      expiringSoon: lot?.expiring ?? 0, nextExpiry: lot?.nextExpiry ?? null,
    };
  });
  const window = earned.get(holder)!.window;
  const level = tierLevel(program, state.tier);
  const next = nextTier(program, state.tier, window);
  return {
    memberId, customerId, balances, tier: level, tierSince: state.tierSince, tierFloor: state.tierFloor,
    cashback: cashback.map((c) => ({ currency: c.currency, pending: fromMinor(c.pending, c.currency), paid: fromMinor(c.paid, c.currency) })),
    nextTier: next && { code: next.level.code, name: next.level.name, pointsNeeded: next.pointsNeeded },
    tierPoints: window, progress: progressTo(program, state.tier, window),
    badges: badges.map((a) => {
      const def = program.badges.find((x) => x.code === a.badge);
      return { code: a.badge, name: def?.name ?? a.badge, description: def?.description ?? "", earnedAt: a.earnedAt };
    }),
    revision: state.revision,
  };
}

/** Movements of these points accounts, newest first, a page. */
async function historyOf(accounts: readonly { id: number; revision: number }[], first: number, beforeId: string | null) {
  const size = pageSize(first);
  const rows = await repo.history(accounts.map((a) => a.id), size + 1, beforeId);
  return toPage(rows, size, accounts.reduce((s, a) => s + a.revision, 0));
}

/**
 * The loyalty programme: points in the ledger (one unit per point type), earned by rules
 * from events appended where they happen (an order paid, a sign-up, an API event) and
 * applied in batches by one applier per shard of the members (the shards side by side);
 * tiers, badges, rewards and redemptions.
 */
export const loyaltyService = {
  /** The member's points, badges and redemptions, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return repo.personalData(memberId);
  },

  async program(): Promise<Program | null> {
    return (await programSetting.get())?.program ?? null;
  },

  /** Forgets the cached programme and segment counts: after versions were written outside saveProgram (the demo seed backdates them), or to count segments afresh. */
  forgetCached(): void {
    programSetting.clear();
    segmentCounts.clear();
  },

  async versions(viewer: Viewer, limit = 20): Promise<ProgramVersionRecord[]> {
    requirePermission(viewer, "loyalty.read", "the loyalty programme's versions");
    const rows = await repo.versions(limit + 1);
    return rows.slice(0, limit).map((v, i) => ({ ...v, changes: rows[i + 1] ? programDiff(rows[i + 1]!.document, v.document) : [] }));
  },

  /** Saves a new version of the programme (it applies to events from now on). */
  async saveProgram(viewer: Viewer, document: unknown, comment: string): Promise<ProgramVersionRecord> {
    requirePermission(viewer, "loyalty.write", "the loyalty programme");
    const parsed = parseProgram(document);
    if (!parsed.program) throw new InputError(parsed.errors);
    if (!comment.trim()) throw fieldError("comment", LoyaltyErrorCode.REQUIRED, "Say what this version changes.");
    return transaction(async () => {
      await repo.lockProgram();
      await repo.insertVersion(parsed.program!, comment.trim().slice(0, 500), viewer.id);
      await auditService.record(viewer, { action: "loyalty.program_save", targetType: "loyalty_program", after: { comment: comment.trim().slice(0, 500) } });
      afterCommit(() => {
        programSetting.clear();
        segmentCounts.clear();
      });
      return (await this.versions(viewer, 1))[0]!;
    }, LEAN);
  },

  /**
   * Adds or replaces (by code) one segment or earning rule (a campaign) of the programme, or
   * removes it (item null), as a new version. Errors in the item name its own fields
   * ("when.bought.withinDays"); anything else it breaks (a rule that uses a removed segment)
   * keeps the programme's path.
   */
  async saveProgramPart(viewer: Viewer, part: "segments" | "earning", code: string, item: Record<string, unknown> | null): Promise<ProgramVersionRecord> {
    requirePermission(viewer, "loyalty.write", "the loyalty programme");
    return transaction(async () => {
      await repo.lockProgram(); // read and write under one lock: a concurrent save is never lost
      const latest = await repo.latestVersion();
      if (!latest) throw fieldError("code", LoyaltyErrorCode.NOT_FOUND, "Save a programme first.");
      const doc = { ...(latest.document as Record<string, unknown>) };
      const list = [...((doc[part] as { code: string }[] | undefined) ?? [])];
      const at = list.findIndex((x) => x.code === code);
      const what = part === "segments" ? "Segment" : "Campaign";
      if (item == null) {
        if (at < 0) throw fieldError("code", LoyaltyErrorCode.UNKNOWN_CODE, `No ${what.toLowerCase()} is called "${code}".`);
        list.splice(at, 1);
      } else if (at >= 0) list[at] = { ...item, code } as { code: string };
      else list.push({ ...item, code } as { code: string });
      doc[part] = list;
      const parsed = parseProgram(doc);
      if (!parsed.program) {
        const index = item == null ? -1 : at >= 0 ? at : list.length - 1;
        const own = `${part}[${index}]`;
        throw new InputError(parsed.errors.map((e) => (e.field === own ? { ...e, field: "code" } : e.field.startsWith(`${own}.`) ? { ...e, field: e.field.slice(own.length + 1) } : e)));
      }
      const name = item == null ? code : String(item.name ?? code);
      return this.saveProgram(viewer, doc, `${what} ${name} ${item == null ? "removed" : at >= 0 ? "changed" : "added"}`);
    }, LEAN);
  },

  // ---- events in ----

  /** Appends events in the caller's transaction (an order paid, a sign-up); they are applied after it commits. */
  async record(events: readonly NewLoyaltyEvent[]): Promise<void> {
    await repo.appendEvents(events);
    afterCommit(() => kickApplier());
  },

  /** A paid order earns its buyer points: the member, or the retail customer it was placed for (enrolled by it). */
  orderPaid(
    order: { id: number; memberId: number; customerId: number | null; currency: string; total: string; pointsValue: string; lines: { productId: number; sku: string; quantity: number; unitPrice: string }[] },
    at: Date,
  ) {
    const total = hundredths(order.total);
    const byPoints = hundredths(order.pointsValue);
    const payload: OrderPaidPayload = {
      orderId: order.id, currency: order.currency,
      lines: order.lines.map((l) => ({ productId: l.productId, sku: l.sku, quantity: l.quantity, unitPrice: Math.round(Number(l.unitPrice) * 100) })),
      ...(byPoints > 0 && total > 0 ? { cashShare: (total - byPoints) / total } : {}),
    };
    return this.record([{ key: `order:${order.id}:paid`, memberId: buyerOf(order), occurredAt: at, event: { type: "ORDER_PAID", payload } }]);
  },

  orderRefunded(order: { id: number; memberId: number; customerId: number | null }, refund: { sequence: number; refunded: number; total: number }, at: Date) {
    const payload: OrderRefundedPayload = { orderId: order.id, refunded: refund.refunded, total: refund.total };
    return this.record([{ key: `order:${order.id}:refund:${refund.sequence}`, memberId: buyerOf(order), occurredAt: at, event: { type: "ORDER_REFUNDED", payload } }]);
  },

  /**
   * The day's birthdays (UTC), from the birth dates members gave in their profile: one
   * `birthday` event each (the programme's birthday rule gives the points), keyed by
   * member and year, so running it twice on a day changes nothing. Born on 29 February:
   * the 28th in common years. Returns how many.
   */
  async birthdays(day: Date): Promise<number> {
    const year = day.getUTCFullYear();
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const monthDay = day.toISOString().slice(5, 10);
    const ids = await repo.bornOn(monthDay, !leap && monthDay === "02-28");
    await transaction(() => this.record(ids.map((memberId) => ({
      key: `birthday:${memberId}:${year}`, memberId, occurredAt: day, event: { type: "CUSTOM" as const, payload: { name: "birthday", value: null } },
    }))), LEAN);
    return ids.length;
  },

  /**
   * New ranks from a committed commission run, in its transaction: one `rank_achieved` event
   * per member and rank, keyed by both (a retried commit sends nothing twice). The applier
   * records the ranks (segments, rank badges) and the programme's rank rules give points.
   */
  async ranksAchieved(list: readonly { memberId: number; rank: string; ranks: string[] }[], at: Date): Promise<void> {
    if (list.length === 0 || !(await this.program())) return;
    await this.record(list.map((a) => ({
      key: `rank:${a.memberId}:${a.rank}`, memberId: a.memberId, occurredAt: at,
      event: { type: "CUSTOM" as const, payload: { name: RANK_EVENT, value: null, rank: a.rank, ranks: a.ranks } },
    })));
  },

  signedUp(memberId: number, at: Date) {
    return this.record([{ key: `member:${memberId}:signup`, memberId, occurredAt: at, event: { type: "SIGNUP", payload: {} } }]);
  },

  /**
   * A custom event from a third party (admins and API clients): applied at once, and the
   * same idempotency key again changes nothing. Returns the points it earned per rule.
   */
  async recordEvent(viewer: Viewer, input: { memberId: number; event: string; idempotencyKey: string; value?: number | null; occurredAt?: Date | null }) {
    requirePermission(viewer, "loyalty.grant", "recording loyalty events");
    const errors = new FieldErrors<LoyaltyErrorCode>();
    if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(input.event)) errors.add("event", LoyaltyErrorCode.INVALID, "Lower case letters, digits, _ . -, starting with a letter.");
    else if (input.event === RANK_EVENT) errors.add("event", LoyaltyErrorCode.INVALID, "Ranks come from committed commission runs, not from the API.");
    if (!input.idempotencyKey.trim() || input.idempotencyKey.length > 100) errors.add("idempotencyKey", LoyaltyErrorCode.INVALID, "1 to 100 characters.");
    if (input.value != null && !Number.isFinite(input.value)) errors.add("value", LoyaltyErrorCode.INVALID, "A number.");
    if (input.occurredAt && input.occurredAt.getTime() > Date.now() + 60_000) errors.add("occurredAt", LoyaltyErrorCode.INVALID, "Not in the future.");
    errors.throwIfAny();
    const state = await repo.memberState(input.memberId);
    if (!state) throw fieldError("memberId", LoyaltyErrorCode.NOT_FOUND, "No such member.");
    const key = `custom:${input.memberId}:${input.idempotencyKey}`;
    const event: LoyaltyEventInput = { type: "CUSTOM", payload: { name: input.event, value: input.value ?? null } };
    await transaction(() => repo.appendEvents([{ key, memberId: input.memberId, occurredAt: input.occurredAt ?? new Date(), event }]), LEAN);
    // Applied here, or by the applier already at work (it holds the lock): wait a moment for it.
    await this.applyPending();
    let outcome = await this.eventOutcome(key);
    for (let i = 0; i < 30 && !outcome.applied; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await this.applyPending();
      outcome = await this.eventOutcome(key);
    }
    return { key, ...outcome };
  },

  async eventOutcome(key: string): Promise<{ applied: boolean; points: number; outcome: unknown }> {
    const row = await repo.eventByKey(key);
    const granted = ((row?.outcome as { granted?: Record<string, number> } | null)?.granted) ?? {};
    return { applied: row?.processedAt != null, points: Object.values(granted).reduce((s, n) => s + n, 0), outcome: row?.outcome ?? null };
  },

  /** Points to many members (a campaign): one event each, appended in one statement and applied in batches. */
  async grantPoints(viewer: Viewer, input: { pointType: string; points: number; reason: string; country?: string | null; tier?: string | null; segment?: string | null; memberIds?: number[] | null }) {
    requirePermission(viewer, "loyalty.grant", "granting points");
    const program = await this.program();
    const errors = new FieldErrors<LoyaltyErrorCode>();
    if (!program?.pointTypes.some((t) => t.code === input.pointType)) errors.add("pointType", LoyaltyErrorCode.UNKNOWN_CODE, "No such point type in the programme.");
    if (!Number.isSafeInteger(input.points) || input.points <= 0 || input.points > 1_000_000) errors.add("points", LoyaltyErrorCode.INVALID, "Whole points, 1 to 1,000,000.");
    if (!input.reason.trim()) errors.add("reason", LoyaltyErrorCode.REQUIRED, "Say why: members see it.");
    const segment = input.segment ? program?.segments.find((x) => x.code === input.segment) : null;
    if (input.segment && !segment) errors.add("segment", LoyaltyErrorCode.UNKNOWN_CODE, "No such segment in the programme.");
    errors.throwIfAny();
    const grantId = `grant:${randomUUID()}`;
    const members = await transaction(async () => {
      // A segment's members as they are now (the grant is to them, even if they leave it before it is applied).
      let memberIds = input.memberIds ?? null;
      if (segment) {
        const inSegment = (await repo.segmentMembers([segment], memberIds, new Date())).get(segment.code)!;
        memberIds = [...inSegment];
      }
      const n = await repo.appendGrants(grantId, { country: input.country ?? null, tier: input.tier ?? null, memberIds },
        { pointType: input.pointType, points: input.points, reason: input.reason.trim().slice(0, 200), rule: "GRANT" }, new Date());
      await auditService.record(viewer, {
        action: "loyalty.grant", targetType: "points_grant", targetId: grantId,
        after: { pointType: input.pointType, points: input.points, reason: input.reason.trim().slice(0, 200), country: input.country ?? null, tier: input.tier ?? null, segment: input.segment ?? null, memberIds: input.memberIds?.slice(0, 100) ?? null, members: n },
      });
      afterCommit(() => kickApplier());
      return n;
    });
    return { grantId, members };
  },

  grantProgress(viewer: Viewer, grantId: string) {
    requirePermission(viewer, "loyalty.grant", "granting points");
    return repo.grantProgress(grantId);
  },

  // ---- the applier ----

  /** How many appliers may run side by side (each takes the events of its share of the members). */
  applierShards: APPLIER_SHARDS,

  /**
   * Applies one batch of a shard's appended events (no shard: the first shard that has
   * some); 0 when there was nothing to do (or another applier is at it).
   */
  async applyBatch(limit = BATCH, now = new Date(), shard?: number): Promise<number> {
    if (shard === undefined) {
      for (const k of ALL_SHARDS) {
        const n = await this.applyBatch(limit, now, k);
        if (n > 0) return n;
      }
      return 0;
    }
    const program = await this.program();
    // Budgets are read unlocked (the shards' batches run side by side) and checked as a batch
    // adds to them; a batch that would overspend one is applied again with them locked.
    try {
      return await applyShardBatch(program, limit, now, shard, false);
    } catch (err) {
      if (!(err instanceof BudgetRace)) throw err;
      return applyShardBatch(program, limit, now, shard, true);
    }
  },

  /**
   * Applies everything appended so far, batch after batch, of one shard or of all (shard
   * after shard, until none has anything left: a batch may append events for other shards);
   * returns how many events.
   */
  async applyPending(now?: Date, shard?: number): Promise<number> {
    let total = 0;
    for (;;) {
      let round = 0;
      for (const k of shard === undefined ? ALL_SHARDS : [shard]) {
        for (;;) {
          const n = await this.applyBatch(BATCH, now ?? new Date(), k);
          if (n === 0) break;
          round += n;
        }
      }
      total += round;
      if (round === 0 || shard !== undefined) return total;
    }
  },

  /**
   * Makes pending points whose return window has passed active (oldest first) and pays the
   * cashback whose window has passed to the members' wallets; returns how many lots and
   * cashbacks.
   */
  async releaseDue(now = new Date(), limit = 2000): Promise<number> {
    const program = await this.program();
    if (!program) return 0;
    return transaction(async () => {
      await repo.waitApplierLock();
      const lots = await repo.dueReleases(now, limit);
      const cashbacks = await repo.dueCashbacks(now, limit);
      if (lots.length === 0 && cashbacks.length === 0) return 0;
      const b = new Batch(program, now, await repo.lockMembers([...lots.map((l) => l.memberId), ...cashbacks.map((c) => c.memberId)]));
      payCashbacks(b, cashbacks);
      const perMember = new Map<number, { points: number; at: Date; legs: Map<string, number>; firstLot: string }>();
      for (const lot of lots) {
        const points = lot.amount - lot.reversed;
        const at = lot.releaseAt ?? now;
        lot.status = points > 0 ? "ACTIVE" : "CLOSED";
        lot.remaining = points;
        lot.expiresAt = expiryOf(program, lot.pointType, at);
        b.touch(lot);
        if (points <= 0) continue;
        // Pending points are an order's: a tier or badge they reach is that order's doing.
        if (lot.referenceId != null) b.lastOrder.set(lot.memberId, Number(lot.referenceId));
        let m = perMember.get(lot.memberId);
        if (!m) perMember.set(lot.memberId, (m = { points: 0, at, legs: new Map(), firstLot: lot.id }));
        m.legs.set(lot.pointType, (m.legs.get(lot.pointType) ?? 0) + points);
        if (at > m.at) m.at = at;
        if (program.pointTypes.find((t) => t.code === lot.pointType)?.redeemable) m.points += points;
      }
      // One ledger transaction per member and run (the lots say which grants it released).
      for (const [memberId, m] of perMember) {
        b.txs.push({
          key: `pts:release:${memberId}:${m.firstLot}`, reason: "POINTS_RELEASED", reference: { type: "MEMBER", id: String(memberId) }, memo: "The return window passed: the points are active.", at: m.at,
          legs: [...m.legs].flatMap(([unit, points]) => [{ holder: memberId, kind: "POINTS_PENDING" as const, unit, amount: -points }, { holder: memberId, kind: "POINTS" as const, unit, amount: points }]),
        });
      }
      for (const [memberId, { points, at }] of perMember) if (points > 0) b.notes.push({ memberId, kind: "POINTS_ACTIVE", at, title: `${plural(points, "points")} are active`, body: "You can spend them on rewards now." });
      await writeBatch(b);
      return lots.length + cashbacks.length;
    }, LEAN);
  },

  /** An admin makes a member's (or everyone's) pending points active now; returns how many lots. */
  async releasePending(viewer: Viewer, memberId: number | null, now = new Date()): Promise<number> {
    requirePermission(viewer, "loyalty.grant", "releasing pending points");
    await transaction(() => repo.releaseNow(memberId, now), LEAN);
    let total = 0;
    for (let n = await this.releaseDue(now); n > 0; n = await this.releaseDue(now)) total += n;
    return total;
  },

  /** Expires active points past their date, oldest first; returns how many lots. */
  async expireDue(now = new Date(), limit = 2000): Promise<number> {
    const program = await this.program();
    if (!program) return 0;
    return transaction(async () => {
      await repo.waitApplierLock();
      const lots = await repo.dueExpiries(now, limit);
      if (lots.length === 0) return 0;
      const b = new Batch(program, now, await repo.lockMembers(lots.map((l) => l.memberId)));
      const perMember = new Map<string, number>();
      let at = now;
      for (const lot of lots) {
        const points = lot.remaining;
        if (lot.expiresAt && lot.expiresAt < at) at = lot.expiresAt;
        lot.expired += points;
        lot.remaining = 0;
        lot.status = "CLOSED";
        b.touch(lot);
        b.txs.push({ key: `${lot.key}:expire`, reason: "POINTS_EXPIRED", reference: { type: "LOT", id: lot.id }, memo: `Points earned ${lot.earnedAt.toISOString().slice(0, 10)} expired.`, at: lot.expiresAt ?? now,
          legs: [{ holder: lot.memberId, kind: "POINTS", unit: lot.pointType, amount: -points }, { holder: null, kind: "POINTS_EXPIRED", unit: lot.pointType, amount: points }] });
        const k = `${lot.memberId}:${lot.pointType}`;
        perMember.set(k, (perMember.get(k) ?? 0) + points);
      }
      for (const [k, points] of perMember) {
        const [memberId, type] = k.split(":");
        b.notes.push({ memberId: Number(memberId), kind: "POINTS_EXPIRED", at, title: `${plural(points, typeName(program, type!))} expired`, body: "Points expire oldest first; the rest of your balance is unchanged." });
      }
      await writeBatch(b);
      return lots.length;
    }, LEAN);
  },

  /** Tells members about points that expire within the programme's warning days (once per lot). */
  async warnExpiring(now = new Date()): Promise<number> {
    const program = await this.program();
    if (!program || program.expiryWarningDays === 0) return 0;
    return transaction(async () => {
      const due = await repo.takeExpiryWarnings(new Date(now.getTime() + program.expiryWarningDays * DAY_MS), now, 10_000);
      await notificationService.notify(due.filter((d) => !isCustomerHolder(d.memberId)).map((d) => ({
        memberId: d.memberId, kind: "POINTS_EXPIRING", title: `${plural(d.points, typeName(program, d.pointType))} expire soon`,
        body: `The first expire on ${d.first.toISOString().slice(0, 10)}. Spend them on a reward before then.`,
      })));
      return due.length;
    }, LEAN);
  },

  /** Re-evaluates every tiered member (PERIOD_END at a month's end; DAILY for downgrades after N days). */
  async reviewTiers(cause: "PERIOD_END" | "DAILY", now = new Date()): Promise<number> {
    const program = await this.program();
    if (!program?.tiers) return 0;
    let after = -2_147_483_648; // below every holder: customers' ids are negative
    let total = 0;
    for (;;) {
      const ids = await transaction(() => repo.tieredMemberIds(after, 1000), LEAN);
      if (ids.length === 0) return total;
      await transaction(async () => {
        await repo.waitApplierLock();
        const b = new Batch(program, now, await repo.lockMembers(ids));
        for (const id of ids) {
          b.touched.add(id);
          b.causes.set(id, { type: cause });
        }
        await writeBatch(b);
      }, LEAN);
      total += ids.length;
      after = ids[ids.length - 1]!;
    }
  },

  /** An admin sets a member's tier; automatic downgrades never go below it (null lifts the floor). */
  async setTier(viewer: Viewer, memberId: number, tier: string | null): Promise<LoyaltyAccount> {
    await accessService.requireFor(viewer, memberId, "loyalty.grant", "members' tiers");
    const program = await this.program();
    if (!program?.tiers) throw fieldError("tier", LoyaltyErrorCode.UNKNOWN_CODE, "The programme has no tiers.");
    if (tier != null && !tierLevel(program, tier)) throw fieldError("tier", LoyaltyErrorCode.UNKNOWN_CODE, "No such tier in the programme.");
    if (!(await repo.memberState(memberId))) throw notFound("The member");
    await transaction(async () => {
      await repo.waitApplierLock();
      const members = await repo.lockMembers([memberId]);
      const m = members.get(memberId)!;
      const before = { tier: m.tier, tierFloor: m.tierFloor };
      m.tierFloor = tier;
      if (tier != null && m.tier !== tier) Object.assign(m, { tier, tierSince: new Date(), belowSince: null });
      const b = new Batch(program!, new Date(), members);
      b.touched.add(memberId);
      await writeBatch(b);
      await auditService.record(viewer, { action: "loyalty.set_tier", targetType: "member", targetId: memberId, before, after: { tier: m.tier, tierFloor: tier } });
    }, LEAN);
    return this.account(viewer, memberId);
  },

  // ---- reading ----

  async account(viewer: Viewer, memberId: number, now = new Date()): Promise<LoyaltyAccount> {
    await accessService.requireSelfOr(viewer, memberId, "loyalty.read", "this member's points");
    return accountOf(await this.program(), memberId, memberId, now);
  },

  /** A retail customer's points, tier and badges: for their distributor, and staff who may read the distributor's points. */
  async customerAccount(viewer: Viewer, customerId: number, now = new Date()): Promise<LoyaltyAccount> {
    const distributorId = await customerDistributor(viewer, customerId);
    return accountOf(await this.program(), customerHolder(customerId), distributorId, now);
  },

  /** A retail customer's point movements, newest first (as `history`). */
  async customerHistory(viewer: Viewer, customerId: number, first: number, beforeId: string | null) {
    await customerDistributor(viewer, customerId);
    return historyOf(await ledgerService.customerAccounts([customerId], ["POINTS", "POINTS_PENDING"]), first, beforeId);
  },

  /** Points (balance and pending by type) of retail customers, for their distributors' customer lists; customers the viewer may not read are left out. */
  async customerBalances(viewer: Viewer, customers: readonly { id: number; distributorId: number }[]): Promise<Map<number, { pointType: string; balance: number; pending: number }[]>> {
    const allowed = new Set<number>();
    for (const d of new Set(customers.map((c) => c.distributorId))) if (await accessService.isSelfOr(viewer, d, "loyalty.read")) allowed.add(d);
    const out = new Map<number, { pointType: string; balance: number; pending: number }[]>();
    for (const a of await ledgerService.customerAccounts(customers.filter((c) => allowed.has(c.distributorId)).map((c) => c.id), ["POINTS", "POINTS_PENDING"])) {
      const list = out.get(a.customerId!) ?? [];
      let row = list.find((x) => x.pointType === a.unit);
      if (!row) list.push((row = { pointType: a.unit, balance: 0, pending: 0 }));
      if (a.kind === "POINTS") row.balance = a.posted;
      else row.pending = a.posted;
      out.set(a.customerId!, list);
    }
    return out;
  },

  /** A member's point movements, newest first (earned with the rule and order, released, spent, expired, taken back). */
  async history(viewer: Viewer, memberId: number, first: number, beforeId: string | null) {
    await accessService.requireSelfOr(viewer, memberId, "loyalty.read", "this member's points");
    return historyOf([...(await ledgerService.accountsOf(memberId, "POINTS")), ...(await ledgerService.accountsOf(memberId, "POINTS_PENDING"))], first, beforeId);
  },

  /** Points a member's orders earned them (for the purchase history); other members' orders give nothing. */
  async pointsOfOrders(viewer: Viewer, memberId: number, orderIds: readonly number[]) {
    await accessService.requireSelfOr(viewer, memberId, "loyalty.read", "this member's points");
    return repo.pointsOfOrders(memberId, orderIds);
  },

  /** The badges and tiers a member's orders unlocked, with their names (for the purchase history). */
  async unlocksOfOrders(viewer: Viewer, memberId: number, orderIds: readonly number[]): Promise<{ orderId: number; kind: "BADGE" | "TIER"; code: string; name: string }[]> {
    await accessService.requireSelfOr(viewer, memberId, "loyalty.read", "this member's points");
    const program = await this.program();
    return (await repo.unlocksOfOrders(memberId, orderIds)).map((u) => ({
      ...u, name: (u.kind === "TIER" ? tierLevel(program, u.code)?.name : program?.badges.find((x) => x.code === u.code)?.name) ?? u.code,
    }));
  },

  async tiers() {
    return (await this.program())?.tiers?.levels ?? [];
  },

  /** The missions running for the member now (their segment, their window) and those they completed, with progress per step. */
  async missions(viewer: Viewer, memberId: number, now = new Date()): Promise<MissionRecord[]> {
    await accessService.requireSelfOr(viewer, memberId, "loyalty.read", "this member's missions");
    const program = await this.program();
    if (!program || program.missions.length === 0) return [];
    const used = program.segments.filter((s) => program.missions.some((m) => m.segment === s.code));
    const inSegments = new Set<string>();
    for (const [code, ids] of await repo.segmentMembers(used, [memberId], now)) if (ids.has(memberId)) inSegments.add(code);
    const completed = new Map((await repo.completions([memberId])).map((c) => [c.mission, c.completedAt]));
    const zone = zoneOf(program, (await repo.memberState(memberId))?.country ?? "");
    const running = new Set(missionsInPlay(program, now, inSegments, zone).map((m) => m.code));
    const out: MissionRecord[] = [];
    for (const m of program.missions) {
      if (!running.has(m.code) && !completed.has(m.code)) continue;
      const { since, until } = missionWindow(m, zone);
      const counts = (await repo.activity([memberId], since, until)).get(memberId)!;
      out.push({
        code: m.code, name: m.name, description: m.description, from: m.from ?? null, until: m.until ?? null,
        rewardPointType: m.reward.pointType, rewardPoints: m.reward.points, completedAt: completed.get(m.code) ?? null,
        steps: missionProgress(m, counts).map((p) => ({ label: stepLabel(program, p.step), done: completed.has(m.code) ? p.needed : p.done, needed: p.needed })),
      });
    }
    return out.sort((a, b) => Number(a.completedAt != null) - Number(b.completedAt != null));
  },

  /**
   * Share links for the member's badges and tier: public pages with an image of the
   * achievement that carry their referral code. Each is signed, so only links the member
   * was given open (nobody can walk referral codes to read others' badges).
   */
  async shareLinks(viewer: Viewer): Promise<ShareLink[]> {
    const program = await this.program();
    const facts = await repo.shareFacts((await repo.referralCodeOf(viewer.id)) ?? "");
    if (!program || !facts) return [];
    const links: ShareLink[] = [];
    const add = (achievement: string, title: string) => {
      const value = `${facts.referralCode}/${achievement}`;
      links.push({ achievement, title, path: `/share/${value}?s=${sign("share-card", value)}` });
    };
    const tier = tierLevel(program, facts.tier);
    if (tier) add(`tier-${tier.code}`, `${tier.name} member`);
    for (const b of facts.badges) {
      const badge = program.badges.find((x) => x.code === b.badge);
      // A badge for reaching the tier the member holds would be the tier's card again.
      if (tier && badge?.when.type === "TIER" && badge.when.tier === tier.code) continue;
      add(`badge-${b.badge}`, badge?.name ?? b.badge);
    }
    return links;
  },

  /** The card behind a share link, or null when the link is not one the app signed or the achievement is no longer theirs. */
  async shareCard(referralCode: string, achievement: string, signature: string): Promise<ShareCard | null> {
    if (!/^[A-Za-z0-9]{1,32}$/.test(referralCode) || !/^(badge|tier)-[A-Z][A-Z0-9_]{0,31}$/.test(achievement) || !verify("share-card", `${referralCode}/${achievement}`, signature)) return null;
    const program = await this.program();
    const facts = await repo.shareFacts(referralCode);
    if (!program || !facts) return null;
    const name = `${facts.firstName} ${facts.lastName.charAt(0)}.`;
    const [kind, code] = [achievement.slice(0, achievement.indexOf("-")), achievement.slice(achievement.indexOf("-") + 1)];
    if (kind === "tier") {
      const tier = tierLevel(program, facts.tier);
      if (!tier || tier.code !== code) return null;
      return { name, kind: "TIER", title: `${tier.name} member`, description: tier.benefits.join(" · "), since: null, referralCode: facts.referralCode };
    }
    const award = facts.badges.find((b) => b.badge === code);
    const badge = program.badges.find((b) => b.code === code);
    if (!award || !badge) return null;
    return { name, kind: "BADGE", title: badge.name, description: badge.description, since: award.earnedAt, referralCode: facts.referralCode };
  },

  /** The programme's segments with how many members each holds (counted at most a minute ago) and which rules and missions use it. */
  async segments(viewer: Viewer): Promise<SegmentRecord[]> {
    requirePermission(viewer, "loyalty.read", "loyalty segments");
    const program = await this.program();
    const counts = await segmentCounts.get();
    const out: SegmentRecord[] = [];
    for (const s of program?.segments ?? []) {
      out.push({
        code: s.code, name: s.name, description: s.description, conditions: segmentText(s), members: counts.get(s.code) ?? 0,
        usedBy: [...program!.earning.filter((r) => r.segment === s.code).map((r) => r.code), ...program!.missions.filter((m) => m.segment === s.code).map((m) => m.code)],
      });
    }
    return out;
  },

  /** Earning rules limited in time, to a segment or countries, or by a budget, with what their budget has granted. */
  async campaigns(viewer: Viewer, now = new Date()): Promise<CampaignRecord[]> {
    requirePermission(viewer, "loyalty.read", "loyalty campaigns");
    const program = await this.program();
    const rules = (program?.earning ?? []).filter((r) => r.type === "CASHBACK" || r.from || r.until || r.days || r.segment || r.countries || r.budget != null);
    const used = await repo.budgetsUsed(rules.filter((r) => r.budget != null).map((r) => r.code), false);
    // Status by UTC day (with a LOCAL calendar a campaign starts a few hours earlier or later by country).
    const day = now.toISOString().slice(0, 10);
    return rules.map((r) => {
      const spent = used.get(r.code) ?? 0;
      const last = r.days ? [...r.days].sort().at(-1)! : null;
      const status = r.from && day < r.from ? "SCHEDULED" : (r.until && day > r.until) || (last && day > last) ? "ENDED" : r.budget != null && spent >= r.budget ? "SPENT" : "RUNNING";
      return {
        code: r.code, name: r.name, type: r.type, pointType: r.pointType ?? "", from: r.from ?? null, until: r.until ?? null, days: r.days ?? [], segment: r.segment ?? null,
        countries: r.countries ?? [], budget: r.budget ?? null, used: spent, status,
      };
    });
  },

  /** Each mission with its completions and the points their rewards granted. */
  async missionReport(viewer: Viewer): Promise<MissionReportRecord[]> {
    requirePermission(viewer, "loyalty.read", "the mission report");
    const program = await this.program();
    const counts = new Map((await repo.completionCounts()).map((c) => [c.mission, c]));
    return (program?.missions ?? []).map((m) => {
      const c = counts.get(m.code);
      return {
        code: m.code, name: m.name, from: m.from ?? null, until: m.until ?? null, segment: m.segment ?? null,
        completions: c?.completions ?? 0, pointsGranted: c?.points ?? 0, lastCompletedAt: c?.last ?? null,
      };
    });
  },

  async badges() {
    return (await this.program())?.badges ?? [];
  },

  async monthly(viewer: Viewer, memberId: number | null, since: Date) {
    if (memberId == null) requirePermission(viewer, "loyalty.read", "the company's points");
    else await accessService.requireSelfOr(viewer, memberId, "loyalty.read", "this member's points");
    return repo.monthly(memberId, since);
  },

  async report(viewer: Viewer): Promise<{ points: LoyaltyReport[]; tiers: { tier: string | null; members: number }[] }> {
    requirePermission(viewer, "loyalty.read", "loyalty reports");
    const [rows, tiers] = await Promise.all([repo.report(), repo.tierDistribution()]);
    return {
      points: rows.map((r) => {
        const settled = r.issued - r.reversed - r.pending;
        return { ...r, redemptionRate: settled > 0 ? r.redeemed / settled : 0 };
      }),
      tiers,
    };
  },

  // ---- rewards ----

  /** The catalog; `availableTo` shows only what that member may redeem now (country, tier, dates, stock). */
  async rewards(viewer: Viewer, filter: RewardFilter, first: number, afterId: number | null) {
    const size = pageSize(first);
    if (filter.includeInactive && !can(viewer, "loyalty.write")) throw forbidden("inactive rewards");
    let scope: { country?: string | null; tierRank?: string[] | null; segments?: string[]; now?: Date } = {};
    if (filter.availableTo != null) {
      await accessService.requireSelfOr(viewer, filter.availableTo, "loyalty.read", "this member's rewards");
      const program = await this.program();
      const state = await repo.memberState(filter.availableTo);
      const levels = program?.tiers?.levels ?? [];
      const at = state?.tier ? levels.findIndex((l) => l.code === state.tier) : -1;
      scope = { country: state?.country ?? null, tierRank: levels.slice(0, at + 1).map((l) => l.code), segments: await this.segmentsOfMember(filter.availableTo), now: new Date() };
    }
    const { rows, total } = await repo.rewards({ ...filter, ...scope }, size + 1, afterId);
    return toPage(rows, size, total);
  },

  /** The programme's segments a member is in now (reward offers for a segment). */
  async segmentsOfMember(memberId: number, now = new Date()): Promise<string[]> {
    const segments = (await this.program())?.segments ?? [];
    if (segments.length === 0) return [];
    return [...(await repo.segmentMembers(segments, [memberId], now))].filter(([, ids]) => ids.has(memberId)).map(([code]) => code);
  },

  async reward(viewer: Viewer, id: number): Promise<RewardRecord> {
    const r = await repo.reward(id);
    if (!r || (!r.active && !can(viewer, "loyalty.write"))) throw notFound("The reward");
    return r;
  },

  async saveReward(viewer: Viewer, input: RewardInput): Promise<RewardRecord> {
    requirePermission(viewer, "loyalty.write", "rewards");
    const program = await this.program();
    const errors = new FieldErrors<LoyaltyErrorCode>();
    if (!input.name.trim()) errors.add("name", LoyaltyErrorCode.REQUIRED, "A reward needs a name.");
    if (!["PRODUCT", "VOUCHER", "CASHBACK", "PERK"].includes(input.kind)) errors.add("kind", LoyaltyErrorCode.INVALID, "PRODUCT, VOUCHER, CASHBACK or PERK.");
    if (!program?.pointTypes.some((t) => t.code === input.pointType && t.redeemable)) errors.add("pointType", LoyaltyErrorCode.UNKNOWN_CODE, "A redeemable point type of the programme.");
    if (!Number.isSafeInteger(input.pointsCost) || input.pointsCost <= 0) errors.add("pointsCost", LoyaltyErrorCode.INVALID, "Whole points, more than 0.");
    if (input.stock != null && (!Number.isSafeInteger(input.stock) || input.stock < 0)) errors.add("stock", LoyaltyErrorCode.INVALID, "Whole units, 0 or more (leave empty for unlimited).");
    for (const [tier, cost] of Object.entries(input.tierCosts ?? {})) {
      if (!tierLevel(program, tier)) errors.add(`tierCosts.${tier}`, LoyaltyErrorCode.UNKNOWN_CODE, "No such tier.");
      else if (!Number.isSafeInteger(cost) || cost <= 0) errors.add(`tierCosts.${tier}`, LoyaltyErrorCode.INVALID, "Whole points, more than 0.");
    }
    if (input.minTier != null && !tierLevel(program, input.minTier)) errors.add("minTier", LoyaltyErrorCode.UNKNOWN_CODE, "No such tier.");
    if (input.segment != null && !program?.segments.some((s) => s.code === input.segment)) errors.add("segment", LoyaltyErrorCode.UNKNOWN_CODE, "No such segment in the programme.");
    if (input.kind === "CASHBACK" && (!input.cashbackAmount || input.cashbackAmount <= 0 || !/^[A-Z]{3}$/.test(input.cashbackCurrency ?? ""))) {
      errors.add("cashbackAmount", LoyaltyErrorCode.INVALID, "Cashback needs an amount (minor units) and a currency.");
    }
    if (input.validFrom && input.validUntil && input.validUntil < input.validFrom) errors.add("validUntil", LoyaltyErrorCode.INVALID, "Ends before it starts.");
    errors.throwIfAny();
    const id = await transaction(() => repo.saveReward({
      id: input.id ?? null, name: input.name.trim(), description: input.description?.trim() ?? "", kind: input.kind, pointType: input.pointType,
      pointsCost: input.pointsCost, tierCosts: input.tierCosts ?? {}, minTier: input.minTier ?? null, segment: input.segment ?? null, stock: input.stock ?? null,
      countries: (input.countries ?? []).map((c) => c.toUpperCase()), validFrom: input.validFrom ?? null, validUntil: input.validUntil ?? null,
      cashbackAmount: input.kind === "CASHBACK" ? input.cashbackAmount ?? null : null, cashbackCurrency: input.kind === "CASHBACK" ? input.cashbackCurrency ?? null : null,
      active: input.active ?? true,
    }), LEAN);
    return (await repo.reward(id))!;
  },

  /**
   * Redeems a reward in one transaction: stock, points (oldest first) and the voucher or
   * cashback together or not at all. The same idempotency key again returns the first
   * redemption. Concurrent redemptions of the last units: the stock row decides.
   */
  async redeem(viewer: Viewer, input: { rewardId: number; idempotencyKey: string; memberId?: number | null }): Promise<RedemptionRecord> {
    const memberId = input.memberId ?? viewer.id;
    await accessService.requireSelfOr(viewer, memberId, "loyalty.grant", "this member's points");
    if (!input.idempotencyKey.trim() || input.idempotencyKey.length > 100) throw fieldError("idempotencyKey", LoyaltyErrorCode.INVALID, "1 to 100 characters.");
    const program = await this.program();
    const id = await transaction(async () => {
      const members = await repo.lockMembers([memberId]);
      const m = members.get(memberId);
      if (!m) throw notFound("The member");
      const earlier = await repo.redemptionByKey(memberId, input.idempotencyKey);
      if (earlier) {
        if (earlier.rewardId !== input.rewardId) throw fieldError("idempotencyKey", LoyaltyErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was used for another reward.");
        return earlier.id;
      }
      const reward = await repo.reward(input.rewardId);
      const now = new Date();
      if (!reward || !reward.active) throw fieldError("rewardId", LoyaltyErrorCode.NOT_FOUND, "No such reward.");
      if ((reward.validFrom && reward.validFrom > now) || (reward.validUntil && reward.validUntil < now)) throw fieldError("rewardId", LoyaltyErrorCode.NOT_AVAILABLE, "This reward is not available at the moment.");
      if (reward.countries.length > 0 && !reward.countries.includes(m.country)) throw fieldError("rewardId", LoyaltyErrorCode.NOT_AVAILABLE, "This reward is not offered in your country.");
      const levels = program?.tiers?.levels ?? [];
      if (reward.minTier && levels.findIndex((l) => l.code === m.tier) < levels.findIndex((l) => l.code === reward.minTier)) {
        throw fieldError("rewardId", LoyaltyErrorCode.TIER_REQUIRED, `For ${tierLevel(program, reward.minTier)?.name ?? reward.minTier} members and above.`);
      }
      if (reward.segment && !(await this.segmentsOfMember(memberId, now)).includes(reward.segment)) {
        throw fieldError("rewardId", LoyaltyErrorCode.NOT_AVAILABLE, `An offer for ${program?.segments.find((s) => s.code === reward.segment)?.name ?? reward.segment}.`);
      }
      const cost = (m.tier && reward.tierCosts[m.tier]) || reward.pointsCost;
      const took = await takePoints(memberId, reward.pointType, cost);
      if (!took.ok) throw fieldError("rewardId", LoyaltyErrorCode.INSUFFICIENT_POINTS, `This reward costs ${plural(cost, "points")}; you have ${took.have.toLocaleString("en-US")}.`);
      if (!(await repo.takeStock(reward.id))) throw fieldError("rewardId", LoyaltyErrorCode.OUT_OF_STOCK, "This reward is out of stock.");
      const voucherCode = reward.kind === "VOUCHER" ? `LOY-${randomBytes(4).toString("hex").toUpperCase()}` : null;
      const rid = await repo.insertRedemption({
        rewardId: reward.id, memberId, idempotencyKey: input.idempotencyKey, pointType: reward.pointType, points: cost,
        status: reward.kind === "PRODUCT" ? "REQUESTED" : "ISSUED", voucherCode,
      });
      await webhookService.emit("points.redeemed", `points.redeemed:${rid}`, { redemptionId: rid, memberId, rewardId: reward.id, reward: reward.name, kind: reward.kind, pointType: reward.pointType, points: cost });
      const txs: PendingTx[] = [{
        key: `redeem:${rid}`, reason: "POINTS_REDEEMED", reference: { type: "REDEMPTION", id: String(rid) }, memo: `Redeemed: ${reward.name}`, at: now,
        legs: [{ holder: memberId, kind: "POINTS", unit: reward.pointType, amount: -cost }, { holder: null, kind: "POINTS_REDEEMED", unit: reward.pointType, amount: cost }],
      }];
      if (reward.kind === "CASHBACK") {
        txs.push({
          key: `redeem:${rid}:cashback`, reason: "LOYALTY_CASHBACK", reference: { type: "REDEMPTION", id: String(rid) }, memo: `Cashback for ${plural(cost, "points")}`, at: now,
          legs: [{ holder: null, kind: "LOYALTY_CASHBACK", unit: reward.cashbackCurrency!, amount: -reward.cashbackAmount! }, { holder: memberId, kind: "WALLET", unit: reward.cashbackCurrency!, amount: reward.cashbackAmount! }],
        });
      }
      const b = new Batch(program!, now, members);
      b.txs.push(...txs);
      b.touched.add(memberId);
      b.notes.push({ memberId, kind: "REDEMPTION", title: `Redeemed: ${reward.name}`, body: voucherCode ? `Your code: ${voucherCode}` : reward.kind === "PRODUCT" ? "We will tell you when it ships." : `${plural(cost, "points")} spent.` });
      await writeBatch(b);
      return rid;
    }, LEAN);
    return (await repo.redemption(id))!;
  },

  /**
   * What paying part of an order of `total` (hundredths) in `currency` with points allows
   * the member: the terms (point type, value, minimum, most for this order) and their
   * balance of that type, or why points cannot pay.
   */
  async checkoutOffer(buyer: Buyer, currency: string, total: number): Promise<{ terms: CheckoutTerms; pointTypeName: string; balance: number } | { error: string }> {
    const program = await this.program();
    const t = checkoutTerms(program, currency, total);
    if ("error" in t) return t;
    const accounts = buyer.customerId != null ? await ledgerService.customerAccounts([buyer.customerId], ["POINTS"]) : await ledgerService.ownedAccountsOfKinds([buyer.memberId], ["POINTS"]);
    const balance = accounts.find((a) => a.unit === t.terms.pointType)?.posted ?? 0;
    return { ...t, pointTypeName: program!.pointTypes.find((x) => x.code === t.terms.pointType)!.name, balance };
  },

  /** The checkout terms in a currency with the member's balance, for the order form and the API; null when points cannot pay. */
  async checkoutPoints(viewer: Viewer, memberId: number, currency: string, customerId: number | null = null) {
    if (customerId != null) memberId = await customerDistributor(viewer, customerId);
    else await accessService.requireSelfOr(viewer, memberId, "loyalty.read", "this member's points");
    const c = (await this.program())?.checkout;
    const offer = await this.checkoutOffer({ memberId, customerId }, currency.trim().toUpperCase(), 0);
    if (!c || "error" in offer) return null;
    return {
      pointType: offer.terms.pointType, pointTypeName: offer.pointTypeName, balance: offer.balance, minPoints: offer.terms.minPoints, maxShareOfOrder: c.maxShareOfOrder,
      valuePerPoint: String(offer.terms.value),
    };
  },

  /** What `points` pay under `terms` with `balance`, or why not (field "points"). */
  quoteCheckout: checkoutQuote,

  /**
   * Spends points on an order at checkout, inside the order's transaction: oldest points
   * first, one ledger transaction keyed by the order; fails with INSUFFICIENT_POINTS (the
   * order is not placed) when the member holds fewer than `points` now.
   */
  async spendAtCheckout(o: Buyer & { orderId: number; pointType: string; points: number }, at: Date): Promise<void> {
    const program = await this.program();
    if (!program) throw fieldError("points", LoyaltyErrorCode.NOT_AVAILABLE, "Points do not pay for orders at the moment.");
    const holder = buyerOf(o);
    const members = await repo.lockMembers([holder]);
    const took = await takePoints(holder, o.pointType, o.points);
    if (!took.ok) throw fieldError("points", LoyaltyErrorCode.INSUFFICIENT_POINTS, `${o.customerId != null ? "The customer has" : "You have"} ${took.have.toLocaleString("en-US")} points to spend.`);
    const b = new Batch(program, at, members);
    // Not "ORDER": those lots are what an order earned, which its refunds take back.
    const reference = { type: "CHECKOUT", id: String(o.orderId) };
    b.txs.push({
      key: `checkout:${o.orderId}`, reason: "POINTS_REDEEMED", reference, memo: `Paid with points: order #${o.orderId}`, at,
      legs: [{ holder, kind: "POINTS", unit: o.pointType, amount: -o.points }, { holder: null, kind: "POINTS_REDEEMED", unit: o.pointType, amount: o.points }],
    });
    b.touched.add(holder);
    await writeBatch(b);
    await webhookService.emit("points.redeemed", `points.redeemed:checkout:${o.orderId}`, { redemptionId: null, orderId: o.orderId, memberId: o.memberId, customerId: o.customerId ?? null, pointType: o.pointType, points: o.points });
  },

  /** Points an order paid with coming back (cancelled, refunded: `key` names which), inside the order's transaction. */
  async returnFromCheckout(o: Buyer & { orderId: number; pointType: string; points: number; key: string }, at: Date): Promise<void> {
    if (o.points <= 0) return;
    const program = (await this.program())!;
    const holder = buyerOf(o);
    const b = new Batch(program, at, await repo.lockMembers([holder]));
    givePointsBack(b, {
      memberId: holder, pointType: o.pointType, points: o.points, key: `checkout:${o.orderId}:${o.key}`, rule: "ORDER_POINTS_RETURNED",
      reference: { type: "CHECKOUT", id: String(o.orderId) }, memo: `Back from order #${o.orderId}`,
    });
    b.notes.push({ memberId: holder, kind: "POINTS_EARNED", at, title: `${plural(o.points, typeName(program, o.pointType))} back`, body: `From order #${o.orderId}.` });
    await writeBatch(b);
  },

  /** Where a redemption may go next (the fulfilment buttons). */
  nextRedemptionStatuses,

  async redemptions(viewer: Viewer, filter: { memberId?: number | null; status?: RedemptionStatus | null; kind?: RewardKind | null }, first: number, beforeId: number | null) {
    if (filter.memberId == null) requirePermission(viewer, "loyalty.read", "all redemptions");
    else await accessService.requireSelfOr(viewer, filter.memberId, "loyalty.read", "this member's redemptions");
    const size = pageSize(first);
    const { rows, total } = await repo.redemptions(filter, size + 1, beforeId);
    return toPage(rows, size, total);
  },

  /** Moves a physical reward through fulfilment (requested → packed → shipped → delivered); cancelling gives points and stock back. */
  async advanceRedemption(viewer: Viewer, id: number, status: RedemptionStatus): Promise<RedemptionRecord> {
    requirePermission(viewer, "loyalty.write", "fulfilment");
    const program = await this.program();
    await transaction(async () => {
      const r = await repo.redemption(id, true);
      if (!r) throw fieldError("id", LoyaltyErrorCode.NOT_FOUND, "No such redemption.");
      if (r.status === status) return;
      if (!nextRedemptionStatuses(r.status).includes(status)) throw fieldError("status", LoyaltyErrorCode.INVALID_TRANSITION, `A ${r.status.toLowerCase()} redemption cannot become ${status.toLowerCase()}.`);
      await repo.setRedemptionStatus(id, status);
      const members = await repo.lockMembers([r.memberId]);
      const b = new Batch(program!, new Date(), members);
      if (status === "CANCELLED") {
        await repo.giveBackStock(r.rewardId);
        givePointsBack(b, {
          memberId: r.memberId, pointType: r.pointType, points: r.points, key: `redeem:${id}:cancel`, rule: "REDEMPTION_CANCELLED",
          reference: { type: "REDEMPTION", id: String(id) }, memo: `Cancelled: ${r.rewardName}`,
        });
      }
      b.notes.push({ memberId: r.memberId, kind: "REDEMPTION", title: `${r.rewardName}: ${status.toLowerCase()}`, body: status === "CANCELLED" ? `${plural(r.points, "points")} are back in your balance.` : `Your reward is ${status.toLowerCase()}.` });
      await writeBatch(b);
    }, LEAN);
    return (await repo.redemption(id))!;
  },
};

