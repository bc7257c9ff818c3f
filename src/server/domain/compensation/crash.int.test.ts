import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { superAdminViewer } from "@/server/domain/shared/viewer";

// kill -9 at random points of a committed run on a 10,000-member network, three times, then
// let a fresh process finish it. The lines and wallet credits must be exactly those of an
// uninterrupted computation (a preview of the same month: same hash, lines and total), each
// line once and each credit once.

/** Runs the child; with `kill`, SIGKILLs it `afterMs` after it first reports `stage`. */
function child(env: NodeJS.ProcessEnv, args: string[], kill: { stage: string; afterMs: number } | null): Promise<string[]> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.resolve("src/test/commission-run-child.ts"), ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    proc.on("exit", (code, signal) => (signal || code === 0 ? resolve(lines) : reject(new Error(`child ${args.join(" ")} exited with ${code}`))));
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      lines.push(line);
      if (kill && line === `stage ${kill.stage}` && lines.indexOf(line) === lines.length - 1) setTimeout(() => proc.kill("SIGKILL"), kill.afterMs);
    });
  });
}

describe("crash", () => {
  it("finishes a commit run killed at random points with the payouts of an uninterrupted run, nothing twice", async () => {
    // Small line and credit chunks, so a kill while writing leaves some chunks written and some
    // not, and the credits read their wallets in several windows (one read ahead of the other).
    const env: NodeJS.ProcessEnv = { ...process.env, COMMISSION_RUN_LEASE_MS: "0", COMMISSION_LINE_CHUNK: "5000", COMMISSION_CREDIT_CHUNK: "300", JOBS: "0" };
    if (process.env.TEST_DB !== "postgres") {
      env.PGLITE_DIR = path.join(mkdtempSync(path.join(tmpdir(), "comp-crash-")), "pglite");
      delete env.DATABASE_URL;
    }
    const setup = await child(env, ["setup"], null);
    const [, runId, periodId] = setup.find((l) => l.startsWith("run "))!.split(" ");
    // Random points: the seed is printed so a failure can be replayed.
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // While computing, while writing lines, while crediting wallets: each a random moment
    // into the stage. (On PostgreSQL lines and credits are written side by side, one stage.)
    const both = "writing lines and crediting wallets";
    const stages = process.env.TEST_DB === "postgres" ? ["computing", both, both] : ["computing", "writing lines", "crediting wallets"];
    const kills: string[] = [];
    for (const stage of stages) {
      const afterMs = Math.round(random() * 40);
      const out = await child(env, ["run", runId!], { stage, afterMs });
      kills.push(`${stage} +${afterMs} ms${out.includes("done COMPLETED") ? " (too late)" : ""}`);
    }
    // A kill that came after the run had finished would prove nothing.
    expect(kills.filter((k) => k.endsWith("(too late)")), kills.join("; ")).toEqual([]);
    const finished = await child(env, ["run", runId!], null);
    expect(finished.at(-1), `kills: ${kills.join("; ")} (CRASH_SEED=${seed})`).toBe("done COMPLETED");

    if (env.PGLITE_DIR) process.env.PGLITE_DIR = env.PGLITE_DIR;
    const { compensationService } = await import("./compensation.service");
    const { ledgerService } = await import("@/server/domain/ledger/ledger.service");
    const { db } = await import("@/server/db/unit-of-work");
    const admin = superAdminViewer(1);
    const committed = await compensationService.run(admin, Number(runId));
    const preview = (await compensationService.executeRun((await compensationService.startRun(admin, Number(periodId), "PREVIEW")).id))!;
    expect([committed.hash, committed.lineCount, committed.totalPaid]).toEqual([preview.hash, preview.lineCount, preview.totalPaid]);
    expect(committed.lineCount).toBeGreaterThan(1000);

    const [lines] = await db().sql<{ n: number; total: string }>`SELECT count(*)::int AS n, sum(amount)::text AS total FROM commission_line WHERE run_id = ${Number(runId)}`;
    expect([lines!.n, Number(lines!.total)]).toEqual([committed.lineCount, committed.totalPaid]);
    // Each earner credited once, the credits summing to the run's total.
    const credits = await db().sql<{ owner: number; n: number; amount: string }>`
      SELECT a.owner_id AS owner, count(*)::int AS n, sum(p.amount)::text AS amount FROM ledger_transaction t
      JOIN ledger_posting p ON p.transaction_id = t.id JOIN ledger_account a ON a.id = p.account_id
      WHERE t.reference_type = 'COMMISSION_RUN' AND t.reference_id = ${runId} AND a.kind = 'WALLET' GROUP BY a.owner_id`;
    expect(credits.every((c) => c.n === 1)).toBe(true);
    expect(credits.reduce((s, c) => s + Number(c.amount), 0)).toBe(committed.totalPaid);
    const [earners] = await db().sql<{ n: number }>`SELECT count(DISTINCT member_id)::int AS n FROM commission_line WHERE run_id = ${Number(runId)}`;
    expect(credits.length).toBe(earners!.n);
    expect(await ledgerService.check()).toEqual([]);
  }, 180_000);
});
