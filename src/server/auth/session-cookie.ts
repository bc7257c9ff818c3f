import { decode } from "next-auth/jwt";
import { sessionService } from "@/server/domain/access/session.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { BoundedCache } from "@/server/domain/shared/bounded-cache";
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

// Decrypting a session token derives its key (HKDF) and runs AES-GCM: a few hundred
// microseconds on every request. A token's claims never change, so the last few thousand
// are kept until they expire; whether the session still holds is checked every time.
const kept = new BoundedCache<string, { id: number; sid: string | undefined; until: number; secret: string }>(5_000);

async function claimsOf(token: string): Promise<{ id: number; sid: string | undefined } | null> {
  const secret = authSecret();
  const hit = kept.get(token);
  if (hit && hit.until > Date.now() && hit.secret === secret) return hit; // a new secret refuses old tokens
  try {
    const jwt = await decode({ token, secret });
    if (!jwt) return null;
    const until = typeof jwt.exp === "number" ? jwt.exp * 1000 : Date.now() + 60_000;
    const claims = { id: Number(jwt.sub), sid: typeof jwt.sid === "string" ? jwt.sid : undefined, until, secret };
    kept.set(token, claims);
    return claims;
  } catch {
    return null;
  }
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
    const claims = await claimsOf(token);
    if (!claims) return null;
    const { id, sid } = claims;
    if (!Number.isInteger(id) || id <= 0) return null;
    return sessionService.viewer(sid, id, ip);
  }
  return null;
}

/** The viewer behind a next-auth session cookie (see sessionFromCookieHeader). */
export async function viewerFromCookieHeader(cookieHeader: string | null | undefined, ip?: string | null): Promise<Viewer | null> {
  return (await sessionFromCookieHeader(cookieHeader, ip))?.viewer ?? null;
}
