import { beforeAll, describe, expect, it } from "vitest";
import { memberService } from "@/server/domain/member/member.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { createAdmin, createRoot, registerUnder, registration, uniqueEmail, viewerOf, usePlacement } from "@/test/factories";
import { asAnonymous, asMember } from "@/test/graphql";

const REGISTER = `mutation($input: RegisterMemberInput!) {
  registerMember(input: $input) { member { id firstName referralCode sponsor { id } email } errors { field code message } }
}`;

let root: MemberRecord;

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  root = await createRoot();
});

describe("registerMember", () => {
  it("signs up a member under the sponsor and gives them a referral code of their own", async () => {
    const input = registration(root.referralCode, { email: uniqueEmail("new").toUpperCase() });
    const res = await asAnonymous(REGISTER, { input });
    expect(res.errors).toBeUndefined();
    const payload = res.data!.registerMember;
    expect(payload.errors).toEqual([]);
    expect(payload.member.sponsor.id).toBe(String(root.id));
    expect(payload.member.referralCode).toMatch(/^[A-Z0-9]{8}$/);
    expect(payload.member.referralCode).not.toBe(root.referralCode);
    // Signed out: contact data is not echoed back.
    expect(payload.member.email).toBeNull();
    const stored = await memberService.findById(Number(payload.member.id));
    expect(stored!.email).toBe(input.email.toLowerCase());
    expect(stored!.phone).toBe("+49301234567");
  });

  it("refuses a duplicate e-mail, whatever its case", async () => {
    const first = registration(root.referralCode);
    await asAnonymous(REGISTER, { input: first });
    const res = await asAnonymous(REGISTER, { input: { ...registration(root.referralCode), email: first.email.toUpperCase() } });
    expect(res.data!.registerMember.member).toBeNull();
    expect(res.data!.registerMember.errors).toEqual([expect.objectContaining({ field: "email", code: "EMAIL_TAKEN" })]);
  });

  it("refuses an unknown sponsor code", async () => {
    const res = await asAnonymous(REGISTER, { input: registration("NOSUCH99") });
    expect(res.data!.registerMember.errors).toEqual([expect.objectContaining({ field: "sponsorCode", code: "SPONSOR_NOT_FOUND" })]);
  });

  it("refuses a weak password", async () => {
    const res = await asAnonymous(REGISTER, { input: registration(root.referralCode, { password: "short1" }) });
    expect(res.data!.registerMember.errors).toEqual([expect.objectContaining({ field: "password", code: "WEAK_PASSWORD" })]);
  });

  it("reports every malformed field at once and writes nothing", async () => {
    const email = "not-an-email";
    const res = await asAnonymous(REGISTER, {
      input: registration(root.referralCode, { email, firstName: "", lastName: "X1", country: "XX", phone: "12" }),
    });
    const fields = res.data!.registerMember.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort();
    expect(fields).toEqual(["country:INVALID", "email:INVALID", "firstName:REQUIRED", "lastName:INVALID", "phone:INVALID"]);
    const admin = await createAdmin();
    const list = await asMember(viewerOf(admin), `{ members(search: "not-an-email") { totalCount } }`);
    expect(list.data!.members.totalCount).toBe(0);
  });

  it("gives one of two simultaneous sign-ups with one e-mail an EMAIL_TAKEN error", async () => {
    const email = uniqueEmail("race");
    const results = await Promise.all([0, 1].map(() => asAnonymous(REGISTER, { input: registration(root.referralCode, { email }) })));
    const payloads = results.map((r) => r.data!.registerMember);
    expect(payloads.filter((p) => p.member !== null)).toHaveLength(1);
    expect(payloads.filter((p) => p.errors[0]?.code === "EMAIL_TAKEN")).toHaveLength(1);
  });
});

describe("member access", () => {
  it("shows contact data to the member and admins only", async () => {
    const a = await registerUnder(root);
    const b = await registerUnder(a);
    const admin = await createAdmin();
    const q = `query($id: ID!) { member(id: $id) { id email phone } }`;
    expect((await asMember(viewerOf(b), q, { id: String(b.id) })).data!.member.email).toBe(b.email);
    expect((await asMember(viewerOf(a), q, { id: String(b.id) })).data!.member).toEqual({ id: String(b.id), email: null, phone: null });
    expect((await asMember(viewerOf(admin), q, { id: String(b.id) })).data!.member.phone).toBe(b.phone);
  });

  it("forbids reading a member of another line", async () => {
    const a = await registerUnder(root);
    const b = await registerUnder(root);
    const res = await asMember(viewerOf(a), `query($id: ID!) { member(id: $id) { id firstName } }`, { id: String(b.id) });
    expect(res.data).toBeNull();
    expect(res.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    expect(JSON.stringify(res)).not.toMatch(/at .*\.ts/);
  });

  it("asks signed-out callers to sign in", async () => {
    const res = await asAnonymous(`{ downline { totalCount } }`);
    expect(res.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    const me = await asAnonymous(`{ me { id } }`);
    expect(me.data!.me).toBeNull();
  });

  it("keeps the member list for admins", async () => {
    const a = await registerUnder(root);
    const res = await asMember(viewerOf(a), `{ members { totalCount } }`);
    expect(res.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });

  it("lets admins search, filter and page through members", async () => {
    const admin = await createAdmin();
    const tag = `Zed${Date.now().toString(36)}`.replace(/\d/g, "q");
    for (const country of ["FR", "FR", "IT"]) await registerUnder(root, { lastName: tag, country });
    const q = `query($s: String, $f: MemberFilter, $after: String) {
      members(search: $s, filter: $f, first: 1, after: $after) { totalCount edges { node { country lastName } } pageInfo { hasNextPage endCursor } }
    }`;
    const page1 = await asMember(viewerOf(admin), q, { s: tag, f: { country: "FR" } });
    expect(page1.data!.members.totalCount).toBe(2);
    expect(page1.data!.members.pageInfo.hasNextPage).toBe(true);
    const page2 = await asMember(viewerOf(admin), q, { s: tag, f: { country: "FR" }, after: page1.data!.members.pageInfo.endCursor });
    expect(page2.data!.members.edges).toHaveLength(1);
    expect(page2.data!.members.pageInfo.hasNextPage).toBe(false);
    expect(page2.data!.members.edges[0].node).toEqual({ country: "FR", lastName: tag });
  });
});

describe("profile history", () => {
  const UPDATE = `mutation($input: UpdateProfileInput!) {
    updateProfile(input: $input) { member { firstName phone country } errors { field code } }
  }`;
  const HISTORY = `query($id: ID!) { profileHistory(memberId: $id) { field oldValue newValue changedBy { id } changedAt } }`;

  it("records each changed field with old and new value, who and when", async () => {
    const m = await registerUnder(root, { firstName: "Lena", phone: "+49301111111" });
    const res = await asMember(viewerOf(m), UPDATE, { input: { firstName: "Helena", phone: "+49 30 2222222", country: "DE" } });
    expect(res.data!.updateProfile).toEqual({ member: { firstName: "Helena", phone: "+49302222222", country: "DE" }, errors: [] });
    const admin = await createAdmin();
    await asMember(viewerOf(admin), UPDATE, { input: { memberId: String(m.id), country: "AT" } });

    const history = (await asMember(viewerOf(m), HISTORY, { id: String(m.id) })).data!.profileHistory;
    expect(history.map((h: { field: string; oldValue: string; newValue: string; changedBy: { id: string } }) =>
      [h.field, h.oldValue, h.newValue, h.changedBy.id])).toEqual([
      ["country", "DE", "AT", String(admin.id)],
      // unchanged country "DE" in the first update is not a change
      expect.anything(),
      expect.anything(),
    ]);
    expect(history.slice(1).map((h: { field: string }) => h.field).sort()).toEqual(["firstName", "phone"]);
    expect(history.find((h: { field: string }) => h.field === "firstName")).toMatchObject({ oldValue: "Lena", newValue: "Helena" });
    expect(new Date(history[0].changedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuses a malformed change and records nothing", async () => {
    const m = await registerUnder(root);
    const res = await asMember(viewerOf(m), UPDATE, { input: { phone: "call me", firstName: "Ok" } });
    expect(res.data!.updateProfile.errors).toEqual([{ field: "phone", code: "INVALID" }]);
    const history = await asMember(viewerOf(m), HISTORY, { id: String(m.id) });
    expect(history.data!.profileHistory).toEqual([]);
    expect((await memberService.findById(m.id))!.firstName).toBe("Mia");
  });

  it("does not let a distributor change or read another member's profile", async () => {
    const a = await registerUnder(root);
    const b = await registerUnder(a);
    const res = await asMember(viewerOf(a), UPDATE, { input: { memberId: String(b.id), firstName: "Hacked" } });
    expect(res.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const hist = await asMember(viewerOf(a), HISTORY, { id: String(b.id) });
    expect(hist.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });
});
