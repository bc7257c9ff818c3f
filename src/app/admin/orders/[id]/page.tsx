import { Card, Text, Title } from "@tremor/react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OrderActions } from "@/components/admin/order-actions";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { formatDateTime, formatMoney, formatVolume, fullName } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { accessService } from "@/server/domain/access/access.service";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";

export const metadata = { title: "Order" };

export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await requirePageViewer("orders.read");
  const { id } = await params;
  if (!/^\d{1,10}$/.test(id)) notFound();
  const order = await orderService.get(viewer, Number(id)).catch(() => null);
  if (!order) notFound();
  const member = await memberService.findById(order.memberId);
  const a = await orderService.shippingAddressFor(viewer, order);
  const mayAct = await accessService.covers(viewer, order.memberId, "orders.write");
  return (
    <div className="space-y-4">
      <Link href="/admin/orders" className="text-sm text-blue-700 hover:underline">← Orders</Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">Order #{order.id}</h1>
        <OrderStatusBadge status={order.status} />
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        <Card className="md:col-span-2">
          <Title>Lines</Title>
          <table className="mt-2 w-full text-left text-sm">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">Product</th><th className="text-right">Qty</th><th className="text-right">Refunded</th><th className="text-right">Unit</th><th className="text-right">PV</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {order.lines.map((l) => (
                <tr key={l.id}><td className="py-2">{l.name} <span className="text-gray-400">{l.sku}</span></td><td className="text-right">{l.quantity}</td><td className="text-right">{l.refundedQuantity}</td><td className="text-right">{formatMoney(l.unitPrice, order.currency)}</td><td className="text-right">{formatVolume(l.unitPv)}</td></tr>
              ))}
            </tbody>
          </table>
          <dl className="mt-4 grid grid-cols-2 gap-1 text-sm sm:w-72 sm:ml-auto">
            <dt>Subtotal</dt><dd className="text-right">{formatMoney(order.subtotal, order.currency)}</dd>
            <dt>Tax</dt><dd className="text-right">{formatMoney(order.tax, order.currency)}</dd>
            <dt className="font-semibold">Total</dt><dd className="text-right font-semibold">{formatMoney(order.total, order.currency)}</dd>
            {order.pointsRedeemed > 0 ? (
              <>
                <dt>Paid with points</dt>
                <dd className="text-right" data-testid="order-points">{formatMoney(order.pointsValue, order.currency)} <span className="block text-xs text-gray-500">{order.pointsRedeemed.toLocaleString("en-US")} {order.pointsType?.toLowerCase()} points{order.pointsReturned ? `, ${order.pointsReturned.toLocaleString("en-US")} given back` : ""}</span></dd>
                <dt>Charged</dt><dd className="text-right">{formatMoney(order.amountDue, order.currency)}</dd>
              </>
            ) : null}
            <dt>Refunded{order.pointsRedeemed > 0 ? " (money and points)" : ""}</dt><dd className="text-right">{formatMoney(order.refundedTotal, order.currency)}</dd>
            <dt>PV / BV</dt><dd className="text-right">{formatVolume(order.pv)} / {formatVolume(order.bv)}</dd>
          </dl>
        </Card>
        <Card>
          <Title>Actions</Title>
          <div className="mt-3">
            {mayAct ? (
              <OrderActions orderId={String(order.id)} status={order.status} lines={order.lines.map((l) => ({ id: String(l.id), name: l.name, left: l.quantity - l.refundedQuantity }))} />
            ) : (
              <p className="text-sm text-gray-500">Your role may look at orders, not change them.</p>
            )}
          </div>
          <Text className="mt-4">Credited to</Text>
          <p className="text-sm">{member ? <Link className="text-blue-700 hover:underline" href={`/admin/members/${member.id}`}>{fullName(member)}</Link> : order.memberId}{order.customerId ? " (customer order)" : ""}</p>
          <Text className="mt-3">Ship to</Text>
          {a ? (
            <p className="text-sm">{a.name}<br />{a.line1}{a.line2 ? <><br />{a.line2}</> : null}<br />{a.postalCode} {a.city}<br />{a.country}</p>
          ) : (
            <p className="text-sm text-gray-500">{order.shippingAddress.country} (the address is personal data your role does not show)</p>
          )}
          <Text className="mt-3">History</Text>
          <ul className="text-sm">
            <li>Placed {formatDateTime(order.placedAt)}</li>
            {order.paidAt ? <li>Paid {formatDateTime(order.paidAt)}</li> : null}
            {order.shippedAt ? <li>Shipped {formatDateTime(order.shippedAt)}</li> : null}
            {order.deliveredAt ? <li>Delivered {formatDateTime(order.deliveredAt)}</li> : null}
            {order.cancelledAt ? <li>Cancelled {formatDateTime(order.cancelledAt)}</li> : null}
            {order.payments.map((p) => <li key={p.id}>{p.kind === "CHARGE" ? "Charged" : "Refunded"} {formatMoney(p.amount, p.currency)} via {p.provider} ({formatDateTime(p.createdAt)})</li>)}
          </ul>
        </Card>
      </div>
    </div>
  );
}
