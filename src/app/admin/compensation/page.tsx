import { Card, Text, Title } from "@tremor/react";
import { DocumentEditor } from "@/components/ui/document-editor";
import { StartRun, VersionActions } from "@/components/compensation/run-actions";
import { formatDate, formatDateTime, formatMoney } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { EXAMPLE_PLAN, parsePlan } from "@/server/domain/compensation/plan.rules";
import { fromMinor } from "@/server/domain/shared/units";
import { volumeService } from "@/server/domain/volume/volume.service";

export const metadata = { title: "Compensation" };

const month = (d: Date) => d.toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
const STATUS_STYLE: Record<string, string> = { QUEUED: "bg-gray-100 text-gray-700", RUNNING: "bg-blue-100 text-blue-800", COMPLETED: "bg-emerald-100 text-emerald-800", FAILED: "bg-red-100 text-red-800" };

export default async function CompensationPage() {
  const viewer = await requirePageViewer(["commissions.read", "plans.edit"]);
  const [versions, active, runs, periods] = await Promise.all([
    compensationService.planVersions(viewer),
    compensationService.activePlan(),
    compensationService.runs(viewer, {}, 15, null),
    volumeService.periods(24, null),
  ]);
  const periodOptions = periods.rows.map((p) => ({ id: p.id, label: month(p.startsAt), closed: p.status === "CLOSED" }));
  const latest = versions[0]?.document ?? active?.document ?? EXAMPLE_PLAN;
  // Parsed, the document lists its fields in the format's order (the database keeps JSON keys in its own).
  const editing = parsePlan(latest).plan ?? latest;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Compensation</h1>
        <p className="text-sm text-gray-500">
          The plan is data: edit it, keep every version, simulate a version on a paid month, and run commissions.
          {active ? <> In force now: <strong>version {active.number}</strong>.</> : " No version is in force yet."}
        </p>
      </div>

      <Card>
        <Title>Commission runs</Title>
        <Text>Preview any month (nothing is written); commit a closed month to pay it into wallets. Runs work in the background.</Text>
        <div className="mt-3"><StartRun periods={periodOptions} /></div>
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="runs">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-3">Run</th><th className="pr-3">Month</th><th className="pr-3">Kind</th><th className="pr-3">Status</th><th className="pr-3 text-right">Total</th><th className="hidden pr-3 sm:table-cell">Plan</th><th className="hidden md:table-cell">Started</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {runs.rows.map((r) => (
                <tr key={r.id}>
                  <td className="py-2 pr-3"><a className="text-blue-700 hover:underline" href={`/admin/compensation/runs/${r.id}`}>#{r.id}</a></td>
                  <td className="pr-3">{month(r.periodStartsAt)}</td>
                  <td className="pr-3">{r.simulation ? "simulation" : r.mode.toLowerCase()}</td>
                  <td className="pr-3"><span className={`rounded px-2 py-0.5 text-xs ${STATUS_STYLE[r.status]}`}>{r.status.toLowerCase()}</span></td>
                  <td className="pr-3 text-right tabular-nums">{r.totalPaid === null ? "—" : formatMoney(fromMinor(r.totalPaid, r.currency), r.currency)}</td>
                  <td className="hidden pr-3 sm:table-cell">v{r.planVersionNumber}</td>
                  <td className="hidden md:table-cell">{formatDateTime(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <DocumentEditor kind="plan" initial={JSON.stringify(editing, null, 2)} />

      <Card>
        <Title>Versions</Title>
        <ul className="mt-3 divide-y divide-gray-100 text-sm" data-testid="plan-versions">
          {versions.map((v) => (
            <li key={v.id} className="py-3">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span><strong>Version {v.number}</strong> {v.comment ? `— ${v.comment}` : ""}</span>
                <span className="text-xs text-gray-500">{v.authorName ?? "system"}, {formatDateTime(v.createdAt)}</span>
              </div>
              {v.activeFrom.length > 0 ? <p className="text-xs text-emerald-700">Active from {v.activeFrom.map((d) => formatDate(d)).join(", ")}</p> : <p className="text-xs text-gray-500">Never activated</p>}
              {v.changes.length > 0 ? (
                <details className="mt-1">
                  <summary className="cursor-pointer text-blue-700">{v.changes.length} change{v.changes.length > 1 ? "s" : ""} since version {v.number - 1}</summary>
                  <table className="mt-1 w-full font-mono text-xs">
                    <tbody>
                      {v.changes.map((c) => (
                        <tr key={c.path}><td className="pr-3">{c.path}</td><td className="pr-3 text-red-700">{JSON.stringify(c.before)}</td><td className="text-emerald-700">{JSON.stringify(c.after)}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              ) : null}
              <VersionActions versionId={String(v.id)} periods={periodOptions} />
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
