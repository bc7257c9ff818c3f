"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { graphql } from "@/lib/graphql-client";

const MUTATIONS = {
  pay: `mutation($id: ID!) { r: markOrderPaid(orderId: $id, provider: "manual") { errors { message } } }`,
  ship: `mutation($id: ID!) { r: shipOrder(orderId: $id) { errors { message } } }`,
  deliver: `mutation($id: ID!) { r: deliverOrder(orderId: $id) { errors { message } } }`,
  cancel: `mutation($id: ID!) { r: cancelOrder(orderId: $id) { errors { message } } }`,
  refund: `mutation($id: ID!, $lines: [RefundLineInput!]) { r: refundOrder(orderId: $id, lines: $lines) { errors { field message } } }`,
};

const ALLOWED: Record<string, (keyof typeof MUTATIONS)[]> = {
  PENDING: ["pay", "cancel"], PAID: ["ship", "cancel", "refund"], SHIPPED: ["deliver", "refund"], DELIVERED: ["refund"],
};
const LABEL = { pay: "Record payment", ship: "Mark shipped", deliver: "Mark delivered", cancel: "Cancel", refund: "Refund all" };

/** Status changes an admin may make on an order, and per-line refunds. */
export function OrderActions({ orderId, status, lines }: { orderId: string; status: string; lines: { id: string; name: string; left: number }[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: keyof typeof MUTATIONS, refundLines?: { lineId: string; quantity: number }[]) {
    if ((action === "cancel" || action === "refund") && !confirm(action === "cancel" ? "Cancel this order?" : "Refund this?")) return;
    setBusy(true);
    setError(null);
    const res = await graphql<{ r: { errors: { message: string }[] } }>(MUTATIONS[action], { id: orderId, lines: refundLines ?? null });
    setBusy(false);
    const message = res.errors?.[0]?.message ?? res.data?.r.errors[0]?.message;
    if (message) setError(message);
    else router.refresh();
  }

  const actions = ALLOWED[status] ?? [];
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        {actions.map((a) => (
          <button key={a} className={a === "cancel" || a === "refund" ? "btn-secondary" : "btn"} disabled={busy} onClick={() => run(a)}>{LABEL[a]}</button>
        ))}
      </div>
      {actions.includes("refund") ? (
        <ul className="space-y-1 text-sm">
          {lines.filter((l) => l.left > 0).map((l) => (
            <li key={l.id} className="flex items-center gap-2">
              <span className="flex-1">{l.name}</span>
              <button className="btn-secondary" disabled={busy} onClick={() => run("refund", [{ lineId: l.id, quantity: 1 }])}>Refund 1 unit</button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </div>
  );
}
