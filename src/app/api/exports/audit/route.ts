import { currentViewer } from "@/server/auth/session";
import { auditService } from "@/server/domain/audit/audit.service";
import { can } from "@/server/domain/shared/access";
import { streamedDownload } from "../download";

export const dynamic = "force-dynamic";

/** GET /api/exports/audit?q=&action=&actor=&target= — the audit log as CSV (audit.read), streamed. */
export async function GET(request: Request): Promise<Response> {
  const viewer = await currentViewer();
  if (!viewer) return new Response("Sign in first.\n", { status: 401 });
  if (!can(viewer, "audit.read")) return new Response("You may not read the audit log.\n", { status: 403 });
  const p = new URL(request.url).searchParams;
  const actor = p.get("actor") ?? "";
  const chunks = auditService.csv(viewer, {
    search: p.get("q")?.slice(0, 100) || null,
    action: p.get("action")?.slice(0, 60) || null,
    actorId: /^\d{1,9}$/.test(actor) ? Number(actor) : null,
    targetId: p.get("target")?.slice(0, 40) || null,
  });
  return streamedDownload(chunks, `audit-${new Date().toISOString().slice(0, 10)}.csv`);
}
