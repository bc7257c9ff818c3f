import { requirePermission } from "@/server/domain/shared/access";
import { CommonErrorCode, fieldError } from "@/server/domain/shared/input.errors";
import { pageSize, toPage, type Page } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { communicationRepository } from "./communication.repository";
import type { MailRecord, NewMail, OutboxFilter } from "./communication.types";

/** Where links in mails point: NEXTAUTH_URL (the app's public address). */
export function appUrl(path: string): string {
  const base = (process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, "");
  return `${base}${path}`;
}

/**
 * Mail the app sends. There is no SMTP yet (the communication issue adds it): mails go to
 * the outbox, in the transaction of what caused them, where admins holding `mail.read`
 * can read them. The outbox holds password-reset links, so that permission is as strong
 * as signing in as anyone, and only super admins hold it by default.
 */
export const communicationService = {
  async send(mail: NewMail): Promise<void> {
    await communicationRepository.insert({ ...mail, subject: mail.subject.slice(0, 200), to: mail.to.slice(0, 320) });
  },

  async outbox(viewer: Viewer, filter: OutboxFilter, first: number | null, beforeId: string | null): Promise<Page<MailRecord>> {
    requirePermission(viewer, "mail.read", "the mail outbox");
    if (beforeId != null && !/^\d{1,9}$/.test(beforeId)) throw fieldError("after", CommonErrorCode.INVALID, "Not a cursor of the outbox.");
    const limit = pageSize(first, 50, 200);
    const { rows, totalCount } = await communicationRepository.search(filter, limit, beforeId == null ? null : Number(beforeId));
    return toPage(rows, limit, totalCount);
  },

  /** The mails sent to a member, for their data download (reset links in them have expired or will). */
  personalData(memberId: number): Promise<Record<string, string>> {
    return communicationRepository.personalData(memberId);
  },

  /** Erasure: the mails to a member go (they hold their name and address). */
  forget(memberId: number): Promise<number> {
    return communicationRepository.deleteForMember(memberId);
  },
};
