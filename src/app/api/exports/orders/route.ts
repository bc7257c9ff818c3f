import { currentViewer } from "@/server/auth/session";
import { orderExportService } from "@/server/domain/order/order-export.service";
import { can } from "@/server/domain/shared/access";
import { parseOrderFilter } from "@/lib/order-filter";
import { streamedDownload } from "../download";

export const dynamic = "force-dynamic";

/** GET /api/exports/orders?status=&from=&to=&currency=&memberId= — the admins' CSV export, streamed page by page. */
export async function GET(request: Request): Promise<Response> {
  const viewer = await currentViewer();
  if (!viewer) return new Response("Sign in first.\n", { status: 401 });
  if (!can(viewer, "orders.read") || !can(viewer, "members.personal")) return new Response("You may not export orders.\n", { status: 403 });
  const filter = parseOrderFilter(Object.fromEntries(new URL(request.url).searchParams));
  const chunks = orderExportService.csv(viewer, filter);
  return streamedDownload(chunks, `orders-${new Date().toISOString().slice(0, 10)}.csv`);
}
