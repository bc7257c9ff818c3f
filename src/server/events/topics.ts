export enum Topic {
  TeamChanged = "TEAM_CHANGED",
  VolumeChanged = "VOLUME_CHANGED",
  OrderPlaced = "ORDER_PLACED",
}

import type { MemberRecord } from "@/server/domain/member/member.types";
import type { VolumeTotalsRecord } from "@/server/domain/volume/volume.types";

/** A member's non-private fields, serialisable (events may cross Redis). */
export type PublicMemberSnapshot = Omit<MemberRecord, "email" | "phone" | "joinedAt"> & { joinedAt: string };

/** Someone joined: one event per sign-up; subscribers filter by the member's paths. */
export interface TeamChangedEvent {
  kind: "JOINED";
  member: PublicMemberSnapshot;
}

/**
 * One order changed volumes: the new totals of every member it touched, keyed by member
 * id. One event per order; each subscriber looks up its own member, so the payload is
 * built once, not once per ancestor or per subscriber.
 */
export interface VolumeChangedEvent {
  orderId: number | null;
  periodId: number;
  totals: Record<string, VolumeTotalsRecord>;
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

export interface TopicPayloads {
  [Topic.TeamChanged]: TeamChangedEvent;
  [Topic.VolumeChanged]: VolumeChangedEvent;
  [Topic.OrderPlaced]: OrderPlacedEvent;
}
