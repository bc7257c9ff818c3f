import { currentViewer } from "@/server/auth/session";
import { can } from "@/server/domain/shared/access";
import { walletService } from "@/server/domain/wallet/wallet.service";

export const dynamic = "force-dynamic";

/** GET /api/exports/payout-batches/<id>: the bank file of a payout batch (admins). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const viewer = await currentViewer();
  if (!viewer) return new Response("Sign in first.\n", { status: 401 });
  if (!can(viewer, "payouts.manage")) return new Response("You may not see payout batches.\n", { status: 403 });
  const { id } = await params;
  if (!/^\d{1,9}$/.test(id) || !(await walletService.batch(viewer, Number(id)))) return new Response("No such payout batch.\n", { status: 404 });
  const csv = await walletService.batchCsv(viewer, Number(id));
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="payout-batch-${id}.csv"` },
  });
}
