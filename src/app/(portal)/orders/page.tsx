import { Card, Title } from "@tremor/react";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { ShopForm } from "@/components/orders/shop-form";
import { formatDate, formatMoney, formatVolume, fullName } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { catalogService } from "@/server/domain/catalog/catalog.service";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";

export const metadata = { title: "Orders" };

const EURO = new Set(["DE", "FR", "ES", "IT", "NL", "AT", "BE", "PT", "IE", "FI"]);

export default async function OrdersPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const viewer = await requirePageViewer();
  const { before } = await searchParams;
  const beforeId = before && /^\d+$/.test(before) ? Number(before) : null;
  const [me, catalog, customers, orders] = await Promise.all([
    memberService.findById(viewer.id),
    catalogService.list(viewer, { active: true }, 200, null),
    orderService.customers(viewer, viewer.id),
    orderService.list(viewer, {}, 25, beforeId),
  ]);
  const customerName = new Map(customers.map((c) => [c.id, fullName(c)]));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Orders</h1>
      <ShopForm
        products={catalog.rows.map((p) => ({ id: p.id, name: p.name, category: p.category, pv: p.pv, prices: p.prices }))}
        customers={customers.map((c) => ({ id: c.id, name: fullName(c) }))}
        defaults={{ name: fullName(me!), country: me!.country, currency: EURO.has(me!.country) ? "EUR" : me!.country === "GB" ? "GBP" : "USD" }}
        testPayments={process.env.PAYMENT_TEST_PROVIDER !== "off"}
      />
      <Card>
        <Title>Your orders and your customers' orders ({orders.totalCount})</Title>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="order-history">
            <thead className="text-xs uppercase text-gray-500">
              <tr><th className="py-2 pr-3">Order</th><th className="pr-3">Placed</th><th className="pr-3">For</th><th className="pr-3 text-right">Total</th><th className="pr-3 text-right">PV</th><th>Status</th></tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {orders.rows.map((o) => (
                <tr key={o.id}>
                  <td className="py-2 pr-3">#{o.id}<span className="block text-xs text-gray-500">{o.lines.map((l) => `${l.quantity}× ${l.name}`).join(", ")}</span></td>
                  <td className="pr-3 whitespace-nowrap">{formatDate(o.placedAt)}</td>
                  <td className="pr-3">{o.customerId ? customerName.get(o.customerId) ?? "Customer" : "Me"}</td>
                  <td className="pr-3 text-right tabular-nums">{formatMoney(o.total, o.currency)}</td>
                  <td className="pr-3 text-right tabular-nums">{formatVolume(o.pv)}</td>
                  <td><OrderStatusBadge status={o.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {orders.hasNextPage ? <a className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/orders?before=${orders.rows.at(-1)!.id}`}>Older orders</a> : null}
      </Card>
    </div>
  );
}
