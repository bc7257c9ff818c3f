import { accessService } from "@/server/domain/access/access.service";
import { forbidden } from "@/server/domain/shared/access";
import { pageSize } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { notificationRepository } from "./notification.repository";
import type { NewNotification } from "./notification.types";

/**
 * Tells members what happened to them. In-app now (the list on their pages); e-mail and
 * SMS channels come behind the same `notify` call. Joins the caller's transaction, so a
 * notification exists only if what it tells about does.
 */
export const notificationService = {
  /** The member's notifications, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return notificationRepository.personalData(memberId);
  },

  /** Erasure: notifications to the member go (they name people in their team). */
  forget(memberId: number): Promise<number> {
    return notificationRepository.forget(memberId);
  },

  notify(list: readonly NewNotification[]): Promise<void> {
    return notificationRepository.insert(list);
  },

  async list(viewer: Viewer, memberId: number, first: number, beforeId: string | null) {
    await accessService.requireSelfOr(viewer, memberId, "members.read", "these notifications");
    const size = pageSize(first);
    const [rows, unread] = await Promise.all([notificationRepository.list(memberId, size, beforeId), notificationRepository.unreadCount(memberId)]);
    return { rows, unread };
  },

  async markRead(viewer: Viewer, memberId: number, upToId: string | null): Promise<number> {
    if (viewer.id !== memberId || viewer.apiKeyId != null) throw forbidden("these notifications");
    return notificationRepository.markRead(memberId, upToId);
  },
};
