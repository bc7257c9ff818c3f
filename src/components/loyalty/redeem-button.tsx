"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { graphql } from "@/lib/graphql-client";

const REDEEM = `mutation($input: RedeemRewardInput!) { redeemReward(input: $input) { redemption { id status voucherCode } errors { field message } } }`;

/** One click redeems: points, stock and voucher together; a double click redeems once (one idempotency key). */
export function RedeemButton({ rewardId, cost, affordable }: { rewardId: string; cost: number; affordable: boolean }) {
  const router = useRouter();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function redeem() {
    setBusy(true);
    const res = await graphql<{ redeemReward: { redemption: { id: string; status: string; voucherCode: string | null } | null; errors: { message: string }[] } }>(
      REDEEM, { input: { rewardId, idempotencyKey: key } },
    );
    setBusy(false);
    const p = res.data?.redeemReward;
    if (!p) return setMessage({ ok: false, text: res.errors?.[0]?.message ?? "Something went wrong." });
    if (p.errors.length) return setMessage({ ok: false, text: p.errors[0]!.message });
    setKey(crypto.randomUUID());
    const r = p.redemption!;
    setMessage({ ok: true, text: r.voucherCode ? `Your code: ${r.voucherCode}` : r.status === "REQUESTED" ? "Requested: we will tell you when it ships." : "Done." });
    router.refresh();
  }
  return (
    <div>
      <button type="button" className="btn" onClick={redeem} disabled={busy || !affordable} data-testid={`redeem-${rewardId}`}>
        {busy ? "Redeeming…" : `Redeem for ${cost.toLocaleString("en-US")}`}
      </button>
      {message ? <p className={`mt-1 text-xs ${message.ok ? "text-emerald-700" : "field-error"}`} role={message.ok ? "status" : "alert"} data-testid={`redeem-result-${rewardId}`}>{message.text}</p> : null}
    </div>
  );
}
