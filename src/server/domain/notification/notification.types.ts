/** What a notification is about (the channel a member may mute later keys on it). */
export type NotificationKind = "POINTS_EARNED" | "POINTS_ACTIVE" | "POINTS_EXPIRING" | "POINTS_EXPIRED" | "TIER_CHANGED" | "BADGE_EARNED" | "REDEMPTION" | "CASHBACK";

export interface NewNotification {
  memberId: number;
  kind: NotificationKind;
  title: string;
  body: string;
  /** When it happened (history imported later keeps its time); now by default. */
  at?: Date;
}

export interface NotificationRecord extends Omit<NewNotification, "at"> {
  id: string;
  createdAt: Date;
  readAt: Date | null;
}
