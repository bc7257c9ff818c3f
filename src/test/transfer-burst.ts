// A child process for the crash test (wallet/crash.int.test.ts): on the database named by
// DATABASE_URL or PGLITE_DIR it makes two members, funds one, and sends transfers between
// them from 8 concurrent loops until it is killed, printing "ack <key>" for each transfer
// the service confirmed (what a client would have been told).
import { randomBytes } from "node:crypto";
import { defaultDriver } from "@/server/db/driver";
import { migrate } from "@/server/db/migrate";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { walletService } from "@/server/domain/wallet/wallet.service";
import { superAdminViewer, distributorViewer } from "@/server/domain/shared/viewer";

await migrate(defaultDriver());
const row = (role: "ADMIN" | "DISTRIBUTOR", name: string) => ({
  email: `${name}.${randomBytes(4).toString("hex")}@crash.test`, passwordHash: "x", firstName: name, lastName: "Crash", country: "DE",
  phone: "+49301234567", referralCode: `C${randomBytes(5).toString("hex").toUpperCase()}`, role,
});
const admin = await genealogyService.insertRoot(row("ADMIN", "Admin"), false);
const from = await genealogyService.insertRoot(row("DISTRIBUTOR", "Sender"), true);
const to = await genealogyService.place(row("DISTRIBUTOR", "Receiver"), from);
await walletService.adjust(superAdminViewer(admin.id), { memberId: from.id, amount: "100000.00", currency: "EUR", reason: "Crash test funds", idempotencyKey: "fund" });
console.log(`ready ${from.id} ${to.id}`);

let n = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  for (;;) {
    const key = `burst-${++n}`;
    await walletService.transfer(distributorViewer(from.id), { toMemberId: to.id, amount: "1.00", currency: "EUR", idempotencyKey: key });
    console.log(`ack ${key}`);
  }
}));
