"use client";
import { Card, Text, Title } from "@tremor/react";
import { useEffect, useState } from "react";
import { formatDateTime, formatMoney, formatVolume, plural } from "@/lib/format";
import { subscriptionClient } from "@/lib/graphql-client";

export interface Sale {
  id: string;
  memberName: string;
  customerName: string | null;
  country: string;
  currency: string;
  total: string;
  pv: string;
  itemCount: number;
  placedAt: string;
}

const ORDER_PLACED = `subscription { orderPlaced { id memberName customerName country currency total pv itemCount placedAt } }`;

/** The newest orders, with new ones arriving over graphql-ws as they are placed. */
export function LiveSalesFeed({ initial }: { initial: Sale[] }) {
  const [sales, setSales] = useState(initial);
  const [fresh, setFresh] = useState<Set<string>>(new Set());

  useEffect(() => {
    return subscriptionClient().subscribe<{ orderPlaced: Sale }>({ query: ORDER_PLACED }, {
      next: ({ data }) => {
        const sale = data?.orderPlaced;
        if (!sale) return;
        setSales((s) => [sale, ...s.filter((x) => x.id !== sale.id)].slice(0, 12));
        setFresh((f) => new Set(f).add(sale.id));
      },
      error: () => undefined,
      complete: () => undefined,
    });
  }, []);

  return (
    <Card>
      <Title>Live orders</Title>
      <Text>New orders appear here as they are placed.</Text>
      <ul className="mt-3 divide-y divide-gray-100 text-sm" data-testid="live-orders">
        {sales.map((s) => (
          <li key={s.id} className={`py-2 ${fresh.has(s.id) ? "bg-emerald-50" : ""}`}>
            {/* Who and how much on the first line, the details below: the amount stays at the right edge at any width. */}
            <div className="flex items-baseline justify-between gap-3">
              <span className="min-w-0 truncate">
                <a href={`/admin/orders/${s.id}`} className="font-medium text-blue-700 hover:underline">#{s.id}</a>{" "}
                {s.memberName}{s.customerName ? ` for ${s.customerName}` : ""} <span className="text-gray-400">({s.country})</span>
              </span>
              <span className="shrink-0 tabular-nums">{formatMoney(s.total, s.currency)}</span>
            </div>
            <div className="text-xs text-gray-500">{formatDateTime(s.placedAt)} · {plural(s.itemCount, "item")} · {formatVolume(s.pv)} PV</div>
          </li>
        ))}
      </ul>
    </Card>
  );
}
