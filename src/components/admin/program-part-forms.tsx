"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Problems } from "@/components/ui/mutation";
import { codeLabel } from "@/lib/format";
import { graphql } from "@/lib/graphql-client";

// Segments and campaigns (earning rules) edited one at a time: each save is a new programme
// version, checked by the server like the whole document. Fields the form does not show
// (a rule's perCurrency, exclusions) are kept from the version being edited.

type Item = Record<string, unknown> & { code: string; name: string };
type Option = { code: string; name: string };

const SAVE_SEGMENT = `mutation($code: String!, $segment: JSON) { saveLoyaltySegment(code: $code, segment: $segment) { version { number } errors { field message } } }`;
const SAVE_CAMPAIGN = `mutation($code: String!, $rule: JSON) { saveLoyaltyCampaign(code: $code, rule: $rule) { version { number } errors { field message } } }`;

const words = (v: FormDataEntryValue | null, upper = false) => {
  const list = String(v ?? "").split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
  return upper ? list.map((x) => x.toUpperCase()) : list;
};
const commaList = (v: FormDataEntryValue | null) => String(v ?? "").split(",").map((x) => x.trim()).filter(Boolean);
const num = (v: FormDataEntryValue | null): number | undefined => (String(v ?? "").trim() === "" ? undefined : Number(String(v).trim()));
const text = (v: FormDataEntryValue | null): string | undefined => String(v ?? "").trim() || undefined;
/** The object without undefined values and empty lists (absent in the programme format). */
const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
const str = (v: unknown) => (v == null ? "" : Array.isArray(v) ? v.join(" ") : String(v));

function usePart(mutation: string, field: "saveLoyaltySegment" | "saveLoyaltyCampaign", arg: "segment" | "rule") {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function save(code: string, item: Record<string, unknown> | null, message: string) {
    setBusy(true);
    setDone(null);
    const res = await graphql<Record<string, { version: { number: number } | null; errors: { field: string; message: string }[] }>>(mutation, { code, [arg]: item });
    setBusy(false);
    const p = res.data?.[field];
    if (!p) return setErrors({ form: res.errors?.[0]?.message ?? "Something went wrong." });
    if (p.errors.length) return setErrors(Object.fromEntries(p.errors.map((e) => [e.field, e.message])));
    setErrors({});
    setDone(`${message} (programme version ${p.version!.number}).`);
    router.refresh();
  }
  return { errors, done, busy, save };
}

/** The form's title and the picker of the item to edit ("New…" for a new one). */
function PartHead({ title, items, value, onChange }: { title: string; items: Item[]; value: string; onChange: (code: string) => void }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <p className="font-medium">{title}</p>
      <select className="field" value={value} onChange={(e) => onChange(e.target.value)} aria-label={`${title} to edit`}>
        <option value="">New…</option>
        {items.map((i) => <option key={i.code} value={i.code}>{i.name} ({i.code})</option>)}
      </select>
    </div>
  );
}

/** Code (fixed once the item exists) and name fields. */
function CodeAndName({ title, item, codeExample, namePlaceholder }: { title: string; item: Item | undefined; codeExample: string; namePlaceholder: string }) {
  return (
    <>
      <label className="text-xs text-gray-600">{title} code<input className="field mt-0.5" name="code" defaultValue={item?.code ?? ""} placeholder={`Code (${codeExample})`} aria-label={`${title} code`} required readOnly={!!item} /></label>
      <label className="text-xs text-gray-600">{title} name<input className="field mt-0.5" name="name" defaultValue={item?.name ?? ""} placeholder={namePlaceholder} aria-label={`${title} name`} required /></label>
    </>
  );
}

/** Save (or add), remove an existing item, and what came of it. */
function PartFoot({ title, item, part, onRemoved }: { title: string; item: Item | undefined; part: ReturnType<typeof usePart>; onRemoved: () => void }) {
  const what = title.toLowerCase();
  return (
    <>
      <div className="flex gap-2">
        <button className="btn" disabled={part.busy}>{item ? `Save ${what}` : `Add ${what}`}</button>
        {item ? <button type="button" className="btn-secondary" disabled={part.busy} onClick={() => part.save(item.code, null, `${title} ${item.code} removed`).then(onRemoved)}>Remove</button> : null}
      </div>
      <Problems errors={part.errors} />
      {part.done ? <p className="text-sm text-emerald-700" role="status">{part.done}</p> : null}
    </>
  );
}

/** A segment's conditions as the programme format has them (see program.rules.ts). */
interface SegmentWhen {
  tiers?: string[];
  countries?: string[];
  tags?: string[];
  ranks?: string[];
  minBalance?: { pointType: string; points: number };
  orderedWithinDays?: number;
  noOrderForDays?: number;
  bought?: { categories: string[]; orders?: number; withinDays: number };
  recruited?: { count: number; withinDays: number };
}

/** Adds, changes or removes a segment: members who match every condition given. */
export function SegmentForm({ segments, tiers, pointTypes }: { segments: Item[]; tiers: Option[]; pointTypes: string[] }) {
  const [code, setCode] = useState("");
  const a = usePart(SAVE_SEGMENT, "saveLoyaltySegment", "segment");
  const s = segments.find((x) => x.code === code);
  const w = (s?.when ?? {}) as SegmentWhen;
  return (
    // onSubmit rather than action: a refused save keeps what the admin typed (React resets a form after its action).
    <form key={code} className="space-y-2" data-testid="segment-form" onSubmit={async (e) => {
      e.preventDefault();
      const f = new FormData(e.currentTarget);
      const bought = commaList(f.get("boughtCategories"));
      const when = compact({
        tiers: f.getAll("tiers").map(String), countries: words(f.get("countries"), true), tags: commaList(f.get("tags")), ranks: commaList(f.get("ranks")),
        minBalance: num(f.get("minPoints")) !== undefined ? { pointType: f.get("minPointType"), points: num(f.get("minPoints")) } : undefined,
        orderedWithinDays: num(f.get("orderedWithinDays")), noOrderForDays: num(f.get("noOrderForDays")),
        bought: bought.length ? compact({ categories: bought, orders: num(f.get("boughtOrders")), withinDays: num(f.get("boughtWithinDays")) }) : undefined,
        recruited: num(f.get("recruitedCount")) !== undefined ? { count: num(f.get("recruitedCount")), withinDays: num(f.get("recruitedWithinDays")) } : undefined,
      });
      const c = String(f.get("code") ?? "").trim().toUpperCase();
      await a.save(c, { name: String(f.get("name") ?? ""), description: String(f.get("description") ?? ""), when }, `Segment ${c} saved`);
    }}>
      <PartHead title="Segment" items={segments} value={code} onChange={setCode} />
      <div className="grid gap-2 sm:grid-cols-2">
        <CodeAndName title="Segment" item={s} codeExample="VIP_BUYERS" namePlaceholder="Name members and staff see" />
        <label className="text-xs text-gray-600 sm:col-span-2">Segment description<input className="field mt-0.5" name="description" defaultValue={str(s?.description)} placeholder="Description" aria-label="Segment description" /></label>
      </div>
      <p className="text-xs text-gray-500">Members who match every condition you fill in (at least one):</p>
      <div className="grid gap-2 sm:grid-cols-2">
        <label className="text-xs text-gray-600">Countries<input className="field mt-0.5" name="countries" defaultValue={str(w.countries)} placeholder="Countries (DE AT)" aria-label="Countries" /></label>
        <label className="text-xs text-gray-600">Tags<input className="field mt-0.5" name="tags" defaultValue={w.tags?.join(", ") ?? ""} placeholder="Tagged (vip, event-2026)" aria-label="Tags" /></label>
        <label className="text-xs text-gray-600">Ranks<input className="field mt-0.5" name="ranks" defaultValue={w.ranks?.join(", ") ?? ""} placeholder="Ranks (Silver, Gold)" aria-label="Ranks" /></label>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          {tiers.map((t) => <label key={t.code} className="flex items-center gap-1"><input type="checkbox" name="tiers" value={t.code} defaultChecked={w.tiers?.includes(t.code) ?? false} />{t.name}</label>)}
        </div>
        <label className="text-xs text-gray-600">Ordered within days<input className="field mt-0.5" name="orderedWithinDays" defaultValue={str(w.orderedWithinDays)} inputMode="numeric" placeholder="Ordered within N days" aria-label="Ordered within days" /></label>
        <label className="text-xs text-gray-600">No order for days<input className="field mt-0.5" name="noOrderForDays" defaultValue={str(w.noOrderForDays)} inputMode="numeric" placeholder="No order for N days (lapsed)" aria-label="No order for days" /></label>
        <div className="grid grid-cols-3 gap-2 sm:col-span-2">
          <label className="text-xs text-gray-600">Bought categories<input className="field mt-0.5" name="boughtCategories" defaultValue={w.bought?.categories.join(", ") ?? ""} placeholder="Bought categories" aria-label="Bought categories" /></label>
          <label className="text-xs text-gray-600">Bought in orders<input className="field mt-0.5" name="boughtOrders" defaultValue={str(w.bought?.orders)} inputMode="numeric" placeholder="in N orders" aria-label="Bought in orders" /></label>
          <label className="text-xs text-gray-600">Bought within days<input className="field mt-0.5" name="boughtWithinDays" defaultValue={str(w.bought?.withinDays)} inputMode="numeric" placeholder="within N days" aria-label="Bought within days" /></label>
        </div>
        <div className="grid grid-cols-2 gap-2">
          <label className="text-xs text-gray-600">Recruited count<input className="field mt-0.5" name="recruitedCount" defaultValue={str(w.recruited?.count)} inputMode="numeric" placeholder="Recruited N members" aria-label="Recruited count" /></label>
          <label className="text-xs text-gray-600">Recruited within days<input className="field mt-0.5" name="recruitedWithinDays" defaultValue={str(w.recruited?.withinDays)} inputMode="numeric" placeholder="within N days" aria-label="Recruited within days" /></label>
        </div>
        <div className="grid grid-cols-2 gap-2">
          <label className="text-xs text-gray-600">Balance point type<select className="field mt-0.5" name="minPointType" defaultValue={str(w.minBalance?.pointType)} aria-label="Balance point type">{pointTypes.map((t) => <option key={t}>{t}</option>)}</select></label>
          <label className="text-xs text-gray-600">Balance at least<input className="field mt-0.5" name="minPoints" defaultValue={str(w.minBalance?.points)} inputMode="numeric" placeholder="Balance at least" aria-label="Balance at least" /></label>
        </div>
      </div>
      <PartFoot title="Segment" item={s} part={a} onRemoved={() => setCode("")} />
    </form>
  );
}

const TYPES = ["SPEND", "MULTIPLIER", "PRODUCT_BONUS", "EVENT", "REFERRAL", "SIGNUP", "CASHBACK"] as const;
/** The fields this form manages; the rest of an edited rule is kept. */
const MANAGED = ["code", "name", "type", "pointType", "pointsPerUnit", "multiplier", "points", "share", "event", "minOrderValue", "skus", "categories", "labels",
  "from", "until", "days", "countries", "tiers", "segment", "budget", "cap"];

/** Adds, changes or removes a campaign: an earning rule with dates or holidays, countries, tiers, a segment, a budget. */
export function CampaignForm({ rules, tiers, segments, pointTypes }: { rules: Item[]; tiers: Option[]; segments: Option[]; pointTypes: string[] }) {
  const [code, setCode] = useState("");
  const r = rules.find((x) => x.code === code);
  const [type, setType] = useState<string>("MULTIPLIER");
  const a = usePart(SAVE_CAMPAIGN, "saveLoyaltyCampaign", "rule");
  const pick = (c: string) => {
    setCode(c);
    setType(String(rules.find((x) => x.code === c)?.type ?? "MULTIPLIER"));
  };
  const lines = type === "MULTIPLIER" || type === "PRODUCT_BONUS" || type === "CASHBACK";
  const cashback = type === "CASHBACK";
  const cap = r?.cap as { points: number; per: string } | undefined;
  return (
    <form key={code} className="space-y-2" data-testid="campaign-form" onSubmit={async (e) => {
      e.preventDefault();
      const f = new FormData(e.currentTarget);
      const kept = r ? Object.fromEntries(Object.entries(r).filter(([k]) => !MANAGED.includes(k))) : {};
      const amount = num(f.get("amount"));
      const c = String(f.get("code") ?? "").trim().toUpperCase();
      const rule = compact({
        ...kept, type, name: String(f.get("name") ?? ""), pointType: cashback ? undefined : text(f.get("pointType")),
        ...(type === "SPEND" || type === "PRODUCT_BONUS" ? { pointsPerUnit: amount, minOrderValue: num(f.get("minOrderValue")) } : {}),
        ...(cashback ? { share: amount === undefined ? undefined : amount / 100, minOrderValue: num(f.get("minOrderValue")) } : {}),
        ...(type === "MULTIPLIER" ? { multiplier: amount } : {}),
        ...(type === "EVENT" || type === "REFERRAL" || type === "SIGNUP" ? { points: amount } : {}),
        ...(type === "EVENT" ? { event: text(f.get("event")) } : {}),
        ...(lines ? { categories: commaList(f.get("categories")), labels: commaList(f.get("labels")), skus: words(f.get("skus")) } : {}),
        from: text(f.get("from")), until: text(f.get("until")), days: words(f.get("days")), countries: words(f.get("countries"), true),
        tiers: f.getAll("tiers").map(String), segment: text(f.get("segment")), budget: cashback ? undefined : num(f.get("budget")),
        cap: num(f.get("capPoints")) !== undefined && type !== "MULTIPLIER" && type !== "SIGNUP" && !cashback ? { points: num(f.get("capPoints")), per: f.get("capPer") } : undefined,
      });
      await a.save(c, rule, `Campaign ${c} saved`);
    }}>
      <PartHead title="Campaign" items={rules} value={code} onChange={pick} />
      <div className="grid gap-2 sm:grid-cols-2">
        <CodeAndName title="Campaign" item={r} codeExample="XMAS_X2" namePlaceholder="Name members see" />
        <label className="text-xs text-gray-600">Campaign type<select className="field mt-0.5" value={type} onChange={(e) => setType(e.target.value)} aria-label="Campaign type" disabled={!!r}>
          {TYPES.map((t) => <option key={t} value={t}>{codeLabel(t)}</option>)}
        </select></label>
        {cashback ? <p className="self-end text-xs text-gray-500">Cashback is paid in the order&apos;s currency to the member&apos;s wallet after the return window.</p> : (
          <label className="text-xs text-gray-600">Campaign point type<select className="field mt-0.5" name="pointType" defaultValue={str(r?.pointType)} aria-label="Campaign point type">
            {type === "MULTIPLIER" ? <option value="">Every point type</option> : null}
            {pointTypes.map((t) => <option key={t}>{t}</option>)}
          </select></label>
        )}
        <label className="text-xs text-gray-600">Campaign amount<input className="field mt-0.5" name="amount" required defaultValue={str(r?.share != null ? +((r.share as number) * 100).toFixed(4) : r?.multiplier ?? r?.pointsPerUnit ?? r?.points)} inputMode="decimal" aria-label="Campaign amount"
          placeholder={cashback ? "Per cent of the order (2 = 2 %)" : type === "MULTIPLIER" ? "Multiplier (2 = double points)" : type === "SPEND" ? "Points per currency unit" : type === "PRODUCT_BONUS" ? "Points per unit bought" : "Points"} /></label>
        {type === "EVENT" ? <label className="text-xs text-gray-600">Event name<input className="field mt-0.5" name="event" defaultValue={str(r?.event)} placeholder="Event name (store_visit)" aria-label="Event name" required /></label> : null}
        {type === "SPEND" || type === "PRODUCT_BONUS" || cashback ? <label className="text-xs text-gray-600">Minimum order value<input className="field mt-0.5" name="minOrderValue" defaultValue={str(r?.minOrderValue)} inputMode="decimal" placeholder="Minimum order value" aria-label="Minimum order value" /></label> : null}
        {lines ? (
          <>
            <label className="text-xs text-gray-600">Categories<input className="field mt-0.5" name="categories" defaultValue={Array.isArray(r?.categories) ? (r.categories as string[]).join(", ") : ""} placeholder="Categories (Supplements)" aria-label="Categories" /></label>
            <label className="text-xs text-gray-600">Product labels<input className="field mt-0.5" name="labels" defaultValue={Array.isArray(r?.labels) ? (r.labels as string[]).join(", ") : ""} placeholder="Product labels (new)" aria-label="Product labels" /></label>
            <label className="text-xs text-gray-600">SKUs<input className="field mt-0.5" name="skus" defaultValue={str(r?.skus)} placeholder="SKUs" aria-label="SKUs" /></label>
          </>
        ) : null}
      </div>
      <p className="text-xs text-gray-500">When and for whom (all optional; dates are the programme&apos;s calendar, inclusive):</p>
      <div className="grid gap-2 sm:grid-cols-2">
        <label className="text-xs text-gray-600">From<input className="field" type="date" name="from" defaultValue={str(r?.from)} aria-label="From" /></label>
        <label className="text-xs text-gray-600">Until<input className="field" type="date" name="until" defaultValue={str(r?.until)} aria-label="Until" /></label>
        <label className="text-xs text-gray-600">Only on days<input className="field mt-0.5" name="days" defaultValue={str(r?.days)} placeholder="Only on days (2026-12-24 2026-12-25)" aria-label="Only on days" /></label>
        <label className="text-xs text-gray-600">Campaign countries<input className="field mt-0.5" name="countries" defaultValue={str(r?.countries)} placeholder="Countries (JP)" aria-label="Campaign countries" /></label>
        <label className="text-xs text-gray-600">Campaign segment<select className="field mt-0.5" name="segment" defaultValue={str(r?.segment)} aria-label="Campaign segment">
          <option value="">Every member</option>
          {segments.map((s) => <option key={s.code} value={s.code}>{s.name}</option>)}
        </select></label>
        {cashback ? null : <label className="text-xs text-gray-600">Budget<input className="field mt-0.5" name="budget" defaultValue={str(r?.budget)} inputMode="numeric" placeholder="Budget: points across members" aria-label="Budget" /></label>}
        <div className="flex flex-wrap items-center gap-3 text-sm">
          {tiers.map((t) => <label key={t.code} className="flex items-center gap-1"><input type="checkbox" name="tiers" value={t.code} defaultChecked={Array.isArray(r?.tiers) && (r.tiers as string[]).includes(t.code)} />{t.name}</label>)}
        </div>
        {type !== "MULTIPLIER" && type !== "SIGNUP" && !cashback ? (
          <div className="grid grid-cols-2 gap-2">
            <label className="text-xs text-gray-600">Cap points<input className="field mt-0.5" name="capPoints" defaultValue={str(cap?.points)} inputMode="numeric" placeholder="Cap: points per member" aria-label="Cap points" /></label>
            <label className="text-xs text-gray-600">Cap period<select className="field mt-0.5" name="capPer" defaultValue={cap?.per ?? "MONTH"} aria-label="Cap period"><option value="DAY">a day</option><option value="MONTH">a month</option><option value="YEAR">a year</option></select></label>
          </div>
        ) : null}
      </div>
      <PartFoot title="Campaign" item={r} part={a} onRemoved={() => setCode("")} />
    </form>
  );
}
