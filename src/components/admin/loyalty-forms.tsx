"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Problems } from "@/components/ui/mutation";
import { graphql } from "@/lib/graphql-client";

type Payload = { errors?: { field: string; message: string }[] } | number | null | undefined;

/** Runs a mutation; returns null on success or the messages to show (per field, or the form's). */
async function run(query: string, variables: Record<string, unknown>, name: string): Promise<Record<string, string> | null> {
  const res = await graphql<Record<string, Payload>>(query, variables);
  const p = res.data?.[name];
  if (p === undefined || p === null) return { form: res.errors?.[0]?.message ?? "Something went wrong." };
  if (typeof p === "number" || !p.errors?.length) return null;
  return Object.fromEntries(p.errors.map((e) => [e.field, e.message]));
}

function useAction() {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function act(query: string, variables: Record<string, unknown>, name: string, message: string) {
    setBusy(true);
    setDone(null);
    const found = await run(query, variables, name);
    setBusy(false);
    setErrors(found ?? {});
    if (!found) {
      setDone(message);
      router.refresh();
    }
    return !found;
  }
  return { errors, done, busy, act };
}


const RELEASE = `mutation($id: ID) { releasePendingPoints(memberId: $id) }`;
const GRANT = `mutation($input: GrantPointsInput!) { grantPoints(input: $input) { grant { grantId members } errors { field message } } }`;
const TIER = `mutation($id: ID!, $tier: String) { setMemberTier(memberId: $id, tier: $tier) { tier { name } } }`;

/** Release pending points early, grant points to members by country, tier or segment, set a member's tier by hand. */
export function PointsActions({ pointTypes, tiers, segments = [] }: { pointTypes: string[]; tiers: { code: string; name: string }[]; segments?: { code: string; name: string }[] }) {
  const release = useAction();
  const grant = useAction();
  const tier = useAction();
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <form className="space-y-2" data-testid="release-form" action={async (f) => {
        const id = String(f.get("memberId") ?? "").trim();
        await release.act(RELEASE, { id: id || null }, "releasePendingPoints", id ? `Member ${id}'s pending points are active.` : "All pending points are active.");
      }}>
        <p className="font-medium">Release pending points</p>
        <p className="text-xs text-gray-500">Before the return window ends (a member number, or everyone).</p>
        <input className="field" name="memberId" placeholder="Member number" inputMode="numeric" aria-label="Member number to release" />
        <button className="btn" disabled={release.busy}>Release</button>
        <Problems errors={release.errors} />
        {release.done ? <p className="text-sm text-emerald-700" role="status">{release.done}</p> : null}
      </form>
      <form className="space-y-2" data-testid="grant-form" action={async (f) => {
        await grant.act(GRANT, { input: {
          pointType: f.get("pointType"), points: Number(f.get("points")), reason: f.get("reason"),
          country: String(f.get("country") ?? "").trim().toUpperCase() || null, tier: f.get("tier") || null, segment: f.get("segment") || null,
        } }, "grantPoints", "Granted: the points are being applied in the background.");
      }}>
        <p className="font-medium">Grant points to a segment</p>
        <div className="grid grid-cols-2 gap-2">
          <select className="field" name="pointType" aria-label="Point type">{pointTypes.map((t) => <option key={t}>{t}</option>)}</select>
          <input className="field" name="points" inputMode="numeric" placeholder="Points" aria-label="Points" required />
          <input className="field" name="country" placeholder="Country (all)" aria-label="Country" maxLength={2} />
          <select className="field" name="tier" aria-label="Tier"><option value="">Every tier</option>{tiers.map((t) => <option key={t.code} value={t.code}>{t.name}</option>)}</select>
          {segments.length ? (
            <select className="field col-span-2" name="segment" aria-label="Segment"><option value="">Every member</option>{segments.map((s) => <option key={s.code} value={s.code}>{s.name}</option>)}</select>
          ) : null}
        </div>
        <input className="field" name="reason" placeholder="Reason members see" aria-label="Reason" />
        <button className="btn" disabled={grant.busy}>Grant</button>
        <Problems errors={grant.errors} />
        {grant.done ? <p className="text-sm text-emerald-700" role="status">{grant.done}</p> : null}
      </form>
      <form className="space-y-2" action={async (f) => {
        await tier.act(TIER, { id: String(f.get("memberId")), tier: f.get("tier") || null }, "setMemberTier", "Tier set.");
      }}>
        <p className="font-medium">Set a member&apos;s tier</p>
        <p className="text-xs text-gray-500">Automatic downgrades never go below it.</p>
        <input className="field" name="memberId" placeholder="Member number" inputMode="numeric" aria-label="Member number for the tier" required />
        <select className="field" name="tier" aria-label="Tier to set"><option value="">No floor</option>{tiers.map((t) => <option key={t.code} value={t.code}>{t.name}</option>)}</select>
        <button className="btn" disabled={tier.busy}>Set tier</button>
        <Problems errors={tier.errors} />
        {tier.done ? <p className="text-sm text-emerald-700" role="status">{tier.done}</p> : null}
      </form>
    </div>
  );
}

const ADVANCE = `mutation($id: ID!, $status: RedemptionStatus!) { advanceRedemption(id: $id, status: $status) { redemption { id status } errors { field message } } }`;
/** The fulfilment step buttons of one physical reward (`next`: the statuses it may go to). */
export function FulfilmentButtons({ id, next }: { id: string; next: string[] }) {
  const a = useAction();
  return (
    <span className="inline-flex flex-wrap gap-2">
      {next.map((s) => (
        <button key={s} type="button" className={s === "CANCELLED" ? "btn-secondary" : "btn"} disabled={a.busy}
          onClick={() => a.act(ADVANCE, { id, status: s }, "advanceRedemption", "")}>{s === "CANCELLED" ? "Cancel" : `Mark ${s.toLowerCase()}`}</button>
      ))}
      <Problems errors={a.errors} />
    </span>
  );
}

const SAVE_REWARD = `mutation($input: RewardInput!) { saveReward(input: $input) { reward { id } errors { field message } } }`;

/** A new reward for the catalog. */
export function RewardForm({ pointTypes, tiers, segments }: { pointTypes: string[]; tiers: { code: string; name: string }[]; segments: { code: string; name: string }[] }) {
  const a = useAction();
  return (
    <form className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4" data-testid="reward-form" action={async (f) => {
      const text = (k: string) => String(f.get(k) ?? "").trim() || null;
      await a.act(SAVE_REWARD, { input: {
        name: f.get("name"), description: text("description"), kind: f.get("kind"), pointType: f.get("pointType"), pointsCost: Number(f.get("pointsCost")),
        stock: text("stock") == null ? null : Number(f.get("stock")), minTier: text("minTier"), segment: text("segment"),
        countries: text("countries")?.split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase()) ?? [],
        cashbackAmount: text("cashbackAmount"), cashbackCurrency: text("cashbackCurrency"),
      } }, "saveReward", "Reward added.");
    }}>
      <input className="field" name="name" placeholder="Name" aria-label="Reward name" />
      <input className="field" name="description" placeholder="Description" aria-label="Reward description" />
      <select className="field" name="kind" aria-label="Kind">{["VOUCHER", "PRODUCT", "CASHBACK", "PERK"].map((k) => <option key={k}>{k}</option>)}</select>
      <select className="field" name="pointType" aria-label="Paid in">{pointTypes.map((t) => <option key={t}>{t}</option>)}</select>
      <input className="field" name="pointsCost" inputMode="numeric" placeholder="Points" aria-label="Points cost" />
      <input className="field" name="stock" inputMode="numeric" placeholder="Stock (unlimited)" aria-label="Stock" />
      <select className="field" name="minTier" aria-label="Minimum tier"><option value="">Every tier</option>{tiers.map((t) => <option key={t.code} value={t.code}>{t.name}</option>)}</select>
      <select className="field" name="segment" aria-label="Offered to"><option value="">Everyone</option>{segments.map((s) => <option key={s.code} value={s.code}>{s.name}</option>)}</select>
      <input className="field" name="countries" placeholder="Countries (all)" aria-label="Countries" />
      <input className="field" name="cashbackAmount" placeholder="Cashback amount" aria-label="Cashback amount" />
      <input className="field" name="cashbackCurrency" placeholder="Currency" aria-label="Cashback currency" maxLength={3} />
      <button className="btn" disabled={a.busy}>Add reward</button>
      <div className="sm:col-span-2 lg:col-span-4"><Problems errors={a.errors} />{a.done ? <p className="text-sm text-emerald-700" role="status">{a.done}</p> : null}</div>
    </form>
  );
}
