import { Card, Text, Title } from "@tremor/react";
import { Progress } from "@/components/compensation/progress";
import { RefreshOn } from "@/components/compensation/refresh-on";
import { codeLabel, formatDate, formatMoney, plural } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { lineCursor } from "@/server/domain/compensation/run.rules";
import { isInputError } from "@/server/domain/shared/input.errors";
import { pageFrom } from "@/server/domain/shared/page";
import { fromMinor } from "@/server/domain/shared/units";

export const metadata = { title: "Earnings" };

const VOLUME_UPDATED = `subscription($id: ID) { volumeUpdated(memberId: $id) { revision } }`;
const KIND_STYLE: Record<string, string> = { EARNED: "", CORRECTION: "bg-amber-100 text-amber-800", CLAWBACK: "bg-red-100 text-red-800" };

const month = (d: Date) => d.toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
const pct = (actual: string, required: string) => Math.min(100, Number(required) > 0 ? (Number(actual) / Number(required)) * 100 : 100);

export default async function EarningsPage({ searchParams }: { searchParams: Promise<{ period?: string; after?: string }> }) {
  const viewer = await requirePageViewer();
  const p = await searchParams;
  const noPlan = (err: unknown) => (isInputError(err) ? null : Promise.reject(err));
  const [card, estimate, totals] = await Promise.all([
    compensationService.rankReport(viewer, viewer.id).catch(noPlan),
    compensationService.estimatedEarnings(viewer, viewer.id).catch(noPlan),
    compensationService.commissionTotals(viewer, viewer.id),
  ]);
  const periodId = /^\d{1,9}$/.test(p.period ?? "") ? Number(p.period) : totals[0]?.periodId ?? null;
  const after = p.after && /^[\dTZ:.\-|]+$/.test(p.after) ? p.after : null;
  const page = (cursor: string | null) => compensationService.commissions(viewer, { memberId: viewer.id, periodId }, 50, cursor);
  const lines = periodId ? await pageFrom(page, after) : null;
  const selected = totals.find((t) => t.periodId === periodId);
  return (
    <div className="space-y-6">
      <RefreshOn query={VOLUME_UPDATED} variables={{ id: String(viewer.id) }} />
      <div>
        <h1 className="text-2xl font-semibold">Earnings</h1>
        <p className="text-sm text-gray-500">Your rank, what this month may bring, and every commission with why it was paid.</p>
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card data-testid="rank-card">
          <Title>Rank</Title>
          {card ? (
            <>
              <div className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm">
                <span>Paid as <strong data-testid="paid-as">{card.paidAsRank ?? "no rank yet"}</strong></span>
                <span>Highest achieved <strong>{card.achievedRank ?? "none"}</strong></span>
              </div>
              {card.nextRank ? <Text className="mt-3">Next: <strong>{card.nextRank}</strong></Text> : <Text className="mt-3">You hold the top rank.</Text>}
              <ul className="mt-2 space-y-3" data-testid="rank-requirements">
                {card.requirements.map((r) => (
                  <li key={r.rule}>
                    <div className="flex justify-between gap-3 text-sm">
                      <span>{r.met ? "✓" : "○"} {r.rule}</span>
                      <span className="shrink-0 whitespace-nowrap tabular-nums">{r.actual} / {r.required}</span>
                    </div>
                    <Progress value={pct(r.actual, r.required)} met={r.met} />
                  </li>
                ))}
              </ul>
              {card.legs.length > 0 ? (
                <details className="mt-3 text-sm">
                  <summary className="cursor-pointer text-blue-700">Your legs ({card.legs.length})</summary>
                  <table className="mt-2 w-full text-left">
                    <thead className="text-xs uppercase text-gray-500"><tr><th className="py-1">Leg</th><th className="text-right">GV</th><th className="text-right">Counts</th></tr></thead>
                    <tbody className="divide-y divide-gray-100">
                      {card.legs.slice(0, 10).map((l) => (
                        <tr key={l.memberId}><td className="py-1">{l.name}</td><td className="text-right tabular-nums">{l.gv}</td><td className="text-right tabular-nums">{l.counted}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              ) : null}
            </>
          ) : <Text className="mt-2">The company has no compensation plan in force yet.</Text>}
        </Card>

        <Card data-testid="estimate-card">
          <Title>This month so far</Title>
          {estimate ? (
            <>
              <p className="mt-2 text-3xl font-semibold tabular-nums" data-testid="estimate-total">{formatMoney(fromMinor(estimate.total, estimate.currency), estimate.currency)}</p>
              <Text>An estimate if the month were paid now; it changes as your team orders.</Text>
              {!estimate.active ? (
                <Text className="mt-1 text-amber-700" data-testid="not-active">Not active yet this month: {estimate.pv} of {estimate.activeMinPv} PV. Most bonuses pay active members only.</Text>
              ) : null}
              <ul className="mt-3 divide-y divide-gray-100 text-sm">
                {estimate.byBonus.map((b) => (
                  <li key={b.bonusIndex} className="flex justify-between py-1"><span>{codeLabel(b.bonusType).toLowerCase()}</span><span className="tabular-nums">{formatMoney(fromMinor(b.amount, estimate.currency), estimate.currency)}</span></li>
                ))}
              </ul>
            </>
          ) : <Text className="mt-2">No estimate without a plan.</Text>}
        </Card>
      </div>

      <Card>
        <Title>Commissions by month</Title>
        {totals.length === 0 ? <Text className="mt-2">No commissions paid yet.</Text> : (
          <div className="mt-3 flex flex-wrap gap-2 text-sm" data-testid="commission-months">
            {totals.map((t) => (
              <a key={t.periodId} href={`/earnings?period=${t.periodId}`} className={`rounded border px-3 py-1 ${t.periodId === periodId ? "border-blue-600 bg-blue-50" : "border-gray-200 hover:bg-gray-50"}`}>
                {month(t.startsAt)} <span className="tabular-nums text-gray-600">{formatMoney(fromMinor(t.total, t.currency), t.currency)}</span>
              </a>
            ))}
          </div>
        )}
      </Card>

      {lines && selected ? (
        <Card>
          <Title>{month(selected.startsAt)}: {formatMoney(fromMinor(selected.total, selected.currency), selected.currency)}</Title>
          <ul className="mt-2 flex flex-wrap gap-2 text-sm" data-testid="month-by-bonus">
            {selected.byBonus.map((b) => (
              <li key={b.bonusIndex} className="rounded bg-gray-50 px-2 py-1">
                {codeLabel(b.bonusType)} <span className="tabular-nums font-medium">{formatMoney(fromMinor(b.amount, selected.currency), selected.currency)}</span>
                <span className="text-gray-500"> · {plural(b.lines, "line")}</span>
              </li>
            ))}
          </ul>
          <Text className="mt-2">Tap a line to see how it was computed.</Text>
          <ul className="mt-3 divide-y divide-gray-100 text-sm" data-testid="commission-lines">
            {lines.rows.map((l) => {
              const e = l.explanation;
              return (
                <li key={`${l.runId}-${l.bonusIndex}-${l.sourceMemberId}-${l.level}`} className="py-2">
                  <details>
                    <summary className="flex cursor-pointer flex-wrap items-baseline justify-between gap-x-4">
                      <span className="min-w-0 flex-1">
                        {e.rule}
                        {l.kind !== "EARNED" ? <span className={`ml-2 rounded px-1.5 py-0.5 text-xs ${KIND_STYLE[l.kind]}`}>{l.kind.toLowerCase()}</span> : null}
                      </span>
                      <span className={`tabular-nums ${l.amount < 0 ? "text-red-700" : "text-emerald-700"}`}>{formatMoney(fromMinor(l.amount, l.currency), l.currency)}</span>
                    </summary>
                    <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded bg-gray-50 p-3 text-xs" data-testid="line-explanation">
                      <dt className="text-gray-500">Bonus</dt><dd>{codeLabel(l.bonusType).toLowerCase()}{l.level ? `, ${l.bonusType === "BOARD" ? "stage" : "level"} ${l.level}` : ""}</dd>
                      {l.sourceName ? <><dt className="text-gray-500">From</dt><dd>{l.sourceName} (#{l.sourceMemberId})</dd></> : null}
                      {e.rate !== "0 %" ? <><dt className="text-gray-500">{e.basisKind === "MONEY" ? "Their bonus" : "Volume"}</dt><dd className="tabular-nums">{e.basisKind === "MONEY" ? formatMoney(e.basis, l.currency) : `${e.basis} BV`} × {e.rate}</dd></> : null}
                      {e.compressionPath.length > 0 ? <><dt className="text-gray-500">Compression</dt><dd>skipped {e.compressionPath.length} inactive member{e.compressionPath.length > 1 ? "s" : ""} (#{e.compressionPath.join(", #")})</dd></> : null}
                      {e.binary ? <><dt className="text-gray-500">Legs</dt><dd className="tabular-nums">left {(e.binary.left / 100).toFixed(2)} + carry {(e.binary.carryInLeft / 100).toFixed(2)}, right {(e.binary.right / 100).toFixed(2)} + carry {(e.binary.carryInRight / 100).toFixed(2)}; matched {(e.binary.matched / 100).toFixed(2)}; carried on {(e.binary.carryOutLeft / 100).toFixed(2)} | {(e.binary.carryOutRight / 100).toFixed(2)}{e.binary.capped ? " (capped)" : ""}</dd></> : null}
                      {e.board ? <><dt className="text-gray-500">Board</dt><dd>board {e.board.board} of stage {e.board.stage} ({e.board.seats} seats) filled; {e.board.movedTo === null ? "you left the boards" : e.board.movedTo > e.board.stage ? `you moved up to stage ${e.board.movedTo}` : `you re-entered stage ${e.board.movedTo}`}</dd></> : null}
                      {e.rank ? <><dt className="text-gray-500">Your rank</dt><dd>{e.rank}</dd></> : null}
                      {e.capFactor ? <><dt className="text-gray-500">Payout cap</dt><dd>× {e.capFactor} (before: {formatMoney(fromMinor(e.uncapped, l.currency), l.currency)})</dd></> : null}
                      <dt className="text-gray-500">Plan</dt><dd>version {e.planVersion}, run {l.runId}, month of {formatDate(l.periodStartsAt)}</dd>
                    </dl>
                  </details>
                </li>
              );
            })}
          </ul>
          {lines.hasNextPage ? (
            <a className="mt-3 inline-block text-sm text-blue-700 hover:underline" href={`/earnings?period=${periodId}&after=${encodeURIComponent(lineCursor(lines.rows.at(-1)!))}`}>More</a>
          ) : null}
        </Card>
      ) : null}
    </div>
  );
}
