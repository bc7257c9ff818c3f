export enum Topic {
  TeamChanged = "TEAM_CHANGED",
}

import type { MemberRecord } from "@/server/domain/member/member.types";

/** A member's non-private fields, serialisable (events may cross Redis). */
export type PublicMemberSnapshot = Omit<MemberRecord, "email" | "phone" | "joinedAt"> & { joinedAt: string };

/** Someone joined: one event per sign-up; subscribers filter by the member's paths. */
export interface TeamChangedEvent {
  kind: "JOINED";
  member: PublicMemberSnapshot;
}

export interface TopicPayloads {
  [Topic.TeamChanged]: TeamChangedEvent;
}
