import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { authOptions, authSecret } from "@/server/auth/auth-config";
import { viewerFromCookieHeader } from "@/server/auth/session-cookie";
import { passwordResetService } from "@/server/domain/access/password-reset.service";
import { sessionService } from "@/server/domain/access/session.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { communicationService } from "@/server/domain/communication/communication.service";
import { createRoot, PASSWORD, registerUnder, viewerOf, withRole } from "@/test/factories";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<{ id: string; sid?: string } | null>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** Signs in as a browser would: the session cookie next-auth would set. */
async function signIn(email: string, password: string, userAgent: string, ip = "203.0.113.7"): Promise<string> {
  const user = await authorize({ email, password }, { headers: { "user-agent": userAgent, "x-mlm-client-ip": ip } });
  if (!user) throw new Error("sign-in refused");
  const token = await encode({ token: { sub: user.id, sid: user.sid }, secret: authSecret() });
  return `next-auth.session-token=${encodeURIComponent(token)}`;
}

const superAdmin = async () => withRole(await createRoot(), "super_admin");

/** The reset link's token, from the last reset mail to `email` in the outbox. */
async function linkFor(email: string): Promise<string | null> {
  const page = await communicationService.outbox(await superAdmin(), { to: email, kind: "password_reset" }, 1, null);
  const body = page.rows[0]?.body ?? "";
  return /reset-password\?token=([\w-]+)/.exec(body)?.[1] ?? null;
}

describe("sessions and devices", () => {
  it("lists where a member is signed in; signing out one device or all others ends them at once", async () => {
    const m = await createRoot();
    const phone = await signIn(m.email, PASSWORD, PHONE);
    const laptop = await signIn(m.email, PASSWORD, LAPTOP, "198.51.100.4");
    const onLaptop = (await viewerFromCookieHeader(laptop))!;
    expect(onLaptop).toMatchObject({ id: m.id, sessionId: expect.any(String) });

    const list = await sessionService.mine(onLaptop);
    expect(list.map((s) => s.device).sort()).toEqual(["Chrome 131 on Linux (desktop)", "Safari 17 on iOS (mobile)"]);
    expect(list.find((s) => s.current)).toMatchObject({ ip: "198.51.100.4" });

    const phoneSession = list.find((s) => !s.current)!;
    await sessionService.signOut(onLaptop, phoneSession.id);
    expect(await viewerFromCookieHeader(phone)).toBeNull();
    expect(await viewerFromCookieHeader(laptop)).not.toBeNull();

    const tablet = await signIn(m.email, PASSWORD, PHONE);
    expect(await sessionService.signOutAll(onLaptop, m.id)).toBe(1); // all but this one
    expect(await viewerFromCookieHeader(tablet)).toBeNull();
    expect(await viewerFromCookieHeader(laptop)).not.toBeNull();
    expect(await sessionService.signOutAll(onLaptop, m.id, true)).toBe(1);
    expect(await viewerFromCookieHeader(laptop)).toBeNull();
  });

  it("is nobody else's business: another member cannot list or end them; support can, and it is audited", async () => {
    const m = await createRoot();
    const cookie = await signIn(m.email, PASSWORD, PHONE);
    const other = viewerOf(await registerUnder(m));
    await expect(sessionService.list(other, m.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [session] = await sessionService.list(viewerOf(m), m.id);
    await expect(sessionService.signOut(other, session!.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await viewerFromCookieHeader(cookie)).not.toBeNull();

    const support = await withRole(await createRoot(), "support");
    expect(await sessionService.signOutAll(support, m.id)).toBe(1);
    expect(await viewerFromCookieHeader(cookie)).toBeNull();
    const audit = await auditService.search(await superAdmin(), { action: "member.sign_out", targetId: String(m.id) }, 5, null);
    expect(audit.rows[0]).toMatchObject({ actorId: support.id, after: { sessions: 1 } });
  });

  it("a cookie without a live session (signed out, or minted before sessions existed) is signed out", async () => {
    const m = await createRoot();
    const stale = await encode({ token: { sub: String(m.id) }, secret: authSecret() });
    expect(await viewerFromCookieHeader(`next-auth.session-token=${stale}`)).toBeNull();
    const forged = await encode({ token: { sub: String(m.id), sid: "made-up" }, secret: authSecret() });
    expect(await viewerFromCookieHeader(`next-auth.session-token=${forged}`)).toBeNull();
  });
});

describe("password reset by e-mail link", () => {
  it("mails a link only for a known address, answering the same either way", async () => {
    const m = await createRoot();
    await passwordResetService.request("nobody-here@example.test", "203.0.113.9");
    expect((await communicationService.outbox(await superAdmin(), { to: "nobody-here@example.test" }, 5, null)).totalCount).toBe(0);
    await passwordResetService.request(`  ${m.email.toUpperCase()} `, "203.0.113.9");
    const mail = (await communicationService.outbox(await superAdmin(), { to: m.email }, 5, null)).rows[0]!;
    expect(mail).toMatchObject({ memberId: m.id, kind: "password_reset", subject: "Reset your password" });
    expect(mail.body).toMatch(/\/reset-password\?token=[\w-]{40,}/);
  });

  it("sets the new password once; a weak one is refused and keeps the link; every session ends", async () => {
    const m = await createRoot();
    const cookie = await signIn(m.email, PASSWORD, LAPTOP);
    await passwordResetService.request(m.email, null);
    const token = (await linkFor(m.email))!;
    expect(await passwordResetService.isOpen(token)).toBe(true);

    await expect(passwordResetService.reset(token, "short", null)).rejects.toMatchObject({ errors: [{ field: "password", code: "WEAK_PASSWORD" }] });
    expect(await passwordResetService.isOpen(token)).toBe(true);

    expect(await passwordResetService.reset(token, "A-new-secret-77", "203.0.113.9")).toBe(m.email);
    expect(await passwordResetService.isOpen(token)).toBe(false);
    await expect(passwordResetService.reset(token, "Another-secret-88", null)).rejects.toMatchObject({ errors: [{ field: "token", code: "INVALID" }] });
    expect(await viewerFromCookieHeader(cookie)).toBeNull();
    expect(await authorize({ email: m.email, password: PASSWORD }, { headers: {} })).toBeNull();
    expect(await authorize({ email: m.email, password: "A-new-secret-77" }, { headers: {} })).toMatchObject({ id: String(m.id) });

    const changed = await communicationService.outbox(await superAdmin(), { to: m.email, kind: "password_changed" }, 5, null);
    expect(changed.totalCount).toBe(1);
    const audit = await auditService.search(await superAdmin(), { action: "member.password_reset", targetId: String(m.id) }, 5, null);
    expect(audit.rows[0]).toMatchObject({ actorId: m.id, ip: "203.0.113.9", after: { sessionsEnded: 1 } });
  });

  it("a newer link or a reset closes the older links; a made-up token does nothing", async () => {
    const m = await createRoot();
    await passwordResetService.request(m.email, null);
    const first = (await linkFor(m.email))!;
    await passwordResetService.request(m.email, null);
    const second = (await linkFor(m.email))!;
    expect(second).not.toBe(first);
    await passwordResetService.reset(second, "A-new-secret-77", null);
    expect(await passwordResetService.isOpen(first)).toBe(false);
    await expect(passwordResetService.reset("x".repeat(5000), "A-new-secret-77", null)).rejects.toMatchObject({ errors: [{ field: "token" }] });
  });

  it("the outbox holds reset links, so only mail.read opens it (an admin does not hold it)", async () => {
    const admin = await withRole(await createRoot(), "admin");
    await expect(communicationService.outbox(admin, {}, 5, null)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
