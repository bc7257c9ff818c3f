import { randomBytes } from "node:crypto";
import Bowser from "bowser";
import { db, transaction } from "@/server/db/unit-of-work";
import { auditService } from "@/server/domain/audit/audit.service";
import { memberService } from "@/server/domain/member/member.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { notFound, requireMember } from "@/server/domain/shared/access";
import type { Viewer } from "@/server/domain/shared/viewer";
import { accessRepository as repo } from "./access.repository";
import { accessService, announceAccessChange } from "./access.service";
import type { DeviceSession, SessionRecord } from "./access.types";

/** How long a session lives without being used (the session cookie lasts as long). */
export const SESSION_DAYS = 30;

/** "Safari 17 on iOS (mobile)", from a User-Agent header. */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const ua = Bowser.parse(userAgent);
  const browser = [ua.browser.name, ua.browser.version?.split(".")[0]].filter(Boolean).join(" ");
  const os = ua.os.name ? ` on ${ua.os.name}` : "";
  const kind = ua.platform.type ? ` (${ua.platform.type})` : "";
  return browser || os ? `${browser || "A browser"}${os}${kind}` : userAgent.slice(0, 80);
}

const asDevice = (s: SessionRecord, current: string | undefined): DeviceSession => ({ ...s, device: deviceOf(s.userAgent), current: s.id === current });

/**
 * Where a member is signed in. The session cookie names a row here, which every request
 * checks: signing out one device, all of them, or resetting the password ends those
 * sessions at once, not when their cookie expires.
 */
export const sessionService = {
  /** A new session at sign-in; its id goes into the session cookie. */
  async start(memberId: number, ip: string | null, userAgent: string | null): Promise<string> {
    const id = randomBytes(24).toString("base64url");
    await repo.pruneSessions(memberId, SESSION_DAYS);
    await repo.insertSession(id, memberId, ip?.slice(0, 64) ?? null, userAgent?.slice(0, 400) ?? null);
    return id;
  },

  /**
   * The viewer behind a session cookie's (session, member), with the member's record:
   * null unless the session is live (not signed out, not ended by a password reset, used
   * within SESSION_DAYS) and the member active. One round trip: the session, the member,
   * their roles and two-factor state are read together.
   */
  async viewer(id: string | null | undefined, memberId: number, ip?: string | null): Promise<{ viewer: Viewer; member: MemberRecord } | null> {
    if (!id) return null;
    const [live, member, held, twoFactor] = await db().all([
      repo.touchSessionRead(id, memberId, SESSION_DAYS),
      memberService.findByIdRead(memberId),
      ...accessService.viewerReads(memberId),
    ] as const);
    if (!live || !member || member.status !== "ACTIVE") return null;
    return { viewer: { ...accessService.viewerFrom(member, held, twoFactor, ip), sessionId: id }, member };
  },

  /** Sign-out from this browser. */
  async end(id: string | null | undefined): Promise<void> {
    if (id && (await repo.revokeSession(id)) > 0) announceAccessChange({ sessionIds: [id] });
  },

  /** The viewer's own live sessions, this one marked. */
  async mine(viewer: Viewer): Promise<DeviceSession[]> {
    requireMember(viewer, "sessions (they belong to a person)");
    return sessionService.list(viewer, viewer.id);
  },

  /** The member's live sessions, newest use first (their own, or as support with members.personal: IPs are personal data). */
  async list(viewer: Viewer, memberId: number): Promise<DeviceSession[]> {
    await accessService.requireSelfOr(viewer, memberId, "members.personal", "these sessions");
    return (await repo.sessions(memberId, SESSION_DAYS)).map((s) => asDevice(s, viewer.sessionId));
  },

  /** Signs out one device (one's own, or a member's with members.write covering them). */
  async signOut(viewer: Viewer, sessionId: string): Promise<void> {
    const owner = await repo.sessionOwner(sessionId);
    if (owner == null) throw notFound("The session");
    await accessService.requireSelfOr(viewer, owner, "members.write", "this session");
    await transaction(async () => {
      if ((await repo.revokeSession(sessionId)) > 0) announceAccessChange({ sessionIds: [sessionId] });
      if (viewer.id !== owner) await auditService.record(viewer, { action: "member.sign_out", targetType: "member", targetId: owner, after: { sessions: 1 } });
    });
  },

  /**
   * Signs out every device of the member. For oneself the current one stays signed in
   * unless `includingThis`; for someone else (support, after a lost phone) all of them.
   */
  async signOutAll(viewer: Viewer, memberId: number, includingThis = false): Promise<number> {
    await accessService.requireSelfOr(viewer, memberId, "members.write", "these sessions");
    const self = viewer.id === memberId;
    return transaction(async () => {
      const ended = await repo.revokeSessions(memberId, self && !includingThis ? (viewer.sessionId ?? null) : null);
      announceAccessChange({ sessionIds: ended });
      const n = ended.length;
      if (!self) await auditService.record(viewer, { action: "member.sign_out", targetType: "member", targetId: memberId, after: { sessions: n } });
      return n;
    });
  },

  /** Ends every session of a member whose password changed or whose data was erased. */
  async revokeAllOf(memberId: number): Promise<number> {
    const ended = await repo.revokeSessions(memberId, null);
    announceAccessChange({ sessionIds: ended });
    return ended.length;
  },
};
