/** A mail the app sends (to the outbox until SMTP is added). */
export interface NewMail {
  memberId: number | null;
  to: string;
  /** What kind of mail: "password_reset", "password_changed", ... */
  kind: string;
  subject: string;
  body: string;
}

export interface MailRecord extends NewMail {
  id: number;
  createdAt: Date;
}

export interface OutboxFilter {
  /** Part of the address. */
  to?: string | null;
  kind?: string | null;
}
