"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatDateTime, formatMoney } from "@/lib/format";
import { graphql } from "@/lib/graphql-client";

export interface QueueRow {
  id: number;
  memberId: number;
  memberName: string;
  amount: string;
  fee: string;
  currency: string;
  status: string;
  iban: string;
  requestedAt: string;
  batchId: number | null;
}

type Result = { errors: { message: string }[] } | null | undefined;
const APPROVE = `mutation($ids: [ID!]!) { approveWithdrawals(ids: $ids) { withdrawals { id } errors { message } } }`;
const REJECT = `mutation($ids: [ID!]!, $reason: String!) { rejectWithdrawals(ids: $ids, reason: $reason) { withdrawals { id } errors { message } } }`;
const BATCH = `mutation($ids: [ID!]!) { createPayoutBatch(withdrawalIds: $ids) { batch { id } errors { message } } }`;

/** The admins' withdrawal queue: select rows, approve or reject them together, batch the approved ones for payout. */
export function WithdrawalQueue({ rows }: { rows: QueueRow[] }) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = [...selected].map(String);
  const toggle = (id: number) => setSelected((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  async function run(query: string, variables: Record<string, unknown>, pick: (d: Record<string, Result>) => Result, done: string) {
    setBusy(true);
    const res = await graphql<Record<string, Result>>(query, variables);
    setBusy(false);
    const payload = res.data ? pick(res.data) : null;
    const errors = payload ? payload.errors : res.errors ?? [{ message: "Something went wrong." }];
    if (errors.length > 0) return setMessage(errors.map((e) => e.message).join(" "));
    setMessage(done);
    setSelected(new Set());
    router.refresh();
  }

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end gap-2" data-testid="queue-actions">
        <button className="btn" disabled={busy || ids.length === 0} onClick={() => run(APPROVE, { ids }, (d) => d.approveWithdrawals, `Approved ${ids.length}.`)}>Approve</button>
        <button className="btn" disabled={busy || ids.length === 0} onClick={() => run(BATCH, { ids }, (d) => d.createPayoutBatch, "Payout batch created: export it below.")}>Create payout batch</button>
        <input className="field max-w-xs" placeholder="Reason for rejecting" value={reason} onChange={(e) => setReason(e.target.value)} aria-label="Reason for rejecting" />
        <button className="btn-secondary" disabled={busy || ids.length === 0} onClick={() => run(REJECT, { ids, reason }, (d) => d.rejectWithdrawals, `Rejected ${ids.length}; their funds are released.`)}>Reject</button>
        {message ? <p className="w-full text-sm text-gray-700" role="status">{message}</p> : null}
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="withdrawal-queue">
          <thead className="text-xs uppercase text-gray-500">
            <tr><th className="py-2 pr-2"></th><th className="pr-3">#</th><th className="pr-3">Member</th><th className="pr-3">Requested</th><th className="pr-3 text-right">Amount</th><th className="pr-3">IBAN</th><th>Status</th></tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="py-2 pr-2">
                  {r.status === "REQUESTED" || (r.status === "APPROVED" && r.batchId == null) ? (
                    <input type="checkbox" aria-label={`Select withdrawal ${r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                  ) : null}
                </td>
                <td className="pr-3">#{r.id}</td>
                <td className="pr-3"><a className="text-blue-700 hover:underline" href={`/admin/members/${r.memberId}`}>{r.memberName}</a></td>
                <td className="pr-3 whitespace-nowrap">{formatDateTime(r.requestedAt)}</td>
                <td className="pr-3 text-right tabular-nums">{formatMoney(r.amount, r.currency)}<span className="block text-xs text-gray-500">fee {formatMoney(r.fee, r.currency)}</span></td>
                <td className="pr-3 font-mono text-xs">{r.iban}</td>
                <td>{r.status.toLowerCase()}{r.batchId ? <span className="block text-xs text-gray-500">batch #{r.batchId}</span> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const PAID = `mutation($id: ID!) { markPayoutBatchPaid(id: $id) { batch { id status } errors { message } } }`;

export function MarkBatchPaid({ id }: { id: number }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function pay() {
    if (!confirm(`Mark payout batch #${id} as paid? Do this once the bank has made the payments.`)) return;
    setBusy(true);
    const res = await graphql<{ markPayoutBatchPaid: Result }>(PAID, { id: String(id) });
    setBusy(false);
    const errors = res.data?.markPayoutBatchPaid?.errors ?? res.errors ?? [];
    if (errors.length > 0) return setError(errors.map((e) => e.message).join(" "));
    router.refresh();
  }
  return (
    <span>
      <button className="btn-secondary" disabled={busy} onClick={pay}>Mark paid</button>
      {error ? <span className="field-error block">{error}</span> : null}
    </span>
  );
}
