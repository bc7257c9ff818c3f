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
          <tr><th className="py-2 pr-3">Order</th><th className="pr-3">Placed</th><th className="pr-3">{partyLabel}</th><th className="pr-3 text-right">Total</th><th className="pr-3 text-right">PV</th><th>Status</th></tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {rows.map((o) => (
            <tr key={o.id}>
              <td className="py-2 pr-3">
                {o.href ? <Link className="text-blue-700 hover:underline" href={o.href}>#{o.id}</Link> : `#${o.id}`}
                {o.detail ? <span className="block text-xs text-gray-500">{o.detail}</span> : null}
              </td>
              <td className="pr-3 whitespace-nowrap">{o.placed}</td>
              <td className="pr-3">{o.party}</td>
              <td className="pr-3 text-right tabular-nums">
                {formatMoney(o.total, o.currency)}
                {o.points ? <span className="block text-xs text-gray-500">{o.points.toLocaleString("en-US")} points used</span> : null}
              </td>
              <td className="pr-3 text-right tabular-nums">{formatVolume(o.pv)}</td>
              <td><OrderStatusBadge status={o.status} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
