import { defaultDriver } from "../src/server/db/driver";
import { migrate } from "../src/server/db/migrate";
import { ledgerService } from "../src/server/domain/ledger/ledger.service";

/**
 * npm run ledger:check
 * Recomputes every ledger account's settled and pending balances from its postings and
 * compares them with the kept ones, and prints the trial balance per unit (settled,
 * pending and all postings each sum to zero). Exit 0: all agree. Exit 1: the differences.
 */
await migrate(defaultDriver());
const started = Date.now();
const [wrong, trial] = [await ledgerService.check(100), await ledgerService.trialBalance()];
console.log("trial balance (minor units; every column is 0 in a sound ledger):");
for (const t of trial) console.log(`  ${t.unit.padEnd(8)} settled ${t.posted}  pending ${t.pending}  postings ${t.postings}`);
const unbalanced = trial.filter((t) => t.posted !== 0 || t.pending !== 0 || t.postings !== 0);
if (wrong.length === 0 && unbalanced.length === 0) {
  console.log(`ledger balances agree with the postings (${Date.now() - started} ms)`);
  process.exit(0);
}
for (const w of wrong) console.log(`  account ${w.accountId} ${w.field}: kept ${w.kept}, postings ${w.fromPostings}`);
if (unbalanced.length > 0) console.log(`unbalanced units: ${unbalanced.map((t) => t.unit).join(", ")}`);
process.exit(1);
