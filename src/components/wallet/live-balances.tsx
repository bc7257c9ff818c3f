"use client";
import { Card, Metric, Text } from "@tremor/react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { formatMoney } from "@/lib/format";
import { subscriptionClient } from "@/lib/graphql-client";

export interface Balance {
  currency: string;
  available: string;
  held: string;
  posted: string;
  revision: number;
}

const WALLET_UPDATED = `subscription($id: ID) { walletUpdated(memberId: $id) { balances { currency available held posted revision } } }`;

/**
 * Balance cards kept live over graphql-ws: any posting to the wallet (a transfer in, a
 * payout, an adjustment) pushes the new balance, and the history below is re-read.
 */
export function LiveBalances({ memberId, initial }: { memberId: string; initial: Balance[] }) {
  const router = useRouter();
  const [balances, setBalances] = useState(initial);
  useEffect(() => setBalances(initial), [initial]);
  useEffect(() => {
    return subscriptionClient().subscribe<{ walletUpdated: { balances: Balance[] } }>(
      { query: WALLET_UPDATED, variables: { id: memberId } },
      {
        next: ({ data }) => {
          const changed = data?.walletUpdated.balances ?? [];
          setBalances((now) => {
            const byCurrency = new Map(now.map((b) => [b.currency, b]));
            for (const b of changed) if ((byCurrency.get(b.currency)?.revision ?? -1) < b.revision) byCurrency.set(b.currency, b);
            return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
          });
          router.refresh();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }, [memberId, router]);

  if (balances.length === 0) return <Card><Text>Your wallet is empty: commissions, transfers and adjustments will show here.</Text></Card>;
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {balances.map((b) => (
        <Card key={b.currency} decoration="top" decorationColor="emerald">
          <Text>Available ({b.currency})</Text>
          <Metric data-testid={`wallet-available-${b.currency}`}>{formatMoney(b.available, b.currency)}</Metric>
          <Text className="mt-1 text-xs">
            {Number(b.held) > 0 ? `${formatMoney(b.held, b.currency)} held for withdrawals · ` : ""}balance {formatMoney(b.posted, b.currency)}
          </Text>
        </Card>
      ))}
    </div>
  );
}
