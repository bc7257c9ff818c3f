export enum Topic {
  TeamChanged = "TEAM_CHANGED",
  VolumeChanged = "VOLUME_CHANGED",
  OrderPlaced = "ORDER_PLACED",
  LedgerChanged = "LEDGER_CHANGED",
  CommissionRunProgress = "COMMISSION_RUN_PROGRESS",
  PointsChanged = "POINTS_CHANGED",
  AccessChanged = "ACCESS_CHANGED",
}

// Payloads are plain, serialisable data (events may cross Redis) and declared here, not
// imported from the domains that publish them: events sit below every domain.

/** A member's non-private fields. */
export interface PublicMemberSnapshot {
  id: number;
  firstName: string;
  lastName: string;
  country: string;
  referralCode: string;
  role: "ADMIN" | "DISTRIBUTOR";
  status: "ACTIVE" | "SUSPENDED" | "ERASED";
  preferredLeg: "LEFT" | "RIGHT";
  sponsorId: number | null;
  sponsorPath: number[];
  sponsorDepth: number;
  placementParentId: number | null;
  placementPosition: number | null;
  placementPath: number[];
  placementDepth: number;
  joinedAt: string;
}

/** A member's volume totals in one period (decimal strings). */
export interface VolumeTotalsSnapshot {
  memberId: number;
  periodId: number;
  pv: string;
  bv: string;
  gv: string;
  leftLeg: string;
  rightLeg: string;
  revision: number;
}

/** Someone joined: one event per sign-up, handed to the subscribers of the uplines in its paths. */
export interface TeamChangedEvent {
  kind: "JOINED";
  member: PublicMemberSnapshot;
}

/**
 * One applier batch changed volumes in a period: the new totals of every member it
 * touched, keyed by member id, each with the last order that changed it; and the orders
 * the batch applied. One event per batch; each subscriber looks up its own member, so the
 * payload is built once, not once per ancestor or per subscriber.
 */
export interface VolumeChangedEvent {
  periodId: number;
  orderIds: number[];
  totals: Record<string, VolumeTotalsSnapshot & { orderId: number | null }>;
}

/** A new order, for the admins' live sales feed. */
export interface OrderPlacedEvent {
  id: number;
  status: string;
  memberId: number;
  memberName: string;
  customerName: string | null;
  country: string;
  currency: string;
  total: string;
  pv: string;
  itemCount: number;
  placedAt: string;
}

/** A ledger account's balances in minor units, as one posting left them. */
export interface LedgerAccountSnapshot {
  id: number;
  ownerId: number | null;
  kind: string;
  unit: string;
  posted: number;
  pendingDebits: number;
  pendingCredits: number;
  revision: number;
}

/** Balances moved: every account one batch changed, as it is now. */
export interface LedgerChangedEvent {
  accounts: LedgerAccountSnapshot[];
}

export interface TopicPayloads {
  [Topic.TeamChanged]: TeamChangedEvent;
  [Topic.VolumeChanged]: VolumeChangedEvent;
  [Topic.OrderPlaced]: OrderPlacedEvent;
  [Topic.LedgerChanged]: LedgerChangedEvent;
  [Topic.CommissionRunProgress]: CommissionRunProgressEvent;
  [Topic.PointsChanged]: PointsChangedEvent;
  [Topic.AccessChanged]: AccessChangedEvent;
}

/**
 * Who may no longer do what they connected with: live connections (subscriptions) that
 * match close, so a sign-out or a revoked key ends them at once and new permissions take
 * effect when the client reconnects.
 */
export interface AccessChangedEvent {
  /** Sign-in sessions that ended (sign-out, password reset, erasure). */
  sessionIds?: string[];
  /** API keys revoked or rotated. */
  apiKeyIds?: number[];
  /** Members whose roles changed. */
  memberIds?: number[];
  /** A role's permissions changed: everyone with back-office grants. */
  staff?: boolean;
}

/** A commission run moved on (status, progress 0..1, stage). */
export interface CommissionRunProgressEvent {
  runId: number;
  status: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED";
  progress: number;
  stage: string;
}

/** A member's points as a batch of loyalty changes left them (built once per member, not per subscriber). */
export interface LoyaltySnapshot {
  memberId: number;
  balances: { pointType: string; balance: number; pending: number }[];
  tier: { code: string; name: string } | null;
  nextTier: { code: string; name: string; pointsNeeded: number } | null;
  tierPoints: number;
  progress: number;
  /** Badges this change earned. */
  newBadges: { code: string; name: string; earnedAt: string }[];
  revision: number;
}

/** Points, tiers or badges moved for these members (one event per applied batch). */
export interface PointsChangedEvent {
  members: LoyaltySnapshot[];
}
