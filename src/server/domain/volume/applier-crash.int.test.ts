import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";

// kill -9 of the volume applier in the middle of a batch (4,000 entries over a 300-level
// upline, one batch), twice, then a fresh process applies: the totals converge to the
// ledger, each entry counted once.

/** Runs the child; with `killAfterMs`, SIGKILLs it that long after it starts applying. */
function child(env: NodeJS.ProcessEnv, mode: string, killAfterMs: number | null): Promise<string[]> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.resolve("src/test/volume-applier-child.ts"), mode], { env, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    proc.on("exit", (code, signal) => (signal || code === 0 ? resolve(lines) : reject(new Error(`child ${mode} exited with ${code}`))));
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      lines.push(line);
      if (killAfterMs != null && line === "applying") setTimeout(() => proc.kill("SIGKILL"), killAfterMs);
    });
  });
}

describe("volume applier crash", () => {
  it("converges to the ledger after kill -9 mid-batch, nothing counted twice", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VOLUME_APPLY_BATCH: "100000", JOBS: "0" };
    if (process.env.TEST_DB !== "postgres") {
      env.PGLITE_DIR = path.join(mkdtempSync(path.join(tmpdir(), "volume-crash-")), "pglite");
      delete env.DATABASE_URL;
    }
    const [, entries, pvTotal] = (await child(env, "setup", null)).find((l) => l.startsWith("ready "))!.split(" ");

    if (env.PGLITE_DIR) process.env.PGLITE_DIR = env.PGLITE_DIR;
    const { db } = await import("@/server/db/unit-of-work");
    const state = async () => (await db().sql<{ pending: number; totals: number }>`
      SELECT (SELECT count(*)::int FROM volume_pending) AS pending, (SELECT count(*)::int FROM member_volume) AS totals`)[0]!;

    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    let s = seed;
    const random = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2; i++) {
      const afterMs = 20 + Math.round(random() * 150);
      const out = await child(env, "apply", afterMs);
      // Killed before its commit: the whole batch rolled back, every entry still listed.
      expect(out.some((l) => l.startsWith("done")), `killed ${afterMs} ms in, too late (CRASH_SEED=${seed})`).toBe(false);
      if (env.PGLITE_DIR) continue; // the file is the child's until it exits; read once at the end
      expect(await state()).toEqual({ pending: Number(entries), totals: 0 });
    }

    const finished = await child(env, "apply", null);
    expect(finished.at(-1)).toBe(`done ${entries}`);
    const { volumeService } = await import("./volume.service");
    expect(await state()).toMatchObject({ pending: 0 });
    expect(await volumeService.check()).toEqual([]);
    // Each entry once: the root's group volume is the ledger's whole PV.
    const [root] = await db().sql<{ gv: string }>`SELECT gv::text FROM member_volume WHERE member_id = 1`;
    expect(Number(root!.gv)).toBe(Number(pvTotal));
    // And a second pass finds nothing left to apply.
    expect(await volumeService.applyPending()).toBe(0);
  }, 180_000);
});
