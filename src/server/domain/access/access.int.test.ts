import { beforeAll, describe, expect, it } from "vitest";
import { accessService } from "@/server/domain/access/access.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";
import { db, transaction } from "@/server/db/unit-of-work";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { Viewer } from "@/server/domain/shared/viewer";
import { ADDRESS, createAdmin, createProduct, createRoot, loadViewer, placeUnder, usePlacement, viewerOf, withRole } from "@/test/factories";

let admin: Viewer;
let root: MemberRecord;
let german: MemberRecord;
let french: MemberRecord;
let germanBelowFrench: MemberRecord;
let support: MemberRecord;

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  root = await createRoot();
  german = await placeUnder(root, { country: "DE", firstName: "Greta" });
  french = await placeUnder(root, { country: "FR", firstName: "Fleur" });
  germanBelowFrench = await placeUnder(french, { country: "DE", firstName: "Dieter" });
  support = await placeUnder(root, { country: "US", firstName: "Sam" });
});

const address = (country: string) => ({ ...ADDRESS, country });
const roleId = async (key: string) => (await accessService.roles(admin)).find((r) => r.key === key)!.id;

describe("roles and their limits", () => {
  it("a sub-admin for Germany lists and opens German members only, with personal data", async () => {
    await accessService.assign(admin, support.id, await roleId("support"), { countries: ["de"] });
    const sam = await loadViewer(support);
    const listed = await memberService.list(sam, {}, null, 200, null);
    expect(new Set(listed.rows.map((m) => m.country))).toEqual(new Set(["DE"]));
    expect(listed.rows.map((m) => m.id).sort()).toEqual([german.id, germanBelowFrench.id].sort());
    expect((await memberService.get(sam, german.id)).visibility).toBe("FULL");
    await expect(memberService.get(sam, french.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(memberService.updateProfile(sam, french.id, { firstName: "Nope" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const changed = await memberService.updateProfile(sam, german.id, { phone: "+49 30 7654321" });
    expect(changed.phone).toBe("+49307654321");
  });

  it("a team-limited grant covers the team in either tree and nothing else", async () => {
    const leader = await withRole(french, "leader");
    expect(leader.grants.every((g) => g.teamOf === french.id)).toBe(true);
    const listed = await memberService.list(leader, {}, null, 200, null);
    expect(listed.rows.map((m) => m.id).sort()).toEqual([french.id, germanBelowFrench.id].sort());
    await expect(memberService.updateProfile(leader, germanBelowFrench.id, { firstName: "X" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("orders: the scoped list holds only covered members' orders", async () => {
    const product = await createProduct(admin);
    const mine = await orderService.place(viewerOf(german), { lines: [{ productId: product.id, quantity: 1 }], currency: "EUR", shippingAddress: address("DE"), idempotencyKey: "access-de" });
    const other = await orderService.place(viewerOf(french), { lines: [{ productId: product.id, quantity: 1 }], currency: "EUR", shippingAddress: address("FR"), idempotencyKey: "access-fr" });
    const sam = await loadViewer(support);
    const ids = (await orderService.list(sam, {}, 200, null)).rows.map((o) => o.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(other.id);
    await expect(orderService.get(sam, other.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await orderService.get(sam, mine.id)).id).toBe(mine.id);
  });

  it("custom roles: validated, no permission one does not hold, every change audited", async () => {
    const bad = await accessService.saveRole(admin, null, { name: "", permissions: ["members.read", "members.fly"] }).catch((e) => e);
    expect(bad.errors.map((e: { code: string }) => e.code).sort()).toEqual(["REQUIRED", "UNKNOWN_PERMISSION"]);
    const role = await accessService.saveRole(admin, null, { name: "Germany payouts", permissions: ["wallets.read", "withdrawals.approve"] });
    expect(role.key).toBe("germany_payouts");
    const finance = await withRole(await placeUnder(root, { country: "US" }), "finance");
    // finance may not manage roles at all; a roles.manage holder cannot hand out more than they hold
    await expect(accessService.saveRole(finance, null, { name: "x", permissions: ["members.read"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const log = await auditService.search(admin, { action: "role.create" }, 10, null);
    expect(log.rows[0]).toMatchObject({ action: "role.create", targetType: "role", targetId: String(role.id), actorId: admin.id });
    await expect(accessService.deleteRole(admin, await roleId("support"))).rejects.toMatchObject({ errors: [{ code: "BUILT_IN" }] });
    await accessService.deleteRole(admin, role.id);
  });

  it("bulk: preview, assign to a country, revoke, each one audit line", async () => {
    const leaderRole = await roleId("leader");
    const preview = await accessService.preview(admin, { countries: ["DE"] });
    expect(preview.count).toBe(2);
    expect(await accessService.assignSelection(admin, { countries: ["DE"] }, leaderRole, {})).toBe(2);
    const dieter = await loadViewer(germanBelowFrench);
    expect(dieter.grants.find((g) => g.permission === "members.read")?.teamOf).toBe(germanBelowFrench.id);
    expect(await accessService.revokeSelection(admin, { countries: ["DE"] }, leaderRole)).toBe(2);
    expect((await loadViewer(germanBelowFrench)).grants).toEqual([]);
    const lines = await auditService.search(admin, { targetType: "selection" }, 10, null);
    expect(lines.rows.map((l) => l.action)).toEqual(["role.bulk_revoke", "role.bulk_assign"]);
  });

  it("the last super admin cannot be revoked; the audit log refuses changes", async () => {
    const superAdmin = await roleId("super_admin");
    const holders = (await accessService.roles(admin)).find((r) => r.key === "super_admin")!.holders;
    expect(holders).toBe(1);
    await expect(accessService.revoke(admin, admin.id, superAdmin)).rejects.toMatchObject({ errors: [{ code: "LAST_SUPER_ADMIN" }] });
    await expect(transaction(() => db().query("UPDATE audit_log SET action = 'tampered'"))).rejects.toThrow(/append-only/);
    await expect(transaction(() => db().query("DELETE FROM audit_log"))).rejects.toThrow(/append-only/);
  });
});

describe("audit export", () => {
  it("is CSV with a header, JSON before/after, and formulae neutralised", async () => {
    await auditService.record(admin, { action: "test.csv", targetType: "member", targetId: "=HYPERLINK(\"x\")", after: { note: "a, b" } });
    let csv = "";
    for await (const chunk of auditService.csv(admin, { action: "test.csv" })) csv += chunk;
    const [header, line, end] = csv.split("\r\n");
    expect(header).toBe("id,at,actorId,actorName,apiKeyId,action,targetType,targetId,before,after,ip");
    expect(line).toContain(`,${admin.id},Ada Admin,,test.csv,member,"'=HYPERLINK(""x"")",,"{""note"":""a, b""}",`);
    expect(end).toBe("");
    await expect(auditService.csv(viewerOf(await createRoot()), {}).next()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("API keys", () => {
  it("shown once, stored hashed, scoped, refused when revoked or expired, rotation retires the old one", async () => {
    const { key, secret } = await accessService.createApiKey(admin, { name: "Shop", scopes: ["orders.read", "members.read"] });
    expect(secret).toMatch(/^mlm_[a-z0-9]{8}_/);
    expect(JSON.stringify(key)).not.toContain(secret.slice(14));
    const viewer = await accessService.viewerForApiKey(secret);
    expect(viewer).toMatchObject({ id: 0, apiKeyId: key.id });
    expect(viewer!.grants.map((g) => g.permission).sort()).toEqual(["members.read", "orders.read"]);
    expect(await accessService.viewerForApiKey(secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A"))).toBeNull();
    const rotated = await accessService.rotateApiKey(admin, key.id);
    expect(await accessService.viewerForApiKey(secret)).toBeNull();
    expect(await accessService.viewerForApiKey(rotated.secret)).not.toBeNull();
    await accessService.revokeApiKey(admin, rotated.key.id);
    expect(await accessService.viewerForApiKey(rotated.secret)).toBeNull();
    const refused = await accessService.createApiKey(admin, { name: "Evil", scopes: ["roles.manage"], expiresAt: new Date(Date.now() - 1000) }).catch((e) => e);
    expect(refused.errors.map((e: { field: string }) => e.field).sort()).toEqual(["expiresAt", "scopes"]);
  });
});
