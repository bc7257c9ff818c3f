"use client";
import { Card, Text, Title } from "@tremor/react";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Field } from "@/components/ui/field";
import { formatMoney, formatVolume } from "@/lib/format";
import { graphql } from "@/lib/graphql-client";

export interface ShopProduct {
  id: number;
  name: string;
  category: string;
  pv: string;
  prices: { currency: string; amount: string }[];
}

const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id total currency status pointsRedeemed pointsValue amountDue } errors { field code message } } }`;

/** What points can pay in one currency (the checkoutPoints query). */
export interface PointsOffer {
  pointTypeName: string;
  balance: number;
  valuePerPoint: string;
  minPoints: number;
  maxShareOfOrder: number;
}
const PAY = `mutation($id: ID!) { markOrderPaid(orderId: $id, provider: "test") { order { id status } errors { field message } } }`;

/**
 * The order form: quantities per product, for yourself or one of your customers, one
 * currency, a shipping address. Places the order (stock is reserved), then pays it with
 * the built-in test provider, which is when volume moves.
 */
export function ShopForm({ products, customers, defaults, testPayments, reorder, points: offers = {}, customerPoints = {} }: {
  products: ShopProduct[];
  customers: { id: number; name: string }[];
  defaults: { name: string; country: string; currency: string };
  testPayments: boolean;
  /** Quantities of an earlier order to place again (reorder from history). */
  reorder?: { orderId: number; currency: string; quantities: Record<number, number> } | null;
  /** Per currency, what points pay and the member's balance. */
  points?: Record<string, PointsOffer>;
  /** Each retail customer's balance of the same points (their orders are paid with their own). */
  customerPoints?: Record<number, number>;
}) {
  const router = useRouter();
  const currencies = useMemo(() => [...new Set(products.flatMap((p) => p.prices.map((x) => x.currency)))].sort(), [products]);
  const wanted = reorder?.currency ?? defaults.currency;
  const [currency, setCurrency] = useState(currencies.includes(wanted) ? wanted : currencies[0] ?? "USD");
  const [qty, setQty] = useState<Record<number, number>>(reorder?.quantities ?? {});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [placed, setPlaced] = useState<{ id: string; total: string; currency: string; status: string; pointsRedeemed: number; pointsValue: string; amountDue: string } | null>(null);
  const [usePoints, setUsePoints] = useState(0);
  const [customerId, setCustomerId] = useState("");
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());

  const chosen = products.filter((p) => (qty[p.id] ?? 0) > 0);
  const priceOf = (p: ShopProduct) => p.prices.find((x) => x.currency === currency)?.amount;
  const total = chosen.reduce((s, p) => s + Number(priceOf(p) ?? 0) * qty[p.id]!, 0);
  const pv = chosen.reduce((s, p) => s + Number(p.pv) * qty[p.id]!, 0);
  // Points: at most the programme's share of the order (before tax here; the server counts tax too) and the balance.
  const terms = offers[currency];
  const balance = customerId ? customerPoints[Number(customerId)] ?? 0 : terms?.balance ?? 0;
  const offer = terms && balance >= terms.minPoints ? { ...terms, balance } : undefined;
  const holderName = customerId ? customers.find((c) => String(c.id) === customerId)?.name ?? "Your customer" : null;
  const perPoint = offer ? Number(offer.valuePerPoint) : 0;
  const maxPoints = offer ? Math.min(offer.balance, Math.floor((Math.floor(total * 100 * offer.maxShareOfOrder + 1e-9) / 100) / perPoint + 1e-9)) : 0;
  const pointsUsed = offer && usePoints >= offer.minPoints ? Math.min(usePoints, maxPoints) : 0;
  const pointsPay = Math.floor(pointsUsed * perPoint * 100 + 1e-9) / 100;

  async function place(form: FormData) {
    setBusy(true);
    setErrors({});
    const lines = chosen.map((p) => ({ productId: String(p.id), quantity: qty[p.id]! }));
    const res = await graphql<{ placeOrder: { order: typeof placed; errors: { field: string; message: string }[] } }>(PLACE, {
      input: {
        customerId: form.get("customerId") || null,
        lines,
        currency,
        idempotencyKey: key,
        points: pointsUsed > 0 ? pointsUsed : null,
        shippingAddress: {
          name: form.get("name"), line1: form.get("line1"), line2: form.get("line2") || null, city: form.get("city"),
          postalCode: form.get("postalCode"), country: form.get("country"),
        },
      },
    });
    setBusy(false);
    const payload = res.data?.placeOrder;
    if (!payload) return setErrors({ form: res.errors?.[0]?.message ?? "Something went wrong." });
    if (payload.errors.length > 0) {
      const byField: Record<string, string> = {};
      for (const e of payload.errors) {
        const m = /^lines\.(\d+)\./.exec(e.field);
        byField[m ? `product-${lines[Number(m[1])]?.productId}` : e.field] = e.message;
      }
      return setErrors(byField);
    }
    setPlaced(payload.order);
  }

  async function pay() {
    if (!placed) return;
    setBusy(true);
    const res = await graphql<{ markOrderPaid: { order: { status: string } | null; errors: { message: string }[] } }>(PAY, { id: placed.id });
    setBusy(false);
    const p = res.data?.markOrderPaid;
    if (!p?.order) return setErrors({ form: p?.errors[0]?.message ?? res.errors?.[0]?.message ?? "Payment failed." });
    setPlaced({ ...placed, status: p.order.status });
    router.refresh();
  }

  function again() {
    setPlaced(null);
    setQty({});
    setUsePoints(0);
    setKey(crypto.randomUUID());
  }

  if (placed) {
    return (
      <Card data-testid="order-placed">
        <Title>Order #{placed.id} {placed.status === "PAID" ? "is paid" : "is placed"}</Title>
        <Text className="mt-1">
          {formatMoney(placed.total, placed.currency)}
          {placed.pointsRedeemed > 0 ? <span data-testid="paid-with-points">, of which {formatMoney(placed.pointsValue, placed.currency)} paid with {placed.pointsRedeemed.toLocaleString("en-US")} points; {formatMoney(placed.amountDue, placed.currency)} to pay</span> : null}
          . {placed.status === "PAID" ? "Its volume now counts for you and your upline." : "Stock is reserved; volume counts once it is paid."}
        </Text>
        {errors.form ? <p className="field-error" role="alert">{errors.form}</p> : null}
        <div className="mt-4 flex gap-3">
          {placed.status === "PENDING" && testPayments ? (
            <button className="btn" onClick={pay} disabled={busy}>Pay now (test payment)</button>
          ) : null}
          <button className="btn-secondary" onClick={again}>New order</button>
        </div>
      </Card>
    );
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); void place(new FormData(e.currentTarget)); }} className="space-y-4">
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Title>Shop</Title>
          {reorder ? <p className="w-full text-sm text-blue-800" role="status" data-testid="reorder-note">The products of order #{reorder.orderId} are filled in: change what you like and place the order.</p> : null}
          <label className="text-sm">
            Currency{" "}
            <select className="field inline-block w-auto" value={currency} onChange={(e) => setCurrency(e.target.value)} name="currency">
              {currencies.map((c) => <option key={c}>{c}</option>)}
            </select>
          </label>
        </div>
        <ul className="mt-3 divide-y divide-gray-100">
          {products.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center gap-3 py-2 text-sm">
              <div className="min-w-0 flex-1">
                <p className="font-medium">{p.name}</p>
                <p className="text-xs text-gray-500">{p.category} · {formatVolume(p.pv)} PV</p>
                {errors[`product-${p.id}`] ? <p className="field-error" role="alert">{errors[`product-${p.id}`]}</p> : null}
              </div>
              <span className="tabular-nums">{priceOf(p) ? formatMoney(priceOf(p)!, currency) : "—"}</span>
              <input
                aria-label={`Quantity of ${p.name}`}
                type="number" min={0} max={999} inputMode="numeric"
                className="field w-20"
                value={qty[p.id] ?? 0}
                disabled={!priceOf(p)}
                onChange={(e) => setQty({ ...qty, [p.id]: Math.max(0, Math.min(999, Number(e.target.value) || 0)) })}
              />
            </li>
          ))}
        </ul>
      </Card>
      <Card>
        <Title>Ship to</Title>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          {customers.length > 0 ? (
            <div className="sm:col-span-2">
              <label htmlFor="f-customerId" className="mb-1 block text-sm font-medium text-gray-700">For</label>
              <select id="f-customerId" name="customerId" className="field" onChange={(e) => {
                setCustomerId(e.target.value);
                setUsePoints(0);
              }}>
                <option value="">Myself</option>
                {customers.map((c) => <option key={c.id} value={c.id}>{c.name} (customer)</option>)}
              </select>
            </div>
          ) : null}
          <Field label="Name" name="name" defaultValue={defaults.name} error={errors["shippingAddress.name"]} />
          <Field label="Street and number" name="line1" error={errors["shippingAddress.line1"]} />
          <Field label="Address line 2 (optional)" name="line2" />
          <Field label="City" name="city" error={errors["shippingAddress.city"]} />
          <Field label="Postal code" name="postalCode" error={errors["shippingAddress.postalCode"]} />
          <Field label="Country (ISO code)" name="country" defaultValue={defaults.country} maxLength={2} error={errors["shippingAddress.country"]} />
        </div>
      </Card>
      {offer ? (
        <Card data-testid="pay-with-points">
          <Title>Pay with {offer.pointTypeName.toLowerCase()}</Title>
          <Text className="mt-1">
            {holderName ? `${holderName} has` : "You have"} {offer.balance.toLocaleString("en-US")} points; each pays {formatMoney(offer.valuePerPoint, currency)}. Up to {Math.round(offer.maxShareOfOrder * 100)} % of an order, at least {offer.minPoints.toLocaleString("en-US")} points.
          </Text>
          <div className="mt-3 flex flex-wrap items-end gap-3">
            <label className="text-sm">
              Points to use
              <input
                type="number" min={0} max={maxPoints} step={1} inputMode="numeric" className="field mt-1 w-36" aria-describedby="points-note"
                value={usePoints || ""} placeholder="0" onChange={(e) => setUsePoints(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
              />
            </label>
            <button type="button" className="btn-secondary" disabled={maxPoints < offer.minPoints} onClick={() => setUsePoints(maxPoints)}>Use {maxPoints.toLocaleString("en-US")}</button>
            {usePoints > 0 ? <button type="button" className="btn-secondary" onClick={() => setUsePoints(0)}>Don’t use points</button> : null}
          </div>
          <p id="points-note" className="mt-2 text-sm text-gray-600" role="status">
            {chosen.length === 0 ? "Choose products first."
              : maxPoints < offer.minPoints ? `This order is too small to pay with points (at least ${offer.minPoints.toLocaleString("en-US")} points).`
              : usePoints > 0 && usePoints < offer.minPoints ? `At least ${offer.minPoints.toLocaleString("en-US")} points.`
              : usePoints > maxPoints ? `At most ${maxPoints.toLocaleString("en-US")} points for this order.`
              : pointsUsed > 0 ? `${pointsUsed.toLocaleString("en-US")} points pay ${formatMoney(pointsPay, currency)}.` : "Points are spent when you place the order and come back if it is cancelled."}
          </p>
          {errors.points ? <p className="field-error" role="alert">{errors.points}</p> : null}
        </Card>
      ) : null}
      {errors.form || errors.lines || errors.currency ? <p className="field-error" role="alert">{errors.form ?? errors.lines ?? errors.currency}</p> : null}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm" data-testid="cart-summary">{chosen.length} products · {formatMoney(total, currency)} before tax{pointsUsed > 0 ? ` · ${formatMoney(pointsPay, currency)} with points` : ""} · {formatVolume(pv)} PV</p>
        <button type="submit" className="btn" disabled={busy || chosen.length === 0}>Place order</button>
      </div>
    </form>
  );
}
