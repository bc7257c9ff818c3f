"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { graphql } from "@/lib/graphql-client";

export interface ProductFormValues {
  id?: string;
  sku: string;
  name: string;
  category: string;
  labels: string[];
  description: string;
  imageUrl: string;
  pv: string;
  bv: string;
  active: boolean;
  prices: { currency: string; amount: string }[];
}

const CREATE = `mutation($input: CreateProductInput!) { r: createProduct(input: $input) { product { id } errors { field message } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateProductInput!) { r: updateProduct(id: $id, input: $input) { product { id } errors { field message } } }`;

/** "USD 19.99, EUR 18.50" ⇄ a price list. */
const pricesText = (prices: ProductFormValues["prices"]) => prices.map((p) => `${p.currency} ${p.amount}`).join(", ");
function parsePrices(text: string) {
  return text.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
    const [currency = "", amount = ""] = s.split(/\s+/);
    return { currency, amount };
  });
}

/** Creates a product, or edits one (deactivating stops new orders; old orders keep it). */
export function ProductForm({ initial }: { initial: ProductFormValues }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  async function save(form: FormData) {
    setSaved(false);
    const input = {
      sku: String(form.get("sku") ?? ""), name: String(form.get("name") ?? ""), category: String(form.get("category") ?? ""),
      description: String(form.get("description") ?? ""), imageUrl: String(form.get("imageUrl") ?? ""),
      pv: String(form.get("pv") ?? ""), bv: String(form.get("bv") ?? ""), active: form.get("active") === "on",
      prices: parsePrices(String(form.get("prices") ?? "")),
      labels: String(form.get("labels") ?? "").split(",").map((l) => l.trim()).filter(Boolean),
    };
    const res = initial.id
      ? await graphql<{ r: { product: { id: string } | null; errors: { field: string; message: string }[] } }>(UPDATE, { id: initial.id, input })
      : await graphql<{ r: { product: { id: string } | null; errors: { field: string; message: string }[] } }>(CREATE, { input });
    const r = res.data?.r;
    if (!r) return setErrors({ form: res.errors?.[0]?.message ?? "Something went wrong." });
    if (r.errors.length > 0) return setErrors(Object.fromEntries(r.errors.map((e) => [e.field.startsWith("prices") ? "prices" : e.field, e.message])));
    setErrors({});
    setSaved(true);
    if (!initial.id) router.push(`/admin/products/${r.product!.id}`);
    else router.refresh();
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); void save(new FormData(e.currentTarget)); }} className="grid gap-3 sm:grid-cols-2">
      <Field label="SKU" name="sku" defaultValue={initial.sku} error={errors.sku} />
      <Field label="Name" name="name" defaultValue={initial.name} error={errors.name} />
      <Field label="Category" name="category" defaultValue={initial.category} error={errors.category} />
      <Field label="Image URL" name="imageUrl" defaultValue={initial.imageUrl} error={errors.imageUrl} />
      <div className="sm:col-span-2">
        <Field label="Labels for loyalty rules (e.g. gift-card, new)" name="labels" defaultValue={initial.labels.join(", ")} error={errors.labels} />
      </div>
      <Field label="PV per unit" name="pv" defaultValue={initial.pv} inputMode="decimal" error={errors.pv} />
      <Field label="BV per unit" name="bv" defaultValue={initial.bv} inputMode="decimal" error={errors.bv} />
      <div className="sm:col-span-2">
        <Field label="Prices (e.g. USD 19.99, EUR 18.50)" name="prices" defaultValue={pricesText(initial.prices)} error={errors.prices} />
      </div>
      <div className="sm:col-span-2">
        <label htmlFor="f-description" className="mb-1 block text-sm font-medium text-gray-700">Description</label>
        <textarea id="f-description" name="description" defaultValue={initial.description} className="field" rows={3} />
        {errors.description ? <p className="field-error" role="alert">{errors.description}</p> : null}
      </div>
      <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="active" defaultChecked={initial.active} /> Active (can be ordered)</label>
      <div className="flex items-center justify-end gap-3">
        {saved ? <span className="text-sm text-emerald-700" role="status">Saved</span> : null}
        {errors.form ? <span className="field-error" role="alert">{errors.form}</span> : null}
        <button className="btn" type="submit">{initial.id ? "Save changes" : "Create product"}</button>
      </div>
    </form>
  );
}

const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { stock { onHand } errors { field message } } }`;

/** Adds or removes units in one warehouse, with the reason kept in the history. */
export function StockAdjustForm({ productId, warehouses }: { productId: string; warehouses: { id: string; name: string }[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function adjust(form: FormData) {
    const res = await graphql<{ adjustStock: { stock: unknown; errors: { field: string; message: string }[] } }>(ADJUST, {
      input: { productId, warehouseId: String(form.get("warehouseId")), delta: Number(form.get("delta")) || 0, reason: String(form.get("reason") ?? "") },
    });
    const r = res.data?.adjustStock;
    if (!r) return setErrors({ form: res.errors?.[0]?.message ?? "Something went wrong." });
    setErrors(Object.fromEntries(r.errors.map((e) => [e.field, e.message])));
    if (r.errors.length === 0) router.refresh();
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); void adjust(new FormData(e.currentTarget)); }} className="grid gap-3 sm:grid-cols-4">
      <label className="text-sm">Warehouse
        <select name="warehouseId" className="field mt-1">{warehouses.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}</select>
      </label>
      <Field label="Units (+/−)" name="delta" type="number" error={errors.delta} />
      <Field label="Reason" name="reason" placeholder="Delivery, stock count, damage…" error={errors.reason} />
      <div className="flex items-end"><button className="btn w-full" type="submit">Adjust stock</button></div>
      {errors.form ? <p className="field-error sm:col-span-4" role="alert">{errors.form}</p> : null}
    </form>
  );
}
