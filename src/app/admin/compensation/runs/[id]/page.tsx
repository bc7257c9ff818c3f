import { Card, Text, Title } from "@tremor/react";
import { MoneyBarChart } from "@/components/charts/money-bar-chart";
import { Progress } from "@/components/compensation/progress";
import { notFound } from "next/navigation";
import { RefreshOn } from "@/components/compensation/refresh-on";
import { RetryRun, StartRun } from "@/components/compensation/run-actions";
import { codeLabel, formatCount, formatDateTime, formatMoney, formatVolume } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { isAccessError } from "@/server/domain/shared/access";
import { fromMinor } from "@/server/domain/shared/units";
import { volumeService } from "@/server/domain/volume/volume.service";

export const metadata = { title: "Commission run" };

const PROGRESS = `subscription($id: ID!) { commissionRunProgress(runId: $id) { status progress } }`;
const month = (d: Date) => d.toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await requirePageViewer("commissions.read");
  const { id } = await params;
  if (!/^\d{1,9}$/.test(id)) notFound();
  const run = await compensationService.run(viewer, Number(id)).catch((err) => (isAccessError(err) ? null : Promise.reject(err)));
  if (!run) notFound();
  const money = (n: number) => formatMoney(fromMinor(n, run.currency), run.currency);
  const s = run.summary;
  const c = s?.comparison;
  const period = await volumeService.findPeriod(run.periodId);
  const live = run.status === "QUEUED" || run.status === "RUNNING";
  return (
    <div className="space-y-6">
      {live || run.status === "FAILED" ? <RefreshOn query={PROGRESS} variables={{ id: String(run.id) }} pollMs={3000} /> : null}
      <div>
        <a href="/admin/compensation" className="text-sm text-blue-700 hover:underline">← Compensation</a>
        <h1 className="text-2xl font-semibold">Run #{run.id}: {month(run.periodStartsAt)} ({run.simulation ? "simulation" : run.mode.toLowerCase()})</h1>
        <p className="text-sm text-gray-500">Plan version {run.planVersionNumber} · started {formatDateTime(run.createdAt)}{run.finishedAt ? ` · finished ${formatDateTime(run.finishedAt)}` : ""}</p>
      </div>
      <Card>
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <Title>Status: <span data-testid="run-status">{run.status.toLowerCase()}</span></Title>
          <Text>{run.stage}</Text>
        </div>
        <Progress value={run.progress * 100} />
        {run.error ? <p className="mt-2 text-sm text-red-700" role="alert">{run.error}</p> : null}
        {run.status === "FAILED" ? <RetryRun runId={String(run.id)} /> : null}
        {run.hash ? <p className="mt-2 break-all font-mono text-xs text-gray-500">hash {run.hash}</p> : null}
        {s?.timings?.length ? (
          <p className="mt-1 text-xs text-gray-500" data-testid="run-timings">
            took {s.timings.map((t) => `${t.stage.trim()} ${(t.ms / 1000).toFixed(2)} s`).join(" · ")}
          </p>
        ) : null}
      </Card>
      {run.status === "COMPLETED" && s ? (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <Card><Text>{run.mode === "COMMIT" ? "Paid" : "Would pay"}</Text><p className="text-2xl font-semibold tabular-nums" data-testid="run-total">{money(run.totalPaid ?? 0)}</p></Card>
            <Card><Text>Earners · lines</Text><p className="text-2xl font-semibold tabular-nums">{formatCount(s.earners)} · {formatCount(run.lineCount ?? 0)}</p></Card>
            <Card><Text>Company volume · cap</Text><p className="text-2xl font-semibold tabular-nums">{formatVolume(s.companyVolume)} BV</p><Text>{s.capFactor ? `cap applied: × ${s.capFactor}` : "cap not reached"}{s.clawback ? ` · clawback ${money(s.clawback)}` : ""}</Text></Card>
          </div>
          <div className="grid gap-4 lg:grid-cols-2">
            <Card>
              <Title>By bonus</Title>
              <MoneyBarChart data={s.byBonus.map((b) => ({ bonus: codeLabel(b.bonusType), Amount: Number(fromMinor(b.amount, run.currency)) }))} index="bonus" categories={["Amount"]} currency={run.currency} layout="vertical" />
            </Card>
            <Card>
              <Title>Top earners</Title>
              <ol className="mt-3 divide-y divide-gray-100 text-sm" data-testid="top-earners">
                {s.topEarners.map((e) => <li key={e.memberId} className="flex justify-between py-1"><a className="text-blue-700 hover:underline" href={`/admin/members/${e.memberId}`}>{e.name}</a><span className="tabular-nums">{money(e.amount)}</span></li>)}
              </ol>
            </Card>
          </div>
          <Card>
            <Title>By paid-as rank</Title>
            <table className="mt-3 w-full text-left text-sm">
              <thead className="text-xs uppercase text-gray-500"><tr><th className="py-1">Rank</th><th className="text-right">Members</th><th className="text-right">Total</th><th className="text-right">Average</th></tr></thead>
              <tbody className="divide-y divide-gray-100">{s.byRank.map((r) => <tr key={r.rank}><td className="py-1">{r.rank}</td><td className="text-right tabular-nums">{r.members}</td><td className="text-right tabular-nums">{money(r.total)}</td><td className="text-right tabular-nums">{money(r.average)}</td></tr>)}</tbody>
            </table>
          </Card>
          {c ? (
            <Card data-testid="simulation">
              <Title>Against what was paid</Title>
              <div className="mt-2 grid gap-2 text-sm sm:grid-cols-3">
                <p>Paid: <strong className="tabular-nums">{money(c.paid)}</strong>{c.paidRatio !== null ? ` (${(c.paidRatio * 100).toFixed(1)} % of sales)` : ""}</p>
                <p>Simulated: <strong className="tabular-nums">{money(c.simulated)}</strong>{c.simulatedRatio !== null ? ` (${(c.simulatedRatio * 100).toFixed(1)} % of sales)` : ""}</p>
                <p>Sales: <strong className="tabular-nums">{formatMoney(c.sales, run.currency)}</strong></p>
              </div>
              <MoneyBarChart data={c.byRank.map((r) => ({ rank: r.rank, Paid: Number(fromMinor(r.paidAverage, run.currency)), Simulated: Number(fromMinor(r.simulatedAverage, run.currency)) }))} index="rank" categories={["Paid", "Simulated"]} colors={["gray", "blue"]} currency={run.currency} />
              <div className="mt-3 grid gap-4 text-sm sm:grid-cols-2">
                <div><p className="font-medium">Biggest winners</p><ul>{c.winners.map((w) => <li key={w.memberId} className="flex justify-between"><span>{w.name}</span><span className="tabular-nums text-emerald-700">{money(w.paid)} → {money(w.simulated)}</span></li>)}</ul></div>
                <div><p className="font-medium">Biggest losers</p><ul>{c.losers.map((w) => <li key={w.memberId} className="flex justify-between"><span>{w.name}</span><span className="tabular-nums text-red-700">{money(w.paid)} → {money(w.simulated)}</span></li>)}</ul></div>
              </div>
            </Card>
          ) : null}
          {run.mode === "PREVIEW" && !run.simulation && period?.status === "CLOSED" ? (
            <Card><Title>Pay this month</Title><Text>Commit runs the same computation again and credits every earner's wallet.</Text><div className="mt-3"><StartRun periods={[{ id: run.periodId, label: month(run.periodStartsAt), closed: true }]} /></div></Card>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
