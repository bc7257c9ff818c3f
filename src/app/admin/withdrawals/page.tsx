import { Card, Text, Title } from "@tremor/react";
import { MarkBatchPaid, WithdrawalQueue } from "@/components/admin/withdrawal-queue";
import { formatDateTime, formatMoney } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { walletService } from "@/server/domain/wallet/wallet.service";
import type { WithdrawalStatusName } from "@/server/domain/wallet/wallet.types";

export const metadata = { title: "Withdrawals" };

const STATUSES: WithdrawalStatusName[] = ["REQUESTED", "APPROVED", "PAID", "REJECTED"];

export default async function WithdrawalsPage({ searchParams }: { searchParams: Promise<{ status?: string; before?: string }> }) {
  const viewer = await requirePageViewer(["withdrawals.approve", "payouts.manage"]);
  const p = await searchParams;
  // The queue opens on what waits for a decision; "all" lists every state.
  const status = p.status === "ALL" ? null : (STATUSES.find((s) => s === p.status) ?? "REQUESTED");
  const before = /^\d{1,9}$/.test(p.before ?? "") ? Number(p.before) : null;
  const [queue, batches] = await Promise.all([
    walletService.withdrawals(viewer, { status }, 100, before),
    walletService.batches(viewer, 20, null),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Withdrawals</h1>
        <p className="text-sm text-gray-500">Approve or reject requests (rejecting releases the held funds), batch the approved ones, export the bank file, mark the batch paid.</p>
      </div>
      <Card>
        <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
          <Title>Queue ({queue.totalCount})</Title>
          {STATUSES.map((s) => <a key={s} href={`/admin/withdrawals?status=${s}`} className={s === status ? "font-semibold" : "text-blue-700 hover:underline"}>{s.toLowerCase()}</a>)}
          <a href="/admin/withdrawals?status=ALL" className={status ? "text-blue-700 hover:underline" : "font-semibold"}>all</a>
        </div>
        <WithdrawalQueue
          rows={queue.rows.map((w) => ({
            id: w.id, memberId: w.memberId, memberName: w.memberName, amount: w.amount, fee: w.fee, currency: w.currency, status: w.status,
            iban: w.payoutIban, requestedAt: w.requestedAt.toISOString(), batchId: w.batchId,
          }))}
        />
        {queue.hasNextPage ? <a className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/admin/withdrawals?status=${status ?? "ALL"}&before=${queue.rows.at(-1)!.id}`}>Older</a> : null}
      </Card>
      <Card>
        <Title>Payout batches</Title>
        {batches.rows.length === 0 ? <Text className="mt-2">No batches yet.</Text> : (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="payout-batches">
              <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Batch</th><th className="pr-3">Created</th><th className="pr-3">Withdrawals</th><th className="pr-3">Total</th><th className="pr-3">Status</th><th></th></tr></thead>
              <tbody className="divide-y divide-gray-100">
                {batches.rows.map((b) => (
                  <tr key={b.id}>
                    <td className="py-2 pr-3">#{b.id}</td>
                    <td className="pr-3 whitespace-nowrap">{formatDateTime(b.createdAt)}</td>
                    <td className="pr-3">{b.withdrawals}</td>
                    <td className="pr-3 tabular-nums">{b.totals.map((t) => formatMoney(t.amount, t.currency)).join(", ")}</td>
                    <td className="pr-3">{b.status === "PAID" ? `paid ${formatDateTime(b.paidAt!)}` : "open"}</td>
                    <td className="space-x-2 whitespace-nowrap">
                      <a className="text-blue-700 hover:underline" href={`/api/exports/payout-batches/${b.id}`}>CSV</a>
                      {b.status === "OPEN" ? <MarkBatchPaid id={b.id} /> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
