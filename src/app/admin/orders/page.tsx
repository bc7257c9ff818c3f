import { Card } from "@tremor/react";
import Link from "next/link";
import { OrderTable } from "@/components/orders/order-table";
import { formatDateTime, fullName } from "@/lib/format";
import { filterQuery, ORDER_STATUSES, parseOrderFilter } from "@/lib/order-filter";
import { requirePageViewer } from "@/server/auth/session";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";
import { can } from "@/server/domain/shared/access";

export const metadata = { title: "Orders" };

export default async function AdminOrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const viewer = await requirePageViewer("orders.read");
  const params = await searchParams;
  const filter = parseOrderFilter(params);
  const before = params.before && /^\d+$/.test(params.before) ? Number(params.before) : null;
  const result = await orderService.list(viewer, filter, 50, before);
  const members = new Map((await memberService.findManyByIds([...new Set(result.rows.map((o) => o.memberId))])).map((m) => [m.id, m]));
  const query = filterQuery(params);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <h1 className="text-2xl font-semibold">Orders</h1>
        {can(viewer, "orders.read") && can(viewer, "members.personal") ? (
          <a className="btn-secondary" href={`/api/exports/orders${query ? `?${query}` : ""}`} download>Export CSV</a>
        ) : null}
      </div>
      <Card>
        <form className="grid grid-cols-2 gap-3 sm:grid-cols-6" method="get">
          <label className="text-sm">Status
            <select name="status" defaultValue={params.status ?? ""} className="field mt-1">
              <option value="">Any</option>
              {ORDER_STATUSES.map((s) => <option key={s} value={s}>{s.toLowerCase()}</option>)}
            </select>
          </label>
          <label className="text-sm">Member id<input name="memberId" defaultValue={params.memberId ?? ""} className="field mt-1" inputMode="numeric" /></label>
          <label className="text-sm">Currency<input name="currency" defaultValue={params.currency ?? ""} className="field mt-1" maxLength={3} /></label>
          <label className="text-sm">From<input type="date" name="from" defaultValue={params.from ?? ""} className="field mt-1" /></label>
          <label className="text-sm">To<input type="date" name="to" defaultValue={params.to ?? ""} className="field mt-1" /></label>
          <div className="flex items-end"><button className="btn w-full" type="submit">Filter</button></div>
        </form>
      </Card>
      <Card>
        <p className="text-sm text-gray-500" data-testid="order-count">{result.totalCount.toLocaleString("en-US")} orders</p>
        <OrderTable
          partyLabel="Member"
          rows={result.rows.map((o) => ({
            id: o.id, href: `/admin/orders/${o.id}`, placed: formatDateTime(o.placedAt),
            party: `${members.has(o.memberId) ? fullName(members.get(o.memberId)!) : o.memberId}${o.customerId ? " (customer)" : ""}`,
            total: o.total, currency: o.currency, pv: o.pv, status: o.status,
          }))}
        />
        {result.hasNextPage ? (
          <Link className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/admin/orders?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(query)), before: String(result.rows.at(-1)!.id) })}`}>Older orders</Link>
        ) : null}
      </Card>
    </div>
  );
}
