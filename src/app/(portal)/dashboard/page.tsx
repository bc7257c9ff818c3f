import { Card, Text, Title } from "@tremor/react";
import Link from "next/link";
import { LiveTeamStats } from "@/components/dashboard/live-team-stats";
import { LiveVolume } from "@/components/dashboard/live-volume";
import { ReferralLink } from "@/components/dashboard/referral-link";
import { VolumeCharts } from "@/components/dashboard/volume-charts";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { formatDate, formatMoney, formatVolume, fullName } from "@/lib/format";
import { dailySeries, weeklySeries } from "@/lib/volume-series";
import { requirePageSession } from "@/server/auth/session";
import { analyticsService } from "@/server/domain/analytics/analytics.service";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";

export const metadata = { title: "Dashboard" };

const numbers = (t: { pv: string; gv: string; leftLeg: string; rightLeg: string; revision?: number }) => ({
  pv: t.pv, gv: t.gv, leftLegVolume: t.leftLeg, rightLegVolume: t.rightLeg, revision: t.revision ?? 0,
});
const NOTHING = { pv: "0", gv: "0", leftLeg: "0", rightLeg: "0" };

export default async function DashboardPage() {
  const { viewer, member } = await requirePageSession();
  const now = new Date();
  // Everything below in one round trip (the member came with the session).
  const [volume, placement] = await Promise.all([
    analyticsService.dashboard(viewer, viewer.id, { now, self: member }),
    genealogyService.placementConfig(),
  ]);
  const me = volume.member;
  const stats = volume.team!;
  const orders = volume.recentOrders ?? [];
  const period = volume.current;
  const chartData = {
    daily: dailySeries(volume.daily!, period, volume.previous, now),
    weekly: weeklySeries(volume.daily!, now),
    monthly: volume.history!.map((h) => ({ period: h.startsAt.toISOString().slice(0, 7), PV: Number(h.pv), GV: Number(h.gv) })),
  };
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Hello, {me.firstName}</h1>
        <p className="text-sm text-gray-500">
          Period {formatDate(period.startsAt)} – {formatDate(new Date(period.endsAt.getTime() - 1))}. Volume and team numbers update live.
        </p>
      </div>
      <LiveVolume
        memberId={String(viewer.id)}
        periodId={String(period.id)}
        initial={numbers(volume.volume!)}
        previous={numbers(volume.lastPeriodSoFar ?? NOTHING)}
        binary={placement.type === "BINARY"}
      />
      <VolumeCharts data={chartData} />
      <div className="grid gap-4 md:grid-cols-2">
        <Card>
          <Title>Top legs</Title>
          <Text>Your personally sponsored members by group volume this period.</Text>
          <ContributionList rows={volume.topLegs!.map((r) => ({ id: r.id, name: fullName(r), value: r.gv }))} testId="top-legs" empty="No volume in your team yet this period." />
        </Card>
        <Card>
          <Title>Top recruits</Title>
          <Text>Your personally sponsored members by their own volume this period.</Text>
          <ContributionList rows={volume.topRecruits!.map((r) => ({ id: r.id, name: fullName(r), value: r.pv }))} testId="top-recruits" empty="None of your recruits has ordered yet this period." />
        </Card>
      </div>
      <LiveTeamStats
        initial={{ teamSize: stats.teamSize, directs: stats.directs, newThisWeek: stats.newThisWeek, levels: stats.levels.map((l) => ({ level: l.level, count: l.count })) }}
      />
      <Card>
        <div className="flex items-center justify-between">
          <Title>Recent orders</Title>
          <Link href="/orders" className="text-sm text-blue-700 hover:underline">All orders and shop</Link>
        </div>
        {orders.length === 0 ? (
          <Text className="mt-2">No orders yet.</Text>
        ) : (
          <ul className="mt-2 divide-y divide-gray-100 text-sm">
            {orders.map((o) => (
              <li key={o.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>#{o.id} · {formatDate(o.placedAt)}</span>
                <span className="text-gray-500">{formatVolume(o.pv)} PV</span>
                <span>{formatMoney(o.total, o.currency)}</span>
                <OrderStatusBadge status={o.status} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card>
        <Title>Your referral link</Title>
        <Text className="mb-3">Share it: everyone who joins through it lands in your team.</Text>
        <ReferralLink code={me.referralCode} />
      </Card>
    </div>
  );
}

/** Members with some volume this period, largest first; members at zero are left out (a list of zeros says nothing). */
function ContributionList({ rows: all, testId, empty }: { rows: { id: number; name: string; value: string }[]; testId: string; empty: string }) {
  const rows = all.filter((r) => Number(r.value) > 0);
  if (rows.length === 0) return <Text className="mt-2" data-testid={testId}>{empty}</Text>;
  const max = Math.max(...rows.map((r) => Number(r.value)), 1);
  return (
    <ul className="mt-3 space-y-2 text-sm" data-testid={testId}>
      {rows.map((r) => (
        <li key={r.id}>
          <div className="flex justify-between"><span>{r.name}</span><span className="tabular-nums">{formatVolume(r.value)}</span></div>
          <div className="mt-1 h-1.5 rounded bg-gray-100"><div className="h-1.5 rounded bg-emerald-500" style={{ width: `${(Number(r.value) / max) * 100}%` }} /></div>
        </li>
      ))}
    </ul>
  );
}
