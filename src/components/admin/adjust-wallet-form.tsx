"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { graphql } from "@/lib/graphql-client";

const ADJUST = `mutation($input: AdjustWalletInput!) { adjustWallet(input: $input) { balance { available currency } errors { field message } } }`;

/** An admin credits (positive) or debits (negative) a member's wallet, with a reason the member sees. */
export function AdjustWalletForm({ memberId, currencies }: { memberId: number; currencies: string[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [done, setDone] = useState<string | null>(null);
  async function adjust(form: FormData) {
    const res = await graphql<{ adjustWallet: { balance: { available: string; currency: string } | null; errors: { field: string; message: string }[] } }>(ADJUST, {
      input: { memberId: String(memberId), amount: form.get("amount"), currency: form.get("currency"), reason: form.get("reason"), idempotencyKey: key },
    });
    const payload = res.data?.adjustWallet;
    if (!payload) return setErrors({ form: res.errors?.[0]?.message ?? "Something went wrong." });
    setErrors(Object.fromEntries(payload.errors.map((e) => [e.field, e.message])));
    if (payload.balance) {
      setDone(`Done: ${payload.balance.available} ${payload.balance.currency} available.`);
      setKey(crypto.randomUUID());
      router.refresh();
    }
  }
  return (
    <form action={adjust} className="mt-3 space-y-3" data-testid="adjust-wallet-form">
      <div className="grid grid-cols-2 gap-3">
        <Field label="Amount (negative takes out)" name="amount" inputMode="decimal" required error={errors.amount} />
        <div>
          <label htmlFor="f-adjust-currency" className="mb-1 block text-sm font-medium text-gray-700">Currency</label>
          <select id="f-adjust-currency" name="currency" className="field">{currencies.map((c) => <option key={c}>{c}</option>)}</select>
        </div>
      </div>
      <Field label="Reason (the member sees it)" name="reason" required error={errors.reason} />
      {errors.form ? <p className="field-error" role="alert">{errors.form}</p> : null}
      <button className="btn">Adjust wallet</button>
      {done ? <p className="text-sm text-emerald-700">{done}</p> : null}
    </form>
  );
}
