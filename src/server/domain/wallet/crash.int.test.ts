import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { distributorViewer } from "@/server/domain/shared/viewer";

// kill -9 in the middle of a burst of transfers: afterwards every balance still equals its
// postings, every unit balances, and every transfer the service had confirmed is there.
describe("crash", () => {
  it("keeps the ledger whole and every acknowledged transfer after kill -9 during a burst", async () => {
    const env = { ...process.env };
    if (process.env.TEST_DB !== "postgres") {
      // The embedded database: the child owns a data directory; this process opens it after the crash.
      env.PGLITE_DIR = path.join(mkdtempSync(path.join(tmpdir(), "crash-")), "pglite");
      delete env.DATABASE_URL;
    }
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("src/test/transfer-burst.ts")], { env, stdio: ["ignore", "pipe", "inherit"] });
    const acked: string[] = [];
    let ids: [number, number] | null = null;
    await new Promise<void>((resolve, reject) => {
      child.on("exit", (code, signal) => (signal ? resolve() : reject(new Error(`the burst ended by itself (${code})`))));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const [word, a, b] = line.split(" ");
        if (word === "ready") ids = [Number(a), Number(b)];
        if (word === "ack") acked.push(a!);
        // Kill while transfers are in flight: mid-transaction, mid-commit, mid-reply.
        if (acked.length === 150) child.kill("SIGKILL");
      });
    });
    expect(acked.length).toBeGreaterThanOrEqual(150);

    if (env.PGLITE_DIR) process.env.PGLITE_DIR = env.PGLITE_DIR;
    const { ledgerService } = await import("@/server/domain/ledger/ledger.service");
    const { walletService } = await import("@/server/domain/wallet/wallet.service");
    expect(await ledgerService.check()).toEqual([]);
    for (const t of await ledgerService.trialBalance()) expect([t.posted, t.pending, t.postings]).toEqual([0, 0, 0]);
    const [from, to] = ids!;
    const sender = distributorViewer(from);
    // Every acknowledged transfer is in the ledger: re-sending its key returns it, it does not send again.
    const before = (await walletService.balances(sender, from))[0]!;
    for (const key of acked) {
      const t = await walletService.transfer(sender, { toMemberId: to, amount: "1.00", currency: "EUR", idempotencyKey: key });
      expect(t.amount).toBe("1.00");
    }
    expect((await walletService.balances(sender, from))[0]).toEqual(before);
    const received = (await walletService.balances(distributorViewer(to), to))[0]!;
    // What arrived is what left, and at least everything acknowledged.
    expect(Number(received.posted)).toBe(100_000 - Number(before.posted));
    expect(Number(received.posted)).toBeGreaterThanOrEqual(acked.length);
  }, 120_000);
});
