import { decode } from "next-auth/jwt";
import { sessionService } from "@/server/domain/access/session.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { Viewer } from "@/server/domain/shared/viewer";
import { authSecret, sessionCookieNames } from "./auth-config";

function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The viewer behind a next-auth session cookie, with the member's record: the cookie must
 * name a live session (not signed out from another device, not ended by a password reset)
 * of an active member, re-checked against the database on every request (one round trip).
 */
export async function sessionFromCookieHeader(cookieHeader: string | null | undefined, ip?: string | null): Promise<{ viewer: Viewer; member: MemberRecord } | null> {
  for (const name of sessionCookieNames()) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    let id: number;
    let sid: string | undefined;
    try {
      const jwt = await decode({ token, secret: authSecret() });
      id = Number(jwt?.sub);
      sid = typeof jwt?.sid === "string" ? jwt.sid : undefined;
    } catch {
      return null;
    }
    if (!Number.isInteger(id) || id <= 0) return null;
    return sessionService.viewer(sid, id, ip);
  }
  return null;
}

/** The viewer behind a next-auth session cookie (see sessionFromCookieHeader). */
export async function viewerFromCookieHeader(cookieHeader: string | null | undefined, ip?: string | null): Promise<Viewer | null> {
  return (await sessionFromCookieHeader(cookieHeader, ip))?.viewer ?? null;
}
