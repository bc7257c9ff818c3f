import { currentViewer } from "@/server/auth/session";
import { auditService } from "@/server/domain/audit/audit.service";
import { can } from "@/server/domain/shared/access";

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
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"` },
  });
}
