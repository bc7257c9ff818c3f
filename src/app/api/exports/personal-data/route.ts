import { currentViewer } from "@/server/auth/session";
import { privacyService } from "@/server/domain/privacy/privacy.service";
import { streamedDownload } from "../download";

export const dynamic = "force-dynamic";

/**
 * GET /api/exports/personal-data — everything the company holds about you, as one JSON
 * file. ?member=<id>: someone else's (support answering a request; members.personal
 * covering them; audited).
 */
export async function GET(request: Request): Promise<Response> {
  const viewer = await currentViewer();
  if (!viewer) return new Response("Sign in first.\n", { status: 401 });
  const raw = new URL(request.url).searchParams.get("member");
  if (raw != null && !/^\d{1,9}$/.test(raw)) return new Response("member is not a member id.\n", { status: 400 });
  const memberId = raw == null ? viewer.id : Number(raw);
  const stamp = new Date().toISOString().slice(0, 10);
  return streamedDownload(privacyService.exportData(viewer, memberId), `personal-data-${memberId}-${stamp}.json`, "application/json; charset=utf-8");
}
