import { Card, Title } from "@tremor/react";
import { notFound } from "next/navigation";
import { codeLabel, formatDateTime, groupDigits } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { ledgerExplorerService } from "@/server/domain/wallet/wallet.service";

export const metadata = { title: "Ledger account" };

export default async function LedgerAccountPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ after?: string }> }) {
  const viewer = await requirePageViewer("wallets.read");
  const { id } = await params;
  const { after } = await searchParams;
  if (!/^\d{1,9}$/.test(id)) notFound();
  const account = await ledgerExplorerService.account(viewer, Number(id));
  if (!account) notFound();
  const lines = await ledgerExplorerService.postings(viewer, account.id, 50, after && /^\d+$/.test(after) ? after : null);
  return (
    <div className="space-y-6">
      <div>
        <a href="/admin/ledger" className="text-sm text-blue-700 hover:underline">← Ledger</a>
        <h1 className="text-2xl font-semibold">Account #{account.id}: {codeLabel(account.kind)} · {account.unit}</h1>
        <p className="text-sm text-gray-500">
          {account.ownerId ? <>Member <a className="text-blue-700 hover:underline" href={`/admin/members/${account.ownerId}`}>{account.ownerId}</a></> : account.customerId ? `Retail customer ${account.customerId}` : "The company"} ·
          settled {groupDigits(account.posted)} · held {groupDigits(account.pendingDebits)} · incoming {groupDigits(account.pendingCredits)}{account.noNegative ? " · may not go negative" : ""}
        </p>
      </div>
      <Card>
        <Title>Postings ({lines.totalCount})</Title>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="ledger-postings">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">When</th><th className="pr-3">Transaction</th><th className="pr-3">Why</th><th className="pr-3 text-right">Amount</th><th className="text-right">Balance after</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {lines.rows.map((l) => (
                <tr key={l.id}>
                  <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(l.createdAt)}</td>
                  <td className="pr-3">#{l.transactionId}{l.status !== "POSTED" ? ` (${l.status.toLowerCase()})` : ""}</td>
                  <td className="pr-3">{l.description}{l.reference ? <span className="block text-xs text-gray-500">{l.reference.type.toLowerCase()} {l.reference.id}</span> : null}</td>
                  <td className="pr-3 text-right tabular-nums">{groupDigits(l.amount)}</td>
                  <td className="text-right tabular-nums">{l.balanceAfter == null ? "" : groupDigits(l.balanceAfter)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {lines.hasNextPage ? <a className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/admin/ledger/${account.id}?after=${lines.rows.at(-1)!.id}`}>Older</a> : null}
      </Card>
    </div>
  );
}
