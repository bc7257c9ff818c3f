import { defaultDriver } from "../src/server/db/driver";
import { migrate } from "../src/server/db/migrate";
import { volumeService } from "../src/server/domain/volume/volume.service";

/**
 * npm run volume:check [-- --repair] [-- --apply]
 * Recomputes every member's per-period PV, BV, GV and leg volume from the append-only
 * volume ledger, up to the applier's position (the entries it has folded in), and
 * compares them with the kept totals. Exit 0: they agree. Exit 1: the differences are
 * listed (first 100); --repair rebuilds the totals from the whole ledger. --apply first
 * applies what is still waiting (as the running app's applier would).
 */
const repair = process.argv.includes("--repair");
await migrate(defaultDriver());
const started = Date.now();
if (process.argv.includes("--apply")) console.log(`applied ${await volumeService.applyPending()} waiting entries`);
const lag = await volumeService.lag();
const wrong = await volumeService.check(100);
const waiting = lag.entries === 0 ? "none waiting" : `${lag.entries} entries waiting for the applier, the oldest from ${lag.oldest!.toISOString()}`;
if (wrong.length === 0) {
  console.log(`volume totals agree with the ledger up to the applier's position; ${waiting} (${Date.now() - started} ms)`);
  process.exit(0);
}
console.log(`${wrong.length === 100 ? "at least 100" : wrong.length} totals differ from the ledger:`);
for (const w of wrong) console.log(`  period ${w.periodId} member ${w.memberId} ${w.field}: kept ${w.kept}, ledger ${w.ledger}`);
if (repair) {
  const n = await volumeService.rebuild();
  console.log(`rebuilt ${n} totals from the ledger`);
  process.exit(0);
}
process.exit(1);
