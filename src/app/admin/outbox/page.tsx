import { Card } from "@tremor/react";
import Link from "next/link";
import { formatDateTime } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { communicationService } from "@/server/domain/communication/communication.service";

export const metadata = { title: "Mail outbox" };

type Params = { to?: string; kind?: string; before?: string };

export default async function OutboxPage({ searchParams }: { searchParams: Promise<Params> }) {
  const viewer = await requirePageViewer("mail.read");
  const p = await searchParams;
  const before = /^\d{1,9}$/.test(p.before ?? "") ? p.before! : null;
  const page = await communicationService.outbox(viewer, { to: p.to?.slice(0, 100) || null, kind: p.kind?.slice(0, 40) || null }, 25, before);
  const keep = new URLSearchParams(Object.entries({ to: p.to, kind: p.kind }).filter(([, v]) => v) as [string, string][]);
  const last = page.rows[page.rows.length - 1];
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Mail outbox</h1>
        <p className="text-sm text-gray-500">
          Every mail the app has sent, newest first ({page.totalCount} match). No mail server is configured yet, so this is where mail goes:
          it holds password-reset links, so only people trusted with every account may read it.
        </p>
      </div>
      <form className="flex flex-wrap gap-2" method="get">
        <input className="field w-64" name="to" defaultValue={p.to} placeholder="Address contains" aria-label="Address contains" />
        <select className="field w-48" name="kind" defaultValue={p.kind ?? ""} aria-label="Kind">
          <option value="">Every kind</option>
          <option value="password_reset">Password reset</option>
          <option value="password_changed">Password changed</option>
        </select>
        <button className="btn">Filter</button>
      </form>
      <div className="space-y-3" data-testid="outbox">
        {page.rows.map((m) => (
          <Card key={m.id}>
            <div className="flex flex-wrap justify-between gap-2 text-sm">
              <p><span className="font-medium">{m.subject}</span> <span className="text-gray-500">to {m.to}</span></p>
              <p className="text-gray-500">{formatDateTime(m.createdAt)} · <code className="text-xs">{m.kind}</code></p>
            </div>
            <pre className="mt-2 whitespace-pre-wrap break-all font-sans text-sm text-gray-700">{m.body}</pre>
          </Card>
        ))}
        {page.rows.length === 0 ? <p className="text-sm text-gray-500">No mail matches.</p> : null}
      </div>
      {page.hasNextPage && last ? <Link className="btn-secondary" href={`/admin/outbox?${keep}${keep.size ? "&" : ""}before=${last.id}`}>Older</Link> : null}
    </div>
  );
}
