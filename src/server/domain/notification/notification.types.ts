/** What a notification is about (the channel a member may mute later keys on it). */
export type NotificationKind = "POINTS_EARNED" | "POINTS_ACTIVE" | "POINTS_EXPIRING" | "POINTS_EXPIRED" | "TIER_CHANGED" | "BADGE_EARNED" | "REDEMPTION";

export interface NewNotification {
  memberId: number;
  kind: NotificationKind;
  title: string;
  body: string;
}

export interface NotificationRecord extends NewNotification {
  id: string;
  createdAt: Date;
  readAt: Date | null;
}
