import type { Viewer } from "@/server/domain/shared/viewer";
import type { AccessChangedEvent } from "@/server/events/topics";

/**
 * How a live connection ends when access changes: 4401 when its sign-in session ended,
 * 4403 when its API key was revoked or rotated (the client does not retry either), 1012
 * when its member's permissions changed (the client reconnects and gets the new ones);
 * null when it is not concerned.
 */
export function closeCodeFor(viewer: Viewer | null, e: AccessChangedEvent): 4401 | 4403 | 1012 | null {
  if (!viewer) return null;
  if (viewer.sessionId && e.sessionIds?.includes(viewer.sessionId)) return 4401;
  if (viewer.apiKeyId != null && e.apiKeyIds?.includes(viewer.apiKeyId)) return 4403;
  if (viewer.apiKeyId == null && e.memberIds?.includes(viewer.id)) return 1012;
  if (e.staff && viewer.apiKeyId == null && viewer.grants.length > 0) return 1012;
  return null;
}
