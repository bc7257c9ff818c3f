import { Card, Title } from "@tremor/react";
import { OrderTable } from "@/components/orders/order-table";
import { ShopForm } from "@/components/orders/shop-form";
import { formatDate, fullName } from "@/lib/format";
import { defaultCurrencyFor } from "@/lib/money";
import { requirePageViewer } from "@/server/auth/session";
import { catalogService } from "@/server/domain/catalog/catalog.service";
import { customerService } from "@/server/domain/customer/customer.service";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";

export const metadata = { title: "Orders" };

export default async function OrdersPage({ searchParams }: { searchParams: Promise<{ before?: string; reorder?: string }> }) {
  const viewer = await requirePageViewer();
  const { before, reorder: reorderId } = await searchParams;
  const beforeId = before && /^\d+$/.test(before) ? Number(before) : null;
  // Reorder from history: the earlier order's products and quantities (one the viewer may see).
  const earlier = reorderId && /^\d{1,10}$/.test(reorderId) ? await orderService.get(viewer, Number(reorderId)).catch(() => null) : null;
  const reorder = earlier && {
    orderId: earlier.id, currency: earlier.currency,
    quantities: Object.fromEntries(earlier.lines.map((l) => [l.productId, l.quantity])),
  };
  const [me, catalog, customers, orders] = await Promise.all([
    memberService.findById(viewer.id),
    catalogService.list(viewer, { active: true }, 200, null),
    customerService.list(viewer, viewer.id),
    // Their own and their customers' orders only, also for a leader or staff member who may read a team's (those are in the back office).
    orderService.list(viewer, { memberId: viewer.id }, 25, beforeId),
  ]);
  const customerName = new Map(customers.map((c) => [c.id, fullName(c)]));
  // Retail customers earn points on their own orders (enrolled by their first paid one).
  const [customerPoints, program] = await Promise.all([loyaltyService.customerBalances(viewer, customers), loyaltyService.program()]);
  const pointTypes = (program?.pointTypes ?? []).filter((t) => t.redeemable);
  // Paying with points: the programme's terms and the member's balance per currency sold in.
  const currencies = [...new Set(catalog.rows.flatMap((p) => p.prices.map((x) => x.currency)))];
  const offers = await Promise.all(currencies.map(async (c) => [c, await loyaltyService.checkoutPoints(viewer, viewer.id, c)] as const));
  const points = Object.fromEntries(offers.flatMap(([c, o]) => (o ? [[c, o]] : [])));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Orders</h1>
      <ShopForm
        products={catalog.rows.map((p) => ({ id: p.id, name: p.name, category: p.category, pv: p.pv, prices: p.prices }))}
        customers={customers.map((c) => ({ id: c.id, name: fullName(c) }))}
        defaults={{ name: fullName(me!), country: me!.country, currency: defaultCurrencyFor(me!.country) }}
        testPayments={process.env.PAYMENT_TEST_PROVIDER !== "off"}
        reorder={reorder}
        points={points}
        customerPoints={Object.fromEntries(customers.map((c) => [c.id, customerPoints.get(c.id)?.find((x) => x.pointType === program?.checkout?.pointType)?.balance ?? 0]))}
      />
      <Card>
        <Title>Your orders and your customers' orders ({orders.totalCount})</Title>
        <OrderTable
          testId="order-history"
          partyLabel="For"
          rows={orders.rows.map((o) => ({
            id: o.id, detail: o.lines.map((l) => `${l.quantity}× ${l.name}`).join(", "), placed: formatDate(o.placedAt),
            party: o.customerId ? customerName.get(o.customerId) ?? "Customer" : "Me",
            total: o.total, currency: o.currency, pv: o.pv, status: o.status, points: o.pointsRedeemed,
          }))}
        />
        {orders.hasNextPage ? <a className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/orders?before=${orders.rows.at(-1)!.id}`}>Older orders</a> : null}
      </Card>
      {customers.length > 0 && pointTypes.length > 0 ? (
        <Card data-testid="customer-points">
          <Title>Your customers' points</Title>
          <p className="mt-1 text-sm text-gray-600">Your retail customers earn points on the orders you place for them; points stay pending through the return window.</p>
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-sm">
              <thead>
                <tr className="text-left text-gray-500">
                  <th className="py-1 pr-3 font-medium">Customer</th>
                  {pointTypes.map((t) => <th key={t.code} className="py-1 pr-3 text-right font-medium">{t.name}</th>)}
                </tr>
              </thead>
              <tbody>
                {customers.map((c) => (
                  <tr key={c.id} className="border-t">
                    <td className="py-1 pr-3">{fullName(c)}</td>
                    {pointTypes.map((t) => {
                      const row = customerPoints.get(c.id)?.find((x) => x.pointType === t.code);
                      return (
                        <td key={t.code} className="py-1 pr-3 text-right tabular-nums">
                          <span data-testid={`customer-balance-${t.code}`}>{(row?.balance ?? 0).toLocaleString("en-US")}</span>
                          {row?.pending ? <span className="ml-1 text-xs text-amber-700">+{row.pending.toLocaleString("en-US")} pending</span> : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}
    </div>
  );
}
