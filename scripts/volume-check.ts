import { defaultDriver } from "../src/server/db/driver";
import { migrate } from "../src/server/db/migrate";
import { volumeService } from "../src/server/domain/volume/volume.service";

/**
 * npm run volume:check [-- --repair]
 * Recomputes every member's per-period PV, BV, GV and leg volume from the append-only
 * volume ledger and compares them with the kept totals. Exit 0: they agree. Exit 1: the
 * differences are listed (first 100); --repair rebuilds the totals from the ledger.
 */
const repair = process.argv.includes("--repair");
await migrate(defaultDriver());
const started = Date.now();
const wrong = await volumeService.check(100);
if (wrong.length === 0) {
  console.log(`volume totals agree with the ledger (${Date.now() - started} ms)`);
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
