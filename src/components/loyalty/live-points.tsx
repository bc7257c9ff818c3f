"use client";
import { Card, Metric, ProgressBar, Text } from "@tremor/react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { formatCount, formatDate, formatMoney } from "@/lib/format";
import { subscriptionClient } from "@/lib/graphql-client";

export interface PointsView {
  balances: {
    pointType: string; name: string; balance: number; pending: number; expiringSoon: number; nextExpiry: string | null; redeemable: boolean;
    worth: { currency: string; perPoint: number } | null;
  }[];
  tier: { code: string; name: string } | null;
  nextTier: { code: string; name: string; pointsNeeded: number } | null;
  tierPoints: number;
  progress: number;
  revision: number;
}

const POINTS_UPDATED = `subscription($id: ID) { pointsUpdated(memberId: $id) {
  balances { pointType balance pending } tier { code name } nextTier { code name pointsNeeded } tierPoints progress newBadges { code name } revision } }`;

type Update = Omit<PointsView, "balances"> & { balances: { pointType: string; balance: number; pending: number }[]; newBadges: { code: string; name: string }[] };

/**
 * Points by type, pending points and tier progress, kept live over graphql-ws: an order
 * paid, points released or a reward redeemed pushes the new numbers within a second, a
 * new badge shows at once, and the lists below are re-read.
 */
export function LivePoints({ memberId, initial }: { memberId: string; initial: PointsView }) {
  const router = useRouter();
  const [view, setView] = useState(initial);
  const [badges, setBadges] = useState<string[]>([]);
  useEffect(() => setView(initial), [initial]);
  useEffect(() => {
    return subscriptionClient().subscribe<{ pointsUpdated: Update }>(
      { query: POINTS_UPDATED, variables: { id: memberId } },
      {
        next: ({ data }) => {
          const u = data?.pointsUpdated;
          if (!u) return;
          setView((now) => (u.revision < now.revision ? now : {
            ...now, tier: u.tier, nextTier: u.nextTier, tierPoints: u.tierPoints, progress: u.progress, revision: u.revision,
            balances: now.balances.map((b) => {
              const n = u.balances.find((x) => x.pointType === b.pointType);
              return n ? { ...b, balance: n.balance, pending: n.pending } : b;
            }),
          }));
          if (u.newBadges.length) setBadges((b) => [...b, ...u.newBadges.map((x) => x.name)]);
          router.refresh();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }, [memberId, router]);

  return (
    <div className="space-y-4">
      {badges.length ? (
        <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status" data-testid="new-badge">
          New badge: {badges.join(", ")} 🎉
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {view.balances.map((b) => (
          <Card key={b.pointType} decoration="top" decorationColor={b.redeemable ? "violet" : "amber"}>
            <Text>{b.name}</Text>
            <Metric data-testid={`points-balance-${b.pointType}`}>{formatCount(b.balance)}</Metric>
            {b.worth ? <p className="text-xs text-tremor-content" data-testid={`points-worth-${b.pointType}`}>worth {formatMoney(b.balance * b.worth.perPoint, b.worth.currency)}</p> : null}
            <Text className="mt-1 text-xs">
              <span data-testid={`points-pending-${b.pointType}`}>{formatCount(b.pending)}</span> pending
              {b.expiringSoon > 0 && b.nextExpiry ? ` · ${formatCount(b.expiringSoon)} expire by ${formatDate(b.nextExpiry)}` : ""}
            </Text>
          </Card>
        ))}
        <Card decoration="top" decorationColor="emerald">
          <Text>Tier</Text>
          <Metric data-testid="loyalty-tier">{view.tier?.name ?? "Member"}</Metric>
          {view.nextTier ? (
            <>
              <ProgressBar value={Math.round(view.progress * 100)} color="emerald" className="mt-2" />
              <p className="mt-1 text-xs text-tremor-content" data-testid="next-tier">{formatCount(view.nextTier.pointsNeeded)} status points to {view.nextTier.name}</p>
            </>
          ) : <Text className="mt-1 text-xs">The top tier.</Text>}
        </Card>
      </div>
    </div>
  );
}
