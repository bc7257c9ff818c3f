import { Card, Metric, Text, Title } from "@tremor/react";
import { FulfilmentButtons, PointsActions, RewardForm } from "@/components/admin/loyalty-forms";
import { CampaignForm, SegmentForm } from "@/components/admin/program-part-forms";
import { PointsChart } from "@/components/loyalty/points-chart";
import { DocumentEditor } from "@/components/ui/document-editor";
import { codeLabel, formatCount, formatDateTime } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import { EXAMPLE_PROGRAM } from "@/server/domain/loyalty/program.rules";

export const metadata = { title: "Loyalty" };

export default async function AdminLoyaltyPage() {
  const viewer = await requirePageViewer("loyalty.read");
  const since = new Date();
  since.setUTCMonth(since.getUTCMonth() - 11, 1);
  const [report, versions, rewards, queue, monthly, segments, campaigns, missions] = await Promise.all([
    loyaltyService.report(viewer),
    loyaltyService.versions(viewer, 5),
    loyaltyService.rewards(viewer, { includeInactive: true }, 100, null),
    loyaltyService.redemptions(viewer, { kind: "PRODUCT" }, 50, null),
    loyaltyService.monthly(viewer, null, since),
    loyaltyService.segments(viewer),
    loyaltyService.campaigns(viewer),
    loyaltyService.missionReport(viewer),
  ]);
  const current = versions[0];
  const program = await loyaltyService.program();
  const pointTypes = program?.pointTypes.map((t) => t.code) ?? [];
  const tiers = program?.tiers?.levels.map((l) => ({ code: l.code, name: l.name })) ?? [];
  const members = report.tiers.reduce((s, t) => s + t.members, 0);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Loyalty</h1>
        <p className="text-sm text-gray-500">
          {current ? `Programme version ${current.number} (${current.comment}), in force since ${formatDateTime(current.createdAt)}.` : "No programme yet: save one below."}
        </p>
      </div>

      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="loyalty-report">
        {report.points.map((r) => (
          <Card key={r.pointType}>
            <Text>{codeLabel(r.pointType)} points outstanding (liability)</Text>
            <Metric>{formatCount(r.outstanding)}</Metric>
            <Text className="mt-1 text-xs">
              issued {formatCount(r.issued - r.reversed)} · pending {formatCount(r.pending)} · redeemed {formatCount(r.redeemed)} · expired {formatCount(r.expired)} · redemption rate {(r.redemptionRate * 100).toFixed(1)} %
            </Text>
          </Card>
        ))}
        <Card>
          <Text>Members and retail customers by tier</Text>
          <ul className="mt-2 space-y-1 text-sm">
            {report.tiers.map((t) => (
              <li key={t.tier ?? "none"} className="flex justify-between"><span>{tiers.find((x) => x.code === t.tier)?.name ?? t.tier ?? "No tier"}</span><span className="tabular-nums">{formatCount(t.members)} ({members ? ((t.members / members) * 100).toFixed(1) : 0} %)</span></li>
            ))}
          </ul>
        </Card>
      </div>

      <Card>
        <Title>Points and orders, by month</Title>
        <PointsChart data={monthly.map((m) => ({ month: m.month, "Paid orders": m.orders, "Points earned": m.earned, "Points redeemed": m.redeemed }))} />
      </Card>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card>
          <Title>Segments</Title>
          <Text className="text-xs">Members who match the conditions now; they update themselves.</Text>
          {segments.length === 0 ? <Text className="mt-2">No segments in the programme.</Text> : (
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="segments">
                <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Segment</th><th className="pr-3">Who</th><th className="pr-3 text-right">Members</th></tr></thead>
                <tbody className="divide-y divide-gray-100">
                  {segments.map((s) => (
                    <tr key={s.code}>
                      <td className="py-2 pr-3">{s.name}{s.usedBy.length ? <span className="block text-xs text-gray-500">used by {s.usedBy.join(", ")}</span> : null}</td>
                      <td className="pr-3 text-xs">{s.conditions}</td>
                      <td className="pr-3 text-right tabular-nums">{formatCount(s.members)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card>
          <Title>Campaigns</Title>
          <Text className="text-xs">Earning rules with dates or days, a segment, countries or a budget{program?.calendar?.dates === "LOCAL" ? "; dates are each member's local days" : "; dates are UTC days"}.</Text>
          {campaigns.length === 0 ? <Text className="mt-2">No campaigns in the programme.</Text> : (
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="campaigns">
                <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Campaign</th><th className="pr-3">When, who</th><th className="pr-3 text-right">Budget used</th><th className="pr-3">Status</th></tr></thead>
                <tbody className="divide-y divide-gray-100">
                  {campaigns.map((c) => (
                    <tr key={c.code}>
                      <td className="py-2 pr-3">{c.name}<span className="block text-xs text-gray-500">{codeLabel(c.type)}{c.pointType ? ` · ${c.pointType.toLowerCase()}` : ""}</span></td>
                      <td className="pr-3 text-xs">
                        {[c.from || c.until ? `${c.from ?? "…"} – ${c.until ?? "…"}` : null, c.days.length ? `on ${c.days.join(", ")}` : null, c.segment ? segments.find((s) => s.code === c.segment)?.name ?? c.segment : null, c.countries.length ? c.countries.join(" ") : null].filter(Boolean).join(" · ") || "always"}
                      </td>
                      <td className="pr-3 text-right tabular-nums">{c.budget != null ? `${formatCount(c.used)} / ${formatCount(c.budget)}` : "no budget"}</td>
                      <td className="pr-3 text-xs">{c.status.toLowerCase()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>

      <Card>
        <Title>Edit segments and campaigns</Title>
        <Text className="text-xs">Each save is a new programme version (see below), checked like the whole programme; it applies from now on.</Text>
        <div className="mt-3 grid gap-6 lg:grid-cols-2">
          <SegmentForm segments={program?.segments ?? []} tiers={tiers} pointTypes={pointTypes} />
          <CampaignForm rules={program?.earning ?? []} tiers={tiers} segments={segments.map((s) => ({ code: s.code, name: s.name }))} pointTypes={pointTypes} />
        </div>
      </Card>

      <Card>
        <Title>Missions</Title>
        {missions.length === 0 ? <Text className="mt-2">No missions in the programme: add them under &quot;missions&quot; below.</Text> : (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="missions">
              <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Mission</th><th className="pr-3">When, who</th><th className="pr-3 text-right">Completed</th><th className="pr-3 text-right">Points granted</th><th className="pr-3">Last</th></tr></thead>
              <tbody className="divide-y divide-gray-100">
                {missions.map((m) => (
                  <tr key={m.code}>
                    <td className="py-2 pr-3">{m.name}</td>
                    <td className="pr-3 text-xs">{[m.from || m.until ? `${m.from ?? "…"} – ${m.until ?? "…"}` : "always", m.segment ? segments.find((s) => s.code === m.segment)?.name ?? m.segment : "everyone"].join(" · ")}</td>
                    <td className="pr-3 text-right tabular-nums">{formatCount(m.completions)}</td>
                    <td className="pr-3 text-right tabular-nums">{formatCount(m.pointsGranted)}</td>
                    <td className="pr-3 text-xs">{m.lastCompletedAt ? formatDateTime(m.lastCompletedAt) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card>
        <Title>Points</Title>
        <div className="mt-3"><PointsActions pointTypes={pointTypes} tiers={tiers} segments={segments.map((s) => ({ code: s.code, name: s.name }))} /></div>
      </Card>

      <Card>
        <Title>Fulfilment queue</Title>
        {queue.rows.length === 0 ? <Text className="mt-2">No physical rewards redeemed yet.</Text> : (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="fulfilment-queue">
              <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">#</th><th className="pr-3">Reward</th><th className="pr-3">Member</th><th className="pr-3">Redeemed</th><th className="pr-3">Status</th><th /></tr></thead>
              <tbody className="divide-y divide-gray-100">
                {queue.rows.map((r) => (
                  <tr key={r.id}>
                    <td className="py-2 pr-3">#{r.id}</td>
                    <td className="pr-3">{r.rewardName}</td>
                    <td className="pr-3">{r.memberName} (#{r.memberId})</td>
                    <td className="pr-3">{formatDateTime(r.createdAt)}</td>
                    <td className="pr-3">{r.status.toLowerCase()}</td>
                    <td><FulfilmentButtons id={String(r.id)} next={loyaltyService.nextRedemptionStatuses(r.status)} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card>
        <Title>Rewards</Title>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="rewards">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Reward</th><th className="pr-3">Kind</th><th className="pr-3 text-right">Points</th><th className="pr-3 text-right">Stock</th><th className="pr-3">For</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {rewards.rows.map((r) => (
                <tr key={r.id} className={r.active ? "" : "text-gray-400"}>
                  <td className="py-2 pr-3">{r.name}</td>
                  <td className="pr-3">{r.kind.toLowerCase()}</td>
                  <td className="pr-3 text-right tabular-nums">{formatCount(r.pointsCost)}{Object.keys(r.tierCosts).length ? ` (${Object.entries(r.tierCosts).map(([t, c]) => `${t.toLowerCase()} ${formatCount(c)}`).join(", ")})` : ""}</td>
                  <td className="pr-3 text-right tabular-nums">{r.stock ?? "∞"}</td>
                  <td className="pr-3">{[r.minTier ? `${r.minTier.toLowerCase()}+` : null, r.segment ? segments.find((s) => s.code === r.segment)?.name ?? r.segment : null, r.countries.length ? r.countries.join(" ") : null].filter(Boolean).join(" · ") || "everyone"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="mt-4"><RewardForm pointTypes={pointTypes} tiers={tiers} segments={segments.map((s) => ({ code: s.code, name: s.name }))} /></div>
      </Card>

      <DocumentEditor kind="loyalty" initial={JSON.stringify(current?.document ?? EXAMPLE_PROGRAM, null, 2)} />
      {versions.length > 1 ? (
        <Card>
          <Title>Earlier versions</Title>
          <ul className="mt-2 space-y-2 text-sm">
            {versions.map((v) => (
              <li key={v.id}>
                <span className="font-medium">Version {v.number}</span> · {formatDateTime(v.createdAt)} · {v.comment}
                {v.changes.length ? <span className="block font-mono text-xs text-gray-500">{v.changes.slice(0, 6).map((c) => c.path).join(", ")}{v.changes.length > 6 ? " …" : ""}</span> : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
