import { Card, Text, Title } from "@tremor/react";
import { codeLabel, formatCount, groupDigits } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { ACCOUNT_KINDS } from "@/server/domain/ledger/ledger.types";
import { ledgerExplorerService } from "@/server/domain/wallet/wallet.service";

export const metadata = { title: "Ledger" };

const KINDS: readonly string[] = ACCOUNT_KINDS;

export default async function LedgerPage({ searchParams }: { searchParams: Promise<{ kind?: string; unit?: string; owner?: string; after?: string }> }) {
  const viewer = await requirePageViewer("wallets.read");
  const p = await searchParams;
  const filter = {
    kind: KINDS.includes(p.kind ?? "") ? p.kind! : null,
    unit: /^[A-Z][A-Z0-9_]{1,31}$/.test(p.unit ?? "") ? p.unit! : null,
    ownerId: /^\d{1,9}$/.test(p.owner ?? "") ? Number(p.owner) : null,
  };
  const after = /^\d{1,9}$/.test(p.after ?? "") ? Number(p.after) : null;
  const [trial, accounts] = await Promise.all([ledgerExplorerService.trialBalance(viewer), ledgerExplorerService.accounts(viewer, filter, 50, after)]);
  const query = (extra: Record<string, string | number>) =>
    new URLSearchParams(Object.entries({ ...(filter.kind ? { kind: filter.kind } : {}), ...(filter.unit ? { unit: filter.unit } : {}), ...(filter.ownerId ? { owner: filter.ownerId } : {}), ...extra }).map(([k, v]) => [k, String(v)])).toString();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Ledger</h1>
        <p className="text-sm text-gray-500">Every movement of money and points is a balanced transaction; each unit's accounts sum to zero.</p>
      </div>
      <Card>
        <Title>Trial balance</Title>
        <table className="mt-3 w-full text-left text-sm" data-testid="trial-balance">
          <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Unit</th><th className="pr-3 text-right">Settled</th><th className="pr-3 text-right">Pending</th><th className="text-right">All postings</th></tr></thead>
          <tbody className="divide-y divide-gray-100">
            {trial.map((t) => {
              const ok = [t.total, t.pending, t.postings].every((v) => Number(v) === 0);
              return (
                <tr key={t.unit}>
                  <td className="py-2 pr-3">{t.unit} {ok ? <span className="text-emerald-700">✓ balanced</span> : <span className="font-semibold text-red-600">out of balance</span>}</td>
                  <td className="pr-3 text-right tabular-nums">{groupDigits(t.total)}</td>
                  <td className="pr-3 text-right tabular-nums">{groupDigits(t.pending)}</td>
                  <td className="text-right tabular-nums">{groupDigits(t.postings)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Card>
      <Card>
        <Title>Accounts ({formatCount(accounts.totalCount)})</Title>
        <form className="mt-3 flex flex-wrap items-end gap-2 text-sm" method="get">
          <select name="kind" defaultValue={filter.kind ?? ""} className="field max-w-[14rem]" aria-label="Kind">
            <option value="">All kinds</option>
            {KINDS.map((k) => <option key={k} value={k}>{codeLabel(k)}</option>)}
          </select>
          <input name="unit" defaultValue={filter.unit ?? ""} placeholder="Unit (USD, REWARD)" className="field max-w-[10rem]" aria-label="Unit" />
          <input name="owner" defaultValue={filter.ownerId ?? ""} placeholder="Member number" className="field max-w-[10rem]" aria-label="Owner" />
          <button className="btn">Filter</button>
        </form>
        {accounts.rows.length === 0 ? <Text className="mt-3">No accounts match.</Text> : (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="ledger-accounts">
              <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Account</th><th className="pr-3">Owner</th><th className="pr-3">Kind</th><th className="pr-3 text-right">Settled</th><th className="pr-3 text-right">Held</th><th className="text-right">Incoming</th></tr></thead>
              <tbody className="divide-y divide-gray-100">
                {accounts.rows.map((a) => (
                  <tr key={a.id}>
                    <td className="py-2 pr-3"><a className="text-blue-700 hover:underline" href={`/admin/ledger/${a.id}`}>#{a.id} · {a.unit}</a></td>
                    <td className="pr-3">{a.ownerId ? <a className="text-blue-700 hover:underline" href={`/admin/members/${a.ownerId}`}>{a.ownerName ?? `member ${a.ownerId}`}</a> : a.customerId ? `customer ${a.customerId}` : "company"}</td>
                    <td className="pr-3">{codeLabel(a.kind)}</td>
                    <td className="pr-3 text-right tabular-nums">{groupDigits(a.posted)}</td>
                    <td className="pr-3 text-right tabular-nums">{groupDigits(a.pendingDebits)}</td>
                    <td className="text-right tabular-nums">{groupDigits(a.pendingCredits)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {accounts.hasNextPage ? <a className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/admin/ledger?${query({ after: accounts.rows.at(-1)!.id })}`}>Next</a> : null}
      </Card>
    </div>
  );
}
