import Link from "next/link";
import { formatMoney, formatVolume } from "@/lib/format";
import { OrderStatusBadge } from "./order-status-badge";

export interface OrderTableRow {
  id: number;
  /** Where the order number links to, if anywhere. */
  href?: string;
  /** A line under the order number (what was bought). */
  detail?: string;
  placed: string;
  party: string;
  total: string;
  currency: string;
  pv: string;
  status: string;
  /** Points that paid part of the total, if any. */
  points?: number;
}

/** The order list shared by the distributor's history and the admins' order list. */
export function OrderTable({ rows, partyLabel, testId }: { rows: OrderTableRow[]; partyLabel: string; testId?: string }) {
  return (
    <div className="mt-3 overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead className="text-xs uppercase text-gray-500">
          <tr><th className="py-2 pr-3">Order</th><th className="hidden pr-3 sm:table-cell">Placed</th><th className="hidden pr-3 sm:table-cell">{partyLabel}</th><th className="pr-3 text-right">Total</th><th className="hidden pr-3 text-right sm:table-cell">PV</th><th>Status</th></tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {rows.map((o) => (
            <tr key={o.id}>
              <td className="py-2 pr-3">
                {o.href ? <Link className="text-blue-700 hover:underline" href={o.href}>#{o.id}</Link> : `#${o.id}`}
                {o.detail ? <span className="block text-xs text-gray-500">{o.detail}</span> : null}
                {/* On a phone the date, the party and PV go under the order, leaving total and status in view. */}
                <span className="block text-xs text-gray-500 sm:hidden">{o.placed} · {o.party} · {formatVolume(o.pv)} PV</span>
              </td>
              <td className="hidden pr-3 whitespace-nowrap sm:table-cell">{o.placed}</td>
              <td className="hidden pr-3 sm:table-cell">{o.party}</td>
              <td className="pr-3 text-right tabular-nums whitespace-nowrap">
                {formatMoney(o.total, o.currency)}
                {o.points ? <span className="block whitespace-normal text-xs text-gray-500">{o.points.toLocaleString("en-US")} points used</span> : null}
              </td>
              <td className="hidden pr-3 text-right tabular-nums sm:table-cell">{formatVolume(o.pv)}</td>
              <td><OrderStatusBadge status={o.status} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
