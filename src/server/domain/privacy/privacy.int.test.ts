import { beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "@/server/auth/auth-config";
import { db, transaction } from "@/server/db/unit-of-work";
import { accessService } from "@/server/domain/access/access.service";
import { passwordResetService } from "@/server/domain/access/password-reset.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { walletService } from "@/server/domain/wallet/wallet.service";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { ADDRESS, codesOf, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, placeUnder, PASSWORD, usePlacement, viewerOf, withRole } from "@/test/factories";
import { privacyService } from "./privacy.service";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

let admin: Viewer;
let seq = 0;
const key = () => `p-${Date.now().toString(36)}-${++seq}`;

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
});

async function download(viewer: Viewer, memberId: number): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of privacyService.exportData(viewer, memberId)) text += chunk;
  return JSON.parse(text) as Record<string, unknown>;
}

/** A member with a paid order, a wallet credit, a payout method and a profile change by support. */
async function memberWithHistory() {
  const root = await createRoot();
  const ava = await placeUnder(root, { country: "DE" });
  const product = await createProduct(admin, { pv: "10.00", price: "19.99" });
  const order = await orderService.place(viewerOf(ava), { lines: [{ productId: product.id, quantity: 2 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
  await orderService.markPaid(admin, order.id);
  await walletService.adjust(admin, { memberId: ava.id, amount: "12.34", currency: "USD", reason: "Goodwill", idempotencyKey: key() });
  await walletService.setPayoutMethod(viewerOf(ava), ava.id, { holder: "Ava Martin", iban: "DE89370400440532013000" });
  const support = await withRole(await createRoot(), "support");
  await memberService.updateProfile(support, ava.id, { phone: "+49 30 1234567", birthDate: "1985-04-12" });
  return { ava, order, support };
}

describe("the member's data download", () => {
  it("holds their profile, orders, ledger, payout method and the audit lines about them, amounts exact", async () => {
    const { ava, order } = await memberWithHistory();
    const data = await download(viewerOf(ava), ava.id);
    expect(data).toMatchObject({ format: "mlm-backoffice/personal-data", version: 1, memberId: ava.id });
    expect(data.profile).toEqual([expect.objectContaining({ id: ava.id, email: ava.email, phone: "+49301234567", birth_date: "1985-04-12" })]);
    expect(JSON.stringify(data.profile)).not.toContain("password");
    // JSON numbers, written by PostgreSQL as exact decimal literals
    expect(data.orders).toEqual([expect.objectContaining({ id: order.id, status: "PAID", total: Number(order.total), shipping_address: expect.objectContaining({ city: "Berlin" }) })]);
    expect((data.orders as { lines: unknown[] }[])[0]!.lines).toHaveLength(1);
    expect(data.payoutMethod).toEqual([expect.objectContaining({ iban: "DE89370400440532013000" })]);
    expect(data.postings).toEqual(expect.arrayContaining([expect.objectContaining({ amount: 1234, reason: expect.any(String) })]));
    expect(data.auditAboutYou).toEqual(expect.arrayContaining([expect.objectContaining({ action: expect.stringMatching(/^member\./) })]));
    for (const section of ["volumes", "commissionLines", "pointsLots", "sessions", "mails", "customers"]) expect(data[section], section).toEqual(expect.any(Array));
  });

  it("is theirs: another member is refused; support may download it for them, and that is audited", async () => {
    const { ava, support } = await memberWithHistory();
    const other = await createRoot();
    await expect(download(viewerOf(other), ava.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const data = await download(support, ava.id);
    expect(data.memberId).toBe(ava.id);
    const audit = await auditService.search(admin, { action: "member.data_export", targetId: String(ava.id) }, 5, null);
    expect(audit.rows[0]).toMatchObject({ actorId: support.id });
  });
});

describe("erasing a member's personal data", () => {
  it("anonymises them for good while every amount stays: ledger, orders and volume", async () => {
    const hook = await webhookService.createEndpoint(admin, { url: "http://127.0.0.1:9/hooks", events: ["member.joined"] });
    const { ava, order } = await memberWithHistory();
    await passwordResetService.request(ava.email, null);
    const compliance = await withRole(await createRoot(), "compliance");
    const walletBefore = await walletService.balances(admin, ava.id);

    const result = await privacyService.erase(compliance, ava.id, "Member's request by e-mail, ticket 4711");
    expect(result).toMatchObject({ memberId: ava.id, ordersAnonymised: 1, mailsDeleted: 1 });
    expect(result.auditLinesRedacted).toBeGreaterThanOrEqual(2); // the profile change and the payout method

    const after = (await memberService.findById(ava.id))!;
    expect(after).toMatchObject({ firstName: "Erased", lastName: "member", phone: "", status: "ERASED", email: `erased-${ava.id}@erased.invalid` });
    expect(after.placementPath).toEqual(ava.placementPath); // the trees are untouched
    expect(await authorize({ email: ava.email, password: PASSWORD }, { headers: {} })).toBeNull();

    const data = await download(admin, ava.id);
    expect(JSON.stringify(data)).not.toMatch(/Berlin|Ava Martin|DE89370400440532013000|1234567|1985-04-12/);
    expect(data.orders).toEqual([expect.objectContaining({ id: order.id, total: Number(order.total), shipping_address: { erased: true, country: "DE" } })]);
    expect(data.payoutMethod).toEqual([]);
    expect(await walletService.balances(admin, ava.id)).toEqual(walletBefore);

    const about = await auditService.search(admin, { targetId: String(ava.id), action: "member.update" }, 10, null);
    expect(about.rows.length).toBe(1);
    expect(about.rows[0]!.after).toEqual({ phone: "[erased]", birthDate: "[erased]" }); // what changed stays, the value goes
    const erasure = await auditService.search(admin, { action: "member.erase", targetId: String(ava.id) }, 1, null);
    expect(erasure.rows[0]).toMatchObject({ actorId: compliance.id, after: { reason: "Member's request by e-mail, ticket 4711" } });

    expect(await codesOf(privacyService.erase(compliance, ava.id, "Again, by mistake"))).toEqual(["memberId:ALREADY_ERASED"]);

    // The sign-up event kept for replays no longer names them.
    const joined = (await webhookService.deliveries(admin, { endpointId: hook.endpoint.id }, 200, null)).find((d) => d.eventId === `member.joined:${ava.id}`);
    expect(joined?.payload).toMatchObject({ memberId: ava.id, firstName: "Erased", lastName: "member" });
    await webhookService.deleteEndpoint(admin, hook.endpoint.id);
  });

  it("the audit log stays append-only outside an erasure", async () => {
    await expect(transaction(() => db().execute`UPDATE audit_log SET after = '{}'::jsonb WHERE id = (SELECT max(id) FROM audit_log)`)).rejects.toThrow(/append-only/);
    await expect(transaction(() => db().execute`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`)).rejects.toThrow(/append-only/);
  });

  it("is refused without members.erase, for oneself, without a reason, for a role holder, and while a withdrawal is on its way", async () => {
    const { ava, support } = await memberWithHistory();
    const compliance = await withRole(await createRoot(), "compliance");
    await expect(privacyService.erase(support, ava.id, "Member's request")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(privacyService.erase(viewerOf(ava), ava.id, "Member's request")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await codesOf(privacyService.erase(compliance, compliance.id, "Member's request"))).toEqual(["memberId:NOT_YOURSELF"]);
    expect(await codesOf(privacyService.erase(compliance, ava.id, " "))).toEqual(["reason:REQUIRED"]);
    expect(await codesOf(privacyService.erase(compliance, support.id, "Member's request"))).toEqual(["memberId:HOLDS_ROLES"]);

    await walletService.adjust(admin, { memberId: ava.id, amount: "50.00", currency: "USD", reason: "Bonus", idempotencyKey: key() });
    await walletService.requestWithdrawal(viewerOf(ava), { amount: "20.00", currency: "USD", idempotencyKey: key() });
    expect(await codesOf(privacyService.erase(compliance, ava.id, "Member's request"))).toEqual(["memberId:MONEY_IN_FLIGHT"]);
    expect((await memberService.findById(ava.id))!.status).toBe("ACTIVE");
    expect(await accessService.grants(support.id)).not.toEqual([]);
  });
});
