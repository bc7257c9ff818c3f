import { Card, Text, Title } from "@tremor/react";
import Link from "next/link";
import { PointsChart } from "@/components/loyalty/points-chart";
import { LivePoints } from "@/components/loyalty/live-points";
import { RedeemButton } from "@/components/loyalty/redeem-button";
import { ShareAchievement } from "@/components/loyalty/share-achievement";
import { formatCount, formatDate, formatDateTime } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import { notificationService } from "@/server/domain/notification/notification.service";
import { orderService } from "@/server/domain/order/order.service";

export const metadata = { title: "Rewards" };

const REASON: Record<string, string> = {
  POINTS_EARNED: "Earned", POINTS_RELEASED: "Now active", POINTS_REDEEMED: "Redeemed", POINTS_EXPIRED: "Expired",
  POINTS_REVERSED: "Refund", POINTS_REFUNDED: "Given back",
};
const STATUS_STYLE: Record<string, string> = {
  ISSUED: "bg-emerald-100 text-emerald-800", REQUESTED: "bg-amber-100 text-amber-800", PACKED: "bg-blue-100 text-blue-800",
  SHIPPED: "bg-blue-100 text-blue-800", DELIVERED: "bg-emerald-100 text-emerald-800", CANCELLED: "bg-gray-100 text-gray-500",
};

export default async function LoyaltyPage({ searchParams }: { searchParams: Promise<{ after?: string }> }) {
  const viewer = await requirePageViewer();
  const { after } = await searchParams;
  const since = new Date();
  since.setUTCMonth(since.getUTCMonth() - 11, 1);
  const [account, rewards, history, redemptions, notes, monthly, orders, tiers, missions, shares] = await Promise.all([
    loyaltyService.account(viewer, viewer.id),
    loyaltyService.rewards(viewer, { availableTo: viewer.id }, 50, null),
    loyaltyService.history(viewer, viewer.id, 20, after && /^\d+$/.test(after) ? after : null),
    loyaltyService.redemptions(viewer, { memberId: viewer.id }, 10, null),
    notificationService.list(viewer, viewer.id, 8, null),
    loyaltyService.monthly(viewer, viewer.id, since),
    orderService.list(viewer, { memberId: viewer.id }, 8, null),
    loyaltyService.tiers(),
    loyaltyService.missions(viewer, viewer.id),
    loyaltyService.shareLinks(viewer),
  ]);
  const [orderPoints, unlocks] = await Promise.all([
    loyaltyService.pointsOfOrders(viewer, viewer.id, orders.rows.map((o) => o.id)),
    loyaltyService.unlocksOfOrders(viewer, viewer.id, orders.rows.map((o) => o.id)),
  ]);
  const cashbackRules = ((await loyaltyService.program())?.earning ?? []).filter((r) => r.type === "CASHBACK");
  const balanceOf = (type: string) => account.balances.find((b) => b.pointType === type)?.balance ?? 0;
  const costFor = (r: { pointsCost: number; tierCosts: Record<string, number> }) => (account.tier && r.tierCosts[account.tier.code]) || r.pointsCost;
  const view = {
    ...account,
    tier: account.tier && { code: account.tier.code, name: account.tier.name },
    balances: account.balances.map((b) => ({ ...b, nextExpiry: b.nextExpiry?.toISOString() ?? null })),
  };
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Rewards</h1>
        <p className="text-sm text-gray-500">Points for your orders and activity, your tier and badges. Updates live.</p>
      </div>
      <LivePoints memberId={String(viewer.id)} initial={view} />

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <Title>Badges</Title>
          {account.badges.length === 0 ? <Text className="mt-2">Your first paid order earns your first badge.</Text> : (
            <ul className="mt-3 flex flex-wrap gap-2" data-testid="badges">
              {account.badges.map((b) => (
                <li key={b.code} className="rounded-full bg-amber-100 px-3 py-1 text-sm text-amber-900" title={`${b.description} ${formatDate(b.earnedAt)}`} data-testid={`badge-${b.code}`}>🏅 {b.name}</li>
              ))}
            </ul>
          )}
          {shares.length ? (
            <div className="mt-3 space-y-1" data-testid="shares">
              {shares.map((l) => <ShareAchievement key={l.achievement} title={l.title} path={l.path} />)}
            </div>
          ) : null}
          <Title className="mt-5">Tiers</Title>
          <ul className="mt-2 space-y-1 text-sm">
            {tiers.map((t) => (
              <li key={t.code} className={account.tier?.code === t.code ? "font-semibold text-emerald-700" : ""}>
                {t.name}: {formatCount(t.threshold)} status points a year{t.benefits.length ? ` · ${t.benefits.join(" · ")}` : ""}
              </li>
            ))}
          </ul>
          {cashbackRules.length || account.cashback.length ? (
            <div data-testid="cashback">
              <Title className="mt-5">Cashback</Title>
              {cashbackRules.length ? <Text className="text-xs">{cashbackRules.map((r) => r.name).join(" · ")}: paid to your wallet when an order&apos;s return window has passed.</Text> : null}
              <ul className="mt-2 space-y-1 text-sm">
                {account.cashback.map((c) => (
                  <li key={c.currency} className="flex justify-between"><span>{c.currency}</span><span className="tabular-nums">{c.paid} paid{Number(c.pending) > 0 ? ` · ${c.pending} pending` : ""}</span></li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
        <Card>
          <Title>Notifications</Title>
          {notes.rows.length === 0 ? <Text className="mt-2">Nothing yet.</Text> : (
            <ul className="mt-3 divide-y divide-gray-100 text-sm" data-testid="notifications">
              {notes.rows.map((n) => (
                <li key={n.id} className="py-2">
                  <span className={n.readAt ? "" : "font-semibold"}>{n.title}</span>
                  <span className="block text-xs text-gray-500">{n.body} · {formatDateTime(n.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      {missions.length > 0 ? (
        <Card>
          <Title>Missions</Title>
          <ul className="mt-3 grid gap-3 sm:grid-cols-2" data-testid="missions">
            {missions.map((m) => (
              <li key={m.code} className="rounded border border-gray-200 p-3" data-testid={`mission-${m.code}`}>
                <div className="flex items-baseline justify-between gap-2">
                  <p className="font-medium">{m.completedAt ? "✅ " : ""}{m.name}</p>
                  <span className="whitespace-nowrap text-xs text-gray-500">+{formatCount(m.rewardPoints)} {m.rewardPointType.toLowerCase()}</span>
                </div>
                <p className="text-xs text-gray-500">
                  {m.description}{m.completedAt ? ` Completed ${formatDate(m.completedAt)}.` : m.until ? ` Until ${formatDate(new Date(`${m.until}T12:00:00Z`))}.` : ""}
                </p>
                <ul className="mt-2 space-y-2">
                  {m.steps.map((s) => (
                    <li key={s.label} className="text-sm">
                      <div className="flex justify-between"><span>{s.label}</span><span className="tabular-nums text-gray-500">{formatCount(s.done)} / {formatCount(s.needed)}</span></div>
                      <div className="mt-1 h-1.5 rounded bg-gray-100" role="progressbar" aria-label={s.label} aria-valuemin={0} aria-valuemax={s.needed} aria-valuenow={s.done}>
                        <div className={`h-1.5 rounded ${s.done >= s.needed ? "bg-emerald-500" : "bg-blue-500"}`} style={{ width: `${Math.round((100 * s.done) / s.needed)}%` }} />
                      </div>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card>
        <Title>Rewards you can redeem</Title>
        {rewards.rows.length === 0 ? <Text className="mt-2">No rewards are offered to you at the moment.</Text> : (
          <ul className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {rewards.rows.map((r) => {
              const cost = costFor(r);
              return (
                <li key={r.id} className="rounded border border-gray-200 p-3" data-testid={`reward-${r.id}`}>
                  <p className="font-medium">{r.name}{r.segment ? <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-normal text-amber-800">just for you</span> : null}</p>
                  <p className="text-xs text-gray-500">{r.description}{r.stock != null ? ` · ${r.stock} left` : ""}{r.validUntil ? ` · until ${formatDate(r.validUntil)}` : ""}</p>
                  <div className="mt-2"><RedeemButton rewardId={String(r.id)} cost={cost} affordable={balanceOf(r.pointType) >= cost} /></div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <Title>Buying and points, by month</Title>
          <PointsChart data={monthly.map((m) => ({ month: m.month, "Paid orders": m.orders, "Points earned": m.earned, "Points redeemed": m.redeemed }))} />
        </Card>
        <Card>
          <Title>Your orders and their points</Title>
          {orders.rows.length === 0 ? <Text className="mt-2">No orders yet. <Link className="text-blue-700" href="/orders">Shop now</Link>.</Text> : (
            <table className="mt-3 w-full text-left text-sm" data-testid="order-points">
              <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Order</th><th className="pr-3">Placed</th><th className="pr-3 text-right">Points</th><th /></tr></thead>
              <tbody className="divide-y divide-gray-100">
                {orders.rows.map((o) => {
                  const pts = orderPoints.filter((p) => p.orderId === o.id);
                  return (
                    <tr key={o.id}>
                      <td className="py-2 pr-3">#{o.id}</td>
                      <td className="pr-3">{formatDate(o.placedAt)}</td>
                      <td className="pr-3 text-right tabular-nums">
                        {pts.length ? pts.map((p) => `${formatCount(p.points)} ${p.pointType.toLowerCase()}${p.pending ? " (pending)" : ""}`).join(", ") : "—"}
                        {unlocks.filter((u) => u.orderId === o.id).map((u) => (
                          <span key={`${u.kind}-${u.code}`} className="ml-1 inline-block rounded-full bg-amber-100 px-2 text-xs text-amber-900" data-testid={`unlock-${o.id}-${u.code}`}>
                            {u.kind === "TIER" ? `⭐ ${u.name}` : `🏅 ${u.name}`}
                          </span>
                        ))}
                      </td>
                      <td className="text-right"><Link className="text-xs text-blue-700" href={`/orders?reorder=${o.id}`}>Reorder</Link></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Card>
      </div>

      <Card>
        <Title>Points history</Title>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="points-history">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">When</th><th className="pr-3">What</th><th className="hidden pr-3 md:table-cell">Why</th><th className="pr-3 text-right">Points</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {history.rows.map((h) => (
                <tr key={h.id}>
                  <td className="py-2 pr-3 whitespace-nowrap">{formatDate(h.at)}</td>
                  <td className="pr-3">{REASON[h.reason] ?? h.reason} · {h.pointType.toLowerCase()}{h.bucket === "PENDING" ? " (pending)" : ""}{h.referenceType === "ORDER" || h.referenceType === "CHECKOUT" ? ` · order #${h.referenceId}` : ""}</td>
                  <td className="hidden pr-3 text-xs text-gray-500 md:table-cell">{h.description}</td>
                  <td className={`pr-3 text-right tabular-nums ${h.amount < 0 ? "text-red-700" : "text-emerald-700"}`}>{h.amount > 0 ? "+" : ""}{formatCount(h.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {history.hasNextPage ? <Link className="mt-3 inline-block text-sm text-blue-700" href={`/loyalty?after=${history.rows.at(-1)!.id}`}>Older →</Link> : null}
      </Card>

      <Card>
        <Title>Your redemptions</Title>
        {redemptions.rows.length === 0 ? <Text className="mt-2">None yet.</Text> : (
          <ul className="mt-3 divide-y divide-gray-100 text-sm" data-testid="my-redemptions">
            {redemptions.rows.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>{r.rewardName} · {formatCount(r.points)} points · {formatDate(r.createdAt)}{r.voucherCode ? <> · code <span className="font-mono">{r.voucherCode}</span></> : null}</span>
                <span className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[r.status]}`}>{r.status.toLowerCase()}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
