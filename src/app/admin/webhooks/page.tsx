import { Card, Title } from "@tremor/react";
import { ReplayButton, ToggleEndpoint, WebhookForm } from "@/components/admin/webhook-forms";
import { formatDateTime } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { webhookService } from "@/server/domain/webhook/webhook.service";

export const metadata = { title: "Webhooks" };

const STATUS_STYLE = { PENDING: "text-amber-700", DELIVERED: "text-green-700", FAILED: "text-red-700" } as const;

export default async function WebhooksPage() {
  const viewer = await requirePageViewer("webhooks.manage");
  const [endpoints, deliveries] = await Promise.all([webhookService.endpoints(viewer), webhookService.deliveries(viewer, {}, 50, null)]);
  const urlOf = new Map(endpoints.map((e) => [e.id, e.url]));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Webhooks</h1>
        <p className="text-sm text-gray-500">Events are POSTed as JSON, signed with the endpoint&apos;s secret (<code>x-mlm-signature: t=…,v1=…</code>, HMAC-SHA256 of <code>t.body</code>), and retried with growing pauses for up to 10 attempts when the receiver is down. Each event has an id (<code>x-mlm-event-id</code>): receivers use it to ignore a repeat.</p>
      </div>
      <Card>
        <Title>Endpoints</Title>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="webhook-endpoints">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">URL</th><th>Events</th><th className="text-right">Pending</th><th className="text-right">Failed</th><th /></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {endpoints.map((e) => (
                <tr key={e.id} className={e.active ? "align-top" : "align-top text-gray-400"}>
                  <td className="py-2 break-all">{e.url}{e.active ? "" : " (paused)"}<br /><span className="text-xs text-gray-500">{e.description}</span></td>
                  <td className="text-xs">{e.events.join(", ")}</td>
                  <td className="text-right">{e.pending}</td>
                  <td className="text-right">{e.failed}</td>
                  <td className="text-right"><ToggleEndpoint id={String(e.id)} url={e.url} events={e.events} active={e.active} /></td>
                </tr>
              ))}
              {endpoints.length === 0 ? <tr><td colSpan={5} className="py-3 text-gray-500">No webhooks yet.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </Card>
      <Card><Title>Add a webhook</Title><div className="mt-3"><WebhookForm events={webhookService.eventTypes()} /></div></Card>
      <Card>
        <Title>Recent deliveries</Title>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="webhook-deliveries">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">When</th><th>Event</th><th>To</th><th>Status</th><th className="text-right">Attempts</th><th>Last answer</th><th /></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td className="whitespace-nowrap py-2 text-gray-500">{formatDateTime(d.createdAt)}</td>
                  <td><code className="text-xs">{d.eventType}</code></td>
                  <td className="max-w-xs truncate text-xs">{urlOf.get(d.endpointId)}</td>
                  <td className={STATUS_STYLE[d.status]}>{d.status.toLowerCase()}{d.status === "PENDING" && d.attempts > 0 ? `, next ${formatDateTime(d.nextAttemptAt)}` : ""}</td>
                  <td className="text-right">{d.attempts}</td>
                  <td className="text-xs">{d.lastStatus ?? d.lastError ?? ""}</td>
                  <td className="text-right">{d.status === "PENDING" && d.attempts === 0 ? null : <ReplayButton id={d.id} />}</td>
                </tr>
              ))}
              {deliveries.length === 0 ? <tr><td colSpan={7} className="py-3 text-gray-500">Nothing sent yet.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
