"use client";
import { Card, Text, Title } from "@tremor/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { graphql } from "@/lib/graphql-client";

type Errors = Record<string, string>;
type Payload = { errors: { field: string; message: string }[] } | null | undefined;

/** Runs a mutation and turns its payload errors into messages per field. */
async function submit(query: string, variables: Record<string, unknown>, pick: (data: Record<string, Payload>) => Payload): Promise<Errors | null> {
  const res = await graphql<Record<string, Payload>>(query, variables);
  const payload = res.data ? pick(res.data) : null;
  if (!payload) return { form: res.errors?.[0]?.message ?? "Something went wrong." };
  if (payload.errors.length === 0) return null;
  return Object.fromEntries(payload.errors.map((e) => [e.field, e.message]));
}

const TRANSFER = `mutation($input: TransferFundsInput!) { transferFunds(input: $input) { transfer { id } errors { field message } } }`;
const WITHDRAW = `mutation($input: WithdrawalInput!) { requestWithdrawal(input: $input) { withdrawal { id } errors { field message } } }`;
const PAYOUT = `mutation($input: PayoutMethodInput!) { setPayoutMethod(input: $input) { payoutMethod { iban } errors { field message } } }`;

export function TransferForm({ currencies, recipients, rules }: {
  currencies: string[];
  recipients: { id: number; name: string }[];
  rules: string;
}) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [done, setDone] = useState<string | null>(null);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  async function send(form: FormData) {
    setBusy(true);
    setDone(null);
    const found = await submit(TRANSFER, {
      input: { toMemberId: form.get("toMemberId"), amount: form.get("amount"), currency: form.get("currency"), note: form.get("note") || null, idempotencyKey: key },
    }, (d) => d.transferFunds);
    setBusy(false);
    setErrors(found ?? {});
    if (!found) {
      setDone("Sent.");
      setKey(crypto.randomUUID());
      router.refresh();
    }
  }
  return (
    <Card>
      <Title>Send money</Title>
      <Text className="mb-3">{rules}</Text>
      <form action={send} className="space-y-3" data-testid="transfer-form">
        <div>
          <label htmlFor="f-toMemberId" className="mb-1 block text-sm font-medium text-gray-700">To member number</label>
          <input id="f-toMemberId" name="toMemberId" className="field" list="recipients" inputMode="numeric" required aria-invalid={errors.toMemberId ? true : undefined} />
          <datalist id="recipients">{recipients.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}</datalist>
          {errors.toMemberId ? <p className="field-error" role="alert">{errors.toMemberId}</p> : null}
        </div>
        <div className="grid grid-cols-2 gap-3">
          <Field id="transfer-amount" label="Amount" name="amount" inputMode="decimal" required error={errors.amount} />
          <div>
            <label htmlFor="f-currency-t" className="mb-1 block text-sm font-medium text-gray-700">Currency</label>
            <select id="f-currency-t" name="currency" className="field">{currencies.map((c) => <option key={c}>{c}</option>)}</select>
          </div>
        </div>
        <Field id="transfer-note" label="Note (optional)" name="note" error={errors.note} />
        {errors.form || errors.idempotencyKey ? <p className="field-error" role="alert">{errors.form ?? errors.idempotencyKey}</p> : null}
        <button className="btn" disabled={busy}>{busy ? "Sending…" : "Send"}</button>
        {done ? <p className="text-sm text-emerald-700">{done}</p> : null}
      </form>
    </Card>
  );
}

export function WithdrawalForm({ currencies, payoutMethod, rules }: {
  currencies: string[];
  payoutMethod: { holder: string; iban: string; bic: string | null } | null;
  rules: string;
}) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [editing, setEditing] = useState(!payoutMethod);
  const [done, setDone] = useState<string | null>(null);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);

  async function savePayout(form: FormData) {
    setBusy(true);
    const found = await submit(PAYOUT, { input: { holder: form.get("holder"), iban: form.get("iban"), bic: form.get("bic") || null } }, (d) => d.setPayoutMethod);
    setBusy(false);
    setErrors(found ?? {});
    if (!found) {
      setEditing(false);
      router.refresh();
    }
  }

  async function withdraw(form: FormData) {
    setBusy(true);
    setDone(null);
    const found = await submit(WITHDRAW, { input: { amount: form.get("amount"), currency: form.get("currency"), idempotencyKey: key } }, (d) => d.requestWithdrawal);
    setBusy(false);
    setErrors(found ?? {});
    if (!found) {
      setDone("Requested: the amount is held until the payout is made.");
      setKey(crypto.randomUUID());
      router.refresh();
    }
  }

  return (
    <Card>
      <Title>Withdraw to your bank</Title>
      <Text className="mb-3">{rules}</Text>
      {editing ? (
        <form action={savePayout} className="space-y-3" data-testid="payout-method-form">
          <Field label="Account holder" name="holder" defaultValue={payoutMethod?.holder} required error={errors.holder} />
          <Field label="IBAN" name="iban" defaultValue={payoutMethod?.iban} required error={errors.iban} />
          <Field label="BIC (optional)" name="bic" defaultValue={payoutMethod?.bic ?? ""} error={errors.bic} />
          <button className="btn" disabled={busy}>Save bank account</button>
        </form>
      ) : (
        <form action={withdraw} className="space-y-3" data-testid="withdrawal-form">
          <p className="text-sm text-gray-600">
            To {payoutMethod!.holder}, {payoutMethod!.iban.replace(/(.{4})/g, "$1 ").trim()}{" "}
            <button type="button" className="text-blue-700 hover:underline" onClick={() => setEditing(true)}>change</button>
          </p>
          <div className="grid grid-cols-2 gap-3">
            <Field id="withdraw-amount" label="Amount" name="amount" inputMode="decimal" required error={errors.amount ?? errors.payoutMethod} />
            <div>
              <label htmlFor="f-currency-w" className="mb-1 block text-sm font-medium text-gray-700">Currency</label>
              <select id="f-currency-w" name="currency" className="field">{currencies.map((c) => <option key={c}>{c}</option>)}</select>
            </div>
          </div>
          {errors.form ? <p className="field-error" role="alert">{errors.form}</p> : null}
          <button className="btn" disabled={busy}>{busy ? "Requesting…" : "Request withdrawal"}</button>
          {done ? <p className="text-sm text-emerald-700">{done}</p> : null}
        </form>
      )}
    </Card>
  );
}
