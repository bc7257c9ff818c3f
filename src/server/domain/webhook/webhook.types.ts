/** What a receiver can subscribe to. */
export const WEBHOOK_EVENTS = {
  "member.joined": "A member signed up (or was placed) in the tree",
  "order.paid": "An order was paid",
  "order.refunded": "An order was refunded (partly or fully) or a paid order was cancelled",
  "volume.changed": "An order's volume was credited or taken back: the period totals of the buyer and every upline it reached, once applied (position orders the events)",
  "rank.changed": "A committed commission run raised a member's achieved rank",
  "commission_run.committed": "A commission run paid a period",
  "payout.paid": "A payout batch was paid (one event per withdrawal)",
  "points.earned": "A member earned points (an order, a sign-up, a referral, a mission, a grant...), pending or available, or got them back from a cancelled redemption",
  "points.redeemed": "A member redeemed a reward with points",
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;

export interface WebhookEndpointRecord {
  id: number;
  url: string;
  description: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: Date;
  /** Deliveries not yet made (pending) and given up (failed). */
  pending: number;
  failed: number;
}

export type DeliveryStatus = "PENDING" | "DELIVERED" | "FAILED";

export interface WebhookDeliveryRecord {
  id: string;
  endpointId: number;
  eventId: string;
  eventType: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** A delivery claimed for sending, with what signing it needs. */
export interface ClaimedDelivery extends WebhookDeliveryRecord {
  url: string;
  secret: string;
}

export interface WebhookEndpointInput {
  url: string;
  description?: string | null;
  events: readonly string[];
  active?: boolean | null;
}
