import { Card } from "@tremor/react";
import Link from "next/link";
import { formatDateTime } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { auditService } from "@/server/domain/audit/audit.service";

export const metadata = { title: "Audit log" };

type Params = { q?: string; action?: string; actor?: string; target?: string; before?: string };

function short(value: unknown): string {
  if (value == null) return "";
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  const viewer = await requirePageViewer("audit.read");
  const p = await searchParams;
  const filter = {
    search: p.q?.slice(0, 100) || null,
    action: p.action?.slice(0, 60) || null,
    actorId: /^\d{1,9}$/.test(p.actor ?? "") ? Number(p.actor) : null,
    targetId: p.target?.slice(0, 40) || null,
  };
  const before = /^\d{1,18}$/.test(p.before ?? "") ? p.before! : null;
  const page = await auditService.search(viewer, filter, 50, before);
  const keep = new URLSearchParams(Object.entries({ q: p.q, action: p.action, actor: p.actor, target: p.target }).filter(([, v]) => v) as [string, string][]);
  const last = page.rows[page.rows.length - 1];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold">Audit log</h1>
          <p className="text-sm text-gray-500">Append-only: permission changes and admin actions on members and money, with who, when and from where. {page.totalCount} entries match.</p>
        </div>
        <a className="btn-secondary" href={`/api/exports/audit?${keep}`}>Export CSV</a>
      </div>
      <form className="flex flex-wrap gap-2" method="get">
        <input className="field w-56" name="q" defaultValue={p.q} placeholder="Search (words in what changed)" aria-label="Search the audit log" />
        <input className="field w-44" name="action" defaultValue={p.action} placeholder="Action, e.g. role.assign" aria-label="Action" />
        <input className="field w-32" name="actor" defaultValue={p.actor} placeholder="Actor number" inputMode="numeric" aria-label="Actor" />
        <input className="field w-32" name="target" defaultValue={p.target} placeholder="Target id" aria-label="Target" />
        <button className="btn">Search</button>
      </form>
      <Card>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="audit-log">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">When</th><th>Who</th><th>Action</th><th>Target</th><th>Before → after</th><th>From</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {page.rows.map((r) => (
                <tr key={r.id} className="align-top">
                  <td className="whitespace-nowrap py-2 text-gray-500">{formatDateTime(r.at)}</td>
                  <td>{r.actorName ?? (r.apiKeyId ? `API key #${r.apiKeyId}` : "system")}</td>
                  <td><code className="text-xs">{r.action}</code></td>
                  <td>{r.targetType}{r.targetId ? ` #${r.targetId}` : ""}</td>
                  <td className="max-w-md break-all text-xs text-gray-600">{r.before != null ? <span className="text-red-700">{short(r.before)}</span> : null}{r.before != null && r.after != null ? " → " : null}{r.after != null ? <span className="text-green-700">{short(r.after)}</span> : null}</td>
                  <td className="text-xs text-gray-500">{r.ip ?? ""}</td>
                </tr>
              ))}
              {page.rows.length === 0 ? <tr><td colSpan={6} className="py-3 text-gray-500">Nothing matches.</td></tr> : null}
            </tbody>
          </table>
        </div>
        {page.hasNextPage && last ? <Link className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/admin/audit?${new URLSearchParams([...keep, ["before", last.id]])}`}>Older →</Link> : null}
      </Card>
    </div>
  );
}
