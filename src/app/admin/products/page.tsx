import { Badge, Card, Title } from "@tremor/react";
import Link from "next/link";
import { ProductForm } from "@/components/admin/product-form";
import { formatMoney, formatVolume } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { catalogService } from "@/server/domain/catalog/catalog.service";

export const metadata = { title: "Products" };

export default async function AdminProductsPage({ searchParams }: { searchParams: Promise<{ search?: string; category?: string }> }) {
  const viewer = await requirePageViewer("catalog.write");
  const { search, category } = await searchParams;
  const [result, categories] = await Promise.all([catalogService.list(viewer, { search, category }, 200, null), catalogService.categories()]);
  const stock = await catalogService.stock(viewer, result.rows.map((p) => p.id));
  const available = new Map<number, number>();
  for (const s of stock) available.set(s.productId, (available.get(s.productId) ?? 0) + s.onHand - s.reserved);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Products</h1>
      <Card>
        <form className="flex flex-wrap gap-3" method="get">
          <input name="search" defaultValue={search ?? ""} placeholder="Name or SKU" aria-label="Search" className="field w-56" />
          <select name="category" defaultValue={category ?? ""} aria-label="Category" className="field w-56">
            <option value="">All categories</option>
            {categories.map((c) => <option key={c.category} value={c.category}>{c.category} ({c.count})</option>)}
          </select>
          <button className="btn" type="submit">Filter</button>
        </form>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="product-list">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">SKU</th><th className="pr-3">Name</th><th className="pr-3">Category</th><th className="pr-3 text-right">Price</th><th className="pr-3 text-right">PV</th><th className="pr-3 text-right">Available</th><th /></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {result.rows.map((p) => {
                const free = available.get(p.id) ?? 0;
                return (
                  <tr key={p.id}>
                    <td className="py-2 pr-3 font-mono text-xs">{p.sku}</td>
                    <td className="pr-3"><Link className="text-blue-700 hover:underline" href={`/admin/products/${p.id}`}>{p.name}</Link></td>
                    <td className="pr-3">{p.category}</td>
                    <td className="pr-3 text-right tabular-nums">{p.prices[0] ? formatMoney(p.prices.find((x) => x.currency === "USD")?.amount ?? p.prices[0].amount, p.prices.find((x) => x.currency === "USD") ? "USD" : p.prices[0].currency) : "—"}</td>
                    <td className="pr-3 text-right tabular-nums">{formatVolume(p.pv)}</td>
                    <td className={`pr-3 text-right tabular-nums ${free < 10 ? "font-semibold text-red-600" : ""}`}>{free}</td>
                    <td>{p.active ? null : <Badge color="gray" size="xs">inactive</Badge>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
      <Card>
        <Title>New product</Title>
        <div className="mt-3">
          <ProductForm initial={{ sku: "", name: "", category: "", labels: [], description: "", imageUrl: "", pv: "0", bv: "0", active: true, prices: [] }} />
        </div>
      </Card>
    </div>
  );
}
