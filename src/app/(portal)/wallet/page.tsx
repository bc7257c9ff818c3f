import { Card, Text, Title } from "@tremor/react";
import { LiveBalances } from "@/components/wallet/live-balances";
import { TransferForm, WithdrawalForm } from "@/components/wallet/wallet-forms";
import { formatDateTime, formatMoney, fullName } from "@/lib/format";
import { defaultCurrencyFor } from "@/lib/money";
import { requirePageViewer } from "@/server/auth/session";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { memberService } from "@/server/domain/member/member.service";
import { walletService } from "@/server/domain/wallet/wallet.service";

export const metadata = { title: "Wallet" };

const STATUS_STYLE: Record<string, string> = {
  REQUESTED: "bg-amber-100 text-amber-800", APPROVED: "bg-blue-100 text-blue-800", PAID: "bg-emerald-100 text-emerald-800", REJECTED: "bg-red-100 text-red-800",
  PENDING: "bg-amber-100 text-amber-800", VOIDED: "bg-gray-100 text-gray-500", POSTED: "",
};

export default async function WalletPage({ searchParams }: { searchParams: Promise<{ currency?: string; after?: string }> }) {
  const viewer = await requirePageViewer();
  const p = await searchParams;
  const me = (await memberService.findById(viewer.id))!;
  const [balances, payoutMethod, withdrawals, config, upline, directs] = await Promise.all([
    walletService.balances(viewer, viewer.id),
    walletService.payoutMethod(viewer, viewer.id),
    walletService.withdrawals(viewer, { memberId: viewer.id }, 10, null), // their own, also for staff who may read everyone's
    walletService.config(),
    me.sponsorPath.length > 1 ? genealogyService.upline(viewer, viewer.id, "SPONSOR") : Promise.resolve([]),
    me.sponsorPath.length > 0 ? genealogyService.downline(viewer, { memberId: viewer.id, tree: "SPONSOR", maxDepth: 1, first: 200 }) : null,
  ]);
  const currencies = [...new Set([...balances.map((b) => b.currency), defaultCurrencyFor(me.country)])].sort();
  const currency = p.currency && currencies.includes(p.currency) ? p.currency : balances[0]?.currency ?? defaultCurrencyFor(me.country);
  const after = /^\d{1,18}$/.test(p.after ?? "") ? p.after! : null;
  const history = await walletService.history(viewer, viewer.id, currency, 25, after);
  const recipients = [...upline.slice(-3).reverse(), ...(directs?.rows.map((e) => e.node) ?? [])].map((m) => ({ id: m.id, name: fullName(m) }));
  const t = config.transfers;
  const w = config.withdrawals;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Wallet</h1>
        <p className="text-sm text-gray-500">Your commissions and transfers. Balances update live.</p>
      </div>
      <LiveBalances memberId={String(viewer.id)} initial={balances} />
      <div className="grid gap-4 lg:grid-cols-2">
        {t.enabled ? (
          <TransferForm
            currencies={currencies}
            recipients={recipients}
            rules={`${t.scope === "UPLINE_DOWNLINE" ? "To members of your upline and downline. " : ""}From ${t.min} to ${t.max}${t.feeBasisPoints || Number(t.feeFixed) ? `, fee ${t.feeFixed}${t.feeBasisPoints ? ` + ${t.feeBasisPoints / 100} %` : ""}` : ", no fee"}.`}
          />
        ) : null}
        {w.enabled ? (
          <WithdrawalForm currencies={currencies} payoutMethod={payoutMethod} rules={`At least ${w.min}; fee ${w.feeFixed}${w.feeBasisPoints ? ` + ${w.feeBasisPoints / 100} %` : ""}. Paid in the company's next payout run.`} />
        ) : null}
      </div>
      <Card>
        <Title>Withdrawals</Title>
        {withdrawals.rows.length === 0 ? <Text className="mt-2">None yet.</Text> : (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="my-withdrawals">
              <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">#</th><th className="pr-3">Requested</th><th className="pr-3 text-right">Amount</th><th className="hidden pr-3 text-right sm:table-cell">Fee</th><th>Status</th></tr></thead>
              <tbody className="divide-y divide-gray-100">
                {withdrawals.rows.map((r) => (
                  <tr key={r.id}>
                    <td className="py-2 pr-3">#{r.id}</td>
                    <td className="pr-3">{formatDateTime(r.requestedAt)}</td>
                    <td className="pr-3 text-right tabular-nums">{formatMoney(r.amount, r.currency)}</td>
                    <td className="hidden pr-3 text-right tabular-nums sm:table-cell">{formatMoney(r.fee, r.currency)}</td>
                    <td>
                      <span className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[r.status]}`} data-testid={`withdrawal-status-${r.id}`}>{r.status.toLowerCase()}</span>
                      {r.rejectReason ? <span className="block text-xs text-gray-500">{r.rejectReason}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Title>History ({currency})</Title>
          <div className="flex gap-2 text-sm">
            {currencies.map((c) => <a key={c} href={`/wallet?currency=${c}`} className={c === currency ? "font-semibold" : "text-blue-700 hover:underline"}>{c}</a>)}
          </div>
        </div>
        {history.rows.length === 0 ? <Text className="mt-2">No movements yet.</Text> : (
          <ul className="mt-3 divide-y divide-gray-100 text-sm" data-testid="wallet-history">
            {history.rows.map((l) => (
              <li key={l.id} className="flex flex-wrap items-baseline justify-between gap-x-4 py-2">
                <span className="min-w-0 flex-1">
                  {l.description}
                  {l.status !== "POSTED" ? <span className={`ml-2 rounded px-1.5 py-0.5 text-xs ${STATUS_STYLE[l.status]}`}>{l.status === "PENDING" ? "held" : "released"}</span> : null}
                  <span className="block text-xs text-gray-500">{formatDateTime(l.createdAt)}</span>
                </span>
                <span className={`tabular-nums ${l.amount.startsWith("-") ? "text-gray-900" : "text-emerald-700"}`}>{formatMoney(l.amount, l.currency)}</span>
                <span className="w-28 text-right text-xs tabular-nums text-gray-500">{l.balanceAfter != null ? formatMoney(l.balanceAfter, l.currency) : ""}</span>
              </li>
            ))}
          </ul>
        )}
        {history.hasNextPage ? <a className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/wallet?currency=${currency}&after=${history.rows.at(-1)!.id}`}>Older</a> : null}
      </Card>
    </div>
  );
}
