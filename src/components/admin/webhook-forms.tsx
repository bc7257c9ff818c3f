"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { mutate, Problems } from "@/components/ui/mutation";

const CREATE = `mutation($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { created { secret endpoint { id } } errors { field message } } }`;
const REPLAY = `mutation($id: ID!) { replayWebhookDelivery(id: $id) { delivery { status } errors { field message } } }`;
const TOGGLE = `mutation($id: ID!, $input: WebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { endpoint { active } errors { field message } } }`;

/** A new receiver: its URL and events; the signing secret is shown once. */
export function WebhookForm({ events }: { events: { type: string; description: string }[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <form className="space-y-2" data-testid="webhook-form" action={async (f) => {
      const r = await mutate<{ secret: string }>(CREATE, {
        input: { url: String(f.get("url") ?? ""), description: String(f.get("description") ?? ""), events: f.getAll("event").map(String) },
      }, "createWebhookEndpoint", "created");
      setErrors(r.errors);
      setSecret(r.value?.secret ?? null);
      if (r.value) router.refresh();
    }}>
      <input className="field" name="url" placeholder="https://example.com/hooks/mlm" aria-label="Receiver URL" />
      <input className="field" name="description" placeholder="What it is for" aria-label="Webhook description" />
      <fieldset className="grid gap-1 text-sm sm:grid-cols-2">
        <legend className="text-xs text-gray-500">Events</legend>
        {events.map((e) => (
          <label key={e.type} className="flex items-start gap-2">
            <input type="checkbox" name="event" value={e.type} className="mt-1" />
            <span><code className="text-xs">{e.type}</code> <span className="text-gray-500">{e.description}</span></span>
          </label>
        ))}
      </fieldset>
      <button className="btn">Add webhook</button>
      <Problems errors={errors} />
      {secret ? (
        <div className="rounded border border-green-200 bg-green-50 p-2 text-sm" role="status">
          <p>Signing secret (shown once): verify <code>x-mlm-signature</code> with it.</p>
          <code className="block break-all" data-testid="webhook-secret">{secret}</code>
        </div>
      ) : null}
    </form>
  );
}

export function ReplayButton({ id }: { id: string }) {
  const router = useRouter();
  const [done, setDone] = useState(false);
  return (
    <button className="text-xs text-blue-700 hover:underline disabled:text-gray-400" disabled={done} aria-label={`Replay delivery ${id}`} onClick={async () => {
      const r = await mutate<{ status: string }>(REPLAY, { id }, "replayWebhookDelivery", "delivery");
      if (r.value) {
        setDone(true);
        router.refresh();
      }
    }}>{done ? "Queued" : "Replay"}</button>
  );
}

export function ToggleEndpoint({ id, url, events, active }: { id: string; url: string; events: string[]; active: boolean }) {
  const router = useRouter();
  return (
    <button className="text-xs text-blue-700 hover:underline" onClick={async () => {
      if ((await mutate(TOGGLE, { id, input: { url, events, active: !active } }, "updateWebhookEndpoint", "endpoint")).value) router.refresh();
    }}>{active ? "Pause" : "Resume"}</button>
  );
}
