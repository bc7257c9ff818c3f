import { Card, Metric, Text, Title } from "@tremor/react";
import { UnitBarList } from "@/components/charts/unit-bar-list";
import { LiveSalesFeed } from "@/components/admin/live-sales-feed";
import { formatDate, formatMoney, formatVolume, fullName } from "@/lib/format";
import { percentChange } from "@/lib/money";
import { requirePageViewer } from "@/server/auth/session";
import { analyticsService } from "@/server/domain/analytics/analytics.service";
import { memberService } from "@/server/domain/member/member.service";

export const metadata = { title: "Overview" };

export default async function AdminOverviewPage() {
  const viewer = await requirePageViewer("analytics.read");
  const now = new Date();
  const overview = await analyticsService.companyOverview(viewer, now);
  const members = new Map((await memberService.findManyByIds([...new Set(overview.recent.map((o) => o.memberId))])).map((m) => [m.id, m]));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Overview</h1>
        <p className="text-sm text-gray-500">Period {formatDate(overview.current.startsAt)} – {formatDate(new Date(overview.current.endsAt.getTime() - 1))} (UTC).</p>
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Card decoration="top" decorationColor="blue">
          <Text>Sales today</Text>
          <div data-testid="sales-today"><CurrencyTotals sales={overview.salesToday} /></div>
          <Text className="mt-1 text-xs">{overview.salesToday.reduce((n, s) => n + s.orders, 0)} paid orders</Text>
        </Card>
        <Card decoration="top" decorationColor="blue">
          <Text>Sales this period</Text>
          <CurrencyTotals sales={overview.salesPeriod} />
          <Text className="mt-1 text-xs">{overview.salesPeriod.reduce((n, s) => n + s.orders, 0)} paid orders</Text>
        </Card>
        <Card decoration="top" decorationColor="emerald">
          <Text>Company PV this period</Text>
          <Metric>{formatVolume(overview.totals.pv)}</Metric>
          <Text className="mt-1 text-xs">{formatVolume(overview.lastTotals?.pv ?? "0")} at this point last period</Text>
        </Card>
        <Card decoration="top" decorationColor="emerald">
          <Text>Members with volume</Text>
          <Metric>{overview.totals.active.toLocaleString("en-US")}</Metric>
          <Text className="mt-1 text-xs">{(overview.lastTotals?.active ?? 0).toLocaleString("en-US")} at this point last period</Text>
        </Card>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <LiveSalesFeed
          initial={overview.recent.map((o) => ({
            id: String(o.id), memberName: members.has(o.memberId) ? fullName(members.get(o.memberId)!) : `#${o.memberId}`, customerName: null,
            country: o.shippingAddress.country, currency: o.currency, total: o.total, pv: o.pv,
            itemCount: o.lines.reduce((n, l) => n + l.quantity, 0), placedAt: o.placedAt.toISOString(),
          }))}
        />
        <div className="space-y-4">
          <Card>
            <Title>Top products this period</Title>
            <UnitBarList data={overview.topProducts.map((p) => ({ name: `${p.name} (${p.sku})`, value: p.units }))} unit="units" />
          </Card>
          <Card>
            <Title>Volume by country</Title>
            <UnitBarList color="emerald" data={overview.byCountry.map((c) => ({ name: `${c.country} · ${c.members} members`, value: Math.round(Number(c.pv)) }))} unit="PV" />
          </Card>
        </div>
      </div>
      <Card>
        <Title>Teams week over week</Title>
        <Text>PV entered by each first-level leader's team in the last 7 days against the 7 days before.</Text>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="teams-wow">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">Team of</th><th className="text-right">This week</th><th className="text-right">Week before</th><th className="text-right">Change</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {overview.teams.map((t) => {
                const a = Number(t.thisWeek);
                const b = Number(t.lastWeek);
                return (
                  <tr key={t.id}>
                    <td className="py-2"><a className="text-blue-700 hover:underline" href={`/admin/members/${t.id}`}>{fullName(t)}</a></td>
                    <td className="text-right tabular-nums">{formatVolume(t.thisWeek)}</td>
                    <td className="text-right tabular-nums">{formatVolume(t.lastWeek)}</td>
                    <td className={`text-right tabular-nums ${a >= b ? "text-emerald-700" : "text-red-600"}`}>{percentChange(a, b).text}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
      <Card>
        <Title>Volume gaps</Title>
        <Text>Members just below a PV threshold this period: a nudge may get them there.</Text>
        <div className="mt-3 grid gap-4 md:grid-cols-2" data-testid="volume-gaps">
          {overview.gaps.map((g) => (
            <div key={g.threshold.name}>
              <p className="text-sm font-medium">{g.threshold.name} ({g.threshold.pv} PV): {g.count} members between {g.from} and {g.threshold.pv}</p>
              <ul className="mt-2 space-y-1 text-sm">
                {g.rows.map((m) => (
                  <li key={m.id} className="flex justify-between">
                    <a className="text-blue-700 hover:underline" href={`/admin/members/${m.id}`}>{fullName(m)} <span className="text-gray-400">({m.country})</span></a>
                    <span className="tabular-nums">{formatVolume(m.pv)} PV · needs {formatVolume(g.threshold.pv - Number(m.pv))}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      </Card>
    </div>
  );
}

/** Sales in several currencies: the largest as the card's figure, the others below it, alike in every card. */
function CurrencyTotals({ sales }: { sales: readonly { currency: string; total: string }[] }) {
  if (sales.length === 0) return <Metric>—</Metric>;
  const [main, ...others] = sales;
  return (
    <>
      <Metric className="tabular-nums">{formatMoney(main!.total, main!.currency)}</Metric>
      {others.map((s) => <p key={s.currency} className="text-lg font-semibold tabular-nums text-gray-700">{formatMoney(s.total, s.currency)}</p>)}
    </>
  );
}
