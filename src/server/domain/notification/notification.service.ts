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
