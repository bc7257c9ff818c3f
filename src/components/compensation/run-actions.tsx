"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { graphql } from "@/lib/graphql-client";

type Payload = { errors: { field: string; message: string }[] } & Record<string, unknown>;

async function call(query: string, variables: Record<string, unknown>, key: string): Promise<{ error: string | null; data: Payload | null }> {
  const res = await graphql<Record<string, Payload>>(query, variables);
  const payload = res.data?.[key];
  if (!payload) return { error: res.errors?.[0]?.message ?? "Something went wrong.", data: null };
  return { error: payload.errors[0]?.message ?? null, data: payload };
}

const START = `mutation($period: ID!, $mode: RunMode!) { startCommissionRun(periodId: $period, mode: $mode) { run { id } errors { field message } } }`;
const SIMULATE = `mutation($version: ID!, $period: ID!) { simulatePlan(versionId: $version, periodId: $period) { run { id } errors { field message } } }`;
const ACTIVATE = `mutation($id: ID!, $from: ID!) { activatePlanVersion(id: $id, fromPeriodId: $from) { version { id } errors { field message } } }`;

/** Starts a preview or commit run for a period and opens its page. */
export function StartRun({ periods }: { periods: { id: number; label: string; closed: boolean }[] }) {
  const router = useRouter();
  const [period, setPeriod] = useState(String(periods[0]?.id ?? ""));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function start(mode: "PREVIEW" | "COMMIT") {
    if (mode === "COMMIT" && !confirm("Commit pays every earner of this period into their wallet. Continue?")) return;
    setBusy(true);
    const { error, data } = await call(START, { period, mode }, "startCommissionRun");
    setBusy(false);
    setError(error);
    const run = data?.run as { id: string } | null | undefined;
    if (run) router.push(`/admin/compensation/runs/${run.id}`);
  }
  return (
    <div className="flex flex-wrap items-end gap-3" data-testid="start-run">
      <label className="text-sm">
        <span className="mb-1 block font-medium text-gray-700">Period</span>
        <select className="field" value={period} onChange={(e) => setPeriod(e.target.value)} aria-label="Period">
          {periods.map((p) => <option key={p.id} value={p.id}>{p.label}{p.closed ? "" : " (open)"}</option>)}
        </select>
      </label>
      <button type="button" className="btn-secondary" disabled={busy} onClick={() => start("PREVIEW")}>Preview</button>
      <button type="button" className="btn" disabled={busy} onClick={() => start("COMMIT")}>Commit</button>
      {error ? <p className="field-error w-full" role="alert">{error}</p> : null}
    </div>
  );
}

/** Activates a version from a period on, or simulates it over a paid period. */
export function VersionActions({ versionId, periods }: { versionId: string; periods: { id: number; label: string; closed: boolean }[] }) {
  const router = useRouter();
  const [period, setPeriod] = useState(String(periods.find((p) => !p.closed)?.id ?? periods[0]?.id ?? ""));
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function activate() {
    const r = await call(ACTIVATE, { id: versionId, from: period }, "activatePlanVersion");
    setError(r.error);
    if (!r.error) {
      setDone("Active from that period on.");
      router.refresh();
    }
  }
  async function simulate() {
    const r = await call(SIMULATE, { version: versionId, period }, "simulatePlan");
    setError(r.error);
    const run = r.data?.run as { id: string } | null | undefined;
    if (run) router.push(`/admin/compensation/runs/${run.id}`);
  }
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
      <select className="field w-auto" value={period} onChange={(e) => setPeriod(e.target.value)} aria-label={`Period for version ${versionId}`}>
        {periods.map((p) => <option key={p.id} value={p.id}>{p.label}{p.closed ? "" : " (open)"}</option>)}
      </select>
      <button type="button" className="btn-secondary" onClick={activate}>Activate from</button>
      <button type="button" className="btn-secondary" onClick={simulate}>Simulate on</button>
      {error ? <span className="field-error" role="alert">{error}</span> : null}
      {done ? <span className="text-emerald-700" role="status">{done}</span> : null}
    </div>
  );
}

const RETRY = `mutation($id: ID!) { retryCommissionRun(id: $id) { run { id } errors { field message } } }`;

/** Sends a failed run to the background again; it resumes where it stopped. */
export function RetryRun({ runId }: { runId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  async function retry() {
    const r = await call(RETRY, { id: runId }, "retryCommissionRun");
    setError(r.error);
    if (!r.error) router.refresh();
  }
  return (
    <div className="mt-3 flex items-center gap-3">
      <button type="button" className="btn" onClick={retry}>Retry</button>
      {error ? <span className="field-error" role="alert">{error}</span> : <span className="text-sm text-gray-500">It resumes where it stopped; nothing is paid twice.</span>}
    </div>
  );
}
