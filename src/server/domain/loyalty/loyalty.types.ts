import type { DocumentChange } from "@/server/domain/shared/document";

/**
 * Who holds points. Members and retail customers both earn: loyalty rows (events, lots,
 * badges, the enrolment) key by a holder id, a member's id or minus a customer's id
 * (`loyalty_member` keeps a foreign key for each kind). A customer is enrolled by their
 * first paid order; they have no login, so they get no notifications or live pushes, and
 * their distributor (and staff) read their points.
 */
export const customerHolder = (customerId: number): number => -customerId;
export const isCustomerHolder = (holder: number): boolean => holder < 0;
/** The ledger's owner of a holder's accounts (null holder: the company). */
export const ledgerOwner = (holder: number | null): { ownerId: number | null; customerId: number | null } =>
  holder != null && holder < 0 ? { ownerId: null, customerId: -holder } : { ownerId: holder, customerId: null };

/** Something that earns or takes back points, as appended where it happened. */
export type LoyaltyEventInput =
  | { type: "ORDER_PAID"; payload: OrderPaidPayload }
  | { type: "ORDER_REFUNDED"; payload: OrderRefundedPayload }
  | { type: "SIGNUP"; payload: Record<string, never> }
  | { type: "CUSTOM"; payload: { name: string; value: number | null; rank?: string; ranks?: string[] } }
  | { type: "GRANT"; payload: { pointType: string; points: number; reason: string; rule: string } }
  | { type: "SPONSORED"; payload: SponsoredPayload };

/**
 * Appended by the applier for a member's sponsor when the member signs up (a recruit) or
 * pays their first order (the referral bonus): the sponsor's part is applied with the
 * sponsor's own events.
 */
export interface SponsoredPayload {
  of: "SIGNUP" | "FIRST_ORDER";
  /** The member sponsored. */
  memberId: number;
  firstName: string;
  orderId: number | null;
}

export interface OrderPaidPayload {
  orderId: number;
  currency: string;
  /** Lines in minor units per unit price; categories are looked up when the event is applied. */
  lines: { productId: number; sku: string; quantity: number; unitPrice: number }[];
  /** The share of the total paid in money when points paid part of it (spending points are earned on that share only). */
  cashShare?: number;
}

export interface OrderRefundedPayload {
  orderId: number;
  /** Refunded so far and the order's total, in minor units: the share of the points to take back. */
  refunded: number;
  total: number;
}

export type LoyaltyEventType = LoyaltyEventInput["type"];

export interface NewLoyaltyEvent {
  key: string;
  memberId: number;
  occurredAt: Date;
  event: LoyaltyEventInput;
}

export interface ProgramVersionRecord {
  id: number;
  number: number;
  document: unknown;
  comment: string;
  authorId: number | null;
  createdAt: Date;
  changes: DocumentChange[];
}

/** A member's points of one type (whole points). */
export interface PointsBalance {
  pointType: string;
  name: string;
  balance: number;
  pending: number;
  /** Active points that expire within the programme's warning days, and the first date. */
  expiringSoon: number;
  nextExpiry: Date | null;
  redeemable: boolean;
  /** What the balance is worth in the member's currency (decimal string), when the programme says. */
  worth: { currency: string; amount: string; perPoint: number } | null;
}

export interface TierView {
  code: string;
  name: string;
  threshold: number;
  multiplier: number;
  benefits: string[];
}

export interface BadgeRecord {
  code: string;
  name: string;
  description: string;
  earnedAt: Date;
}

export interface LoyaltyAccount {
  /** The member; for a retail customer's account, the distributor they buy through. */
  memberId: number;
  /** The retail customer whose account it is; null for a member's. */
  customerId: number | null;
  balances: PointsBalance[];
  /** Cashback by currency (decimal strings): pending through orders' return windows, and paid to the wallet. */
  cashback: { currency: string; pending: string; paid: string }[];
  tier: TierView | null;
  tierSince: Date | null;
  tierFloor: string | null;
  nextTier: { code: string; name: string; pointsNeeded: number } | null;
  /** Basis points earned in the tier window (0..1 of the way to the next tier in `progress`). */
  tierPoints: number;
  progress: number;
  badges: BadgeRecord[];
  revision: number;
}

/** One movement of a member's points, saying why. */
export interface PointsMovement {
  id: string;
  pointType: string;
  /** Signed: points in are positive. */
  amount: number;
  /** ACTIVE or PENDING (locked until the return window passes). */
  bucket: "ACTIVE" | "PENDING";
  reason: string;
  description: string;
  referenceType: string | null;
  referenceId: string | null;
  at: Date;
}

export type RewardKind = "PRODUCT" | "VOUCHER" | "CASHBACK" | "PERK";

export interface RewardRecord {
  id: number;
  name: string;
  description: string;
  kind: RewardKind;
  pointType: string;
  pointsCost: number;
  tierCosts: Record<string, number>;
  minTier: string | null;
  /** Offered to this segment's members only. */
  segment: string | null;
  stock: number | null;
  countries: string[];
  validFrom: Date | null;
  validUntil: Date | null;
  cashbackAmount: number | null;
  cashbackCurrency: string | null;
  active: boolean;
}

export interface RewardFilter {
  kind?: RewardKind | null;
  /** Only what this member may redeem now (country, tier, dates, stock). */
  availableTo?: number | null;
  includeInactive?: boolean;
}

export type RedemptionStatus = "ISSUED" | "REQUESTED" | "PACKED" | "SHIPPED" | "DELIVERED" | "CANCELLED";

export interface RedemptionRecord {
  id: number;
  rewardId: number;
  rewardName: string;
  rewardKind: RewardKind;
  memberId: number;
  memberName: string;
  pointType: string;
  points: number;
  status: RedemptionStatus;
  voucherCode: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface LoyaltyReport {
  pointType: string;
  issued: number;
  redeemed: number;
  expired: number;
  reversed: number;
  pending: number;
  outstanding: number;
  /** redeemed ÷ (issued − reversed − pending). */
  redemptionRate: number;
}

/** A mission as a member sees it: its steps with how far they are, and when they completed it. */
export interface MissionRecord {
  code: string;
  name: string;
  description: string;
  from: string | null;
  until: string | null;
  rewardPointType: string;
  rewardPoints: number;
  steps: { label: string; done: number; needed: number }[];
  completedAt: Date | null;
}

/** A segment of the programme with how many members it holds now and what uses it. */
export interface SegmentRecord {
  code: string;
  name: string;
  description: string;
  conditions: string;
  members: number;
  usedBy: string[];
}

export type CampaignStatus = "SCHEDULED" | "RUNNING" | "ENDED" | "SPENT";

/** An earning rule limited in time, to a segment or countries, or by a budget: a campaign. */
export interface CampaignRecord {
  code: string;
  name: string;
  type: string;
  pointType: string;
  from: string | null;
  until: string | null;
  /** Only on these days (holidays); empty: every day of the window. */
  days: string[];
  segment: string | null;
  countries: string[];
  budget: number | null;
  used: number;
  status: CampaignStatus;
}

export interface MissionReportRecord {
  code: string;
  name: string;
  from: string | null;
  until: string | null;
  segment: string | null;
  completions: number;
  pointsGranted: number;
  lastCompletedAt: Date | null;
}

/** An achievement a member may share: a badge or their tier, with its signed public path. */
export interface ShareLink {
  achievement: string;
  title: string;
  path: string;
}

/** What a share card shows: the member's first name and initial, the achievement, the referral code its links carry. */
export interface ShareCard {
  name: string;
  title: string;
  description: string;
  kind: "BADGE" | "TIER";
  since: Date | null;
  referralCode: string;
}
