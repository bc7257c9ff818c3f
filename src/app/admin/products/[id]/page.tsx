import { Card, Title } from "@tremor/react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ProductForm, StockAdjustForm } from "@/components/admin/product-form";
import { formatDateTime } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { catalogService } from "@/server/domain/catalog/catalog.service";

export const metadata = { title: "Product" };

export default async function AdminProductPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await requirePageViewer("catalog.write");
  const { id } = await params;
  if (!/^\d{1,10}$/.test(id)) notFound();
  const product = await catalogService.get(viewer, Number(id)).catch(() => null);
  if (!product) notFound();
  const [stock, history, warehouses] = await Promise.all([
    catalogService.stock(viewer, [product.id]),
    catalogService.adjustments(viewer, product.id, 50),
    catalogService.warehouses(),
  ]);
  return (
    <div className="space-y-4">
      <Link href="/admin/products" className="text-sm text-blue-700 hover:underline">← Products</Link>
      <h1 className="text-2xl font-semibold">{product.name}</h1>
      <Card>
        <ProductForm initial={{ ...product, id: String(product.id), imageUrl: product.imageUrl ?? "" }} />
      </Card>
      <Card>
        <Title>Stock</Title>
        <table className="mt-2 w-full text-left text-sm" data-testid="stock-levels">
          <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">Warehouse</th><th className="text-right">On hand</th><th className="text-right">Reserved</th><th className="text-right">Available</th></tr></thead>
          <tbody className="divide-y divide-gray-100">
            {stock.map((s) => <tr key={s.warehouseId}><td className="py-2">{s.warehouseName}</td><td className="text-right">{s.onHand}</td><td className="text-right">{s.reserved}</td><td className="text-right">{s.onHand - s.reserved}</td></tr>)}
          </tbody>
        </table>
        <div className="mt-4"><StockAdjustForm productId={String(product.id)} warehouses={warehouses.map((w) => ({ id: String(w.id), name: w.name }))} /></div>
      </Card>
      <Card>
        <Title>Stock history</Title>
        <ul className="mt-2 divide-y divide-gray-100 text-sm" data-testid="stock-history">
          {history.map((h) => (
            <li key={h.id} className="flex flex-wrap justify-between gap-2 py-2">
              <span>{formatDateTime(h.createdAt)} · {h.warehouseCode}</span>
              <span className={h.delta > 0 ? "text-emerald-700" : "text-red-600"}>{h.delta > 0 ? "+" : ""}{h.delta} → {h.onHandAfter}</span>
              <span className="text-gray-600">{h.reason}{h.actor ? ` (${h.actor.firstName} ${h.actor.lastName})` : ""}</span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
