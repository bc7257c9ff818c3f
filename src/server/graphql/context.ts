import { GraphQLError } from "graphql";
import { accessService } from "@/server/domain/access/access.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { Viewer } from "@/server/domain/shared/viewer";
import { sessionFromCookieHeader } from "@/server/auth/session-cookie";
import { consume, RateLimited } from "@/server/auth/rate-limit";
import { createLoaders, type Loaders } from "./loaders";

export interface Context {
  viewer: Viewer | null;
  loaders: Loaders;
  /** The signed-in member's record, read with the session (null for an API key or when signed out). */
  self: MemberRecord | null;
  /** The caller's address (rate limits). */
  ip: string | null;
}

/** The key in "Bearer <key>", or null when the header is absent; "" when it is there but not a bearer token. */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (authorization == null || authorization === "") return null;
  const match = /^Bearer\s+(\S{1,200})\s*$/i.exec(authorization);
  return match ? match[1]! : "";
}

export const invalidApiKey = () =>
  new GraphQLError("The API key is unknown, revoked or expired.", { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });

/**
 * Who is calling: an API key (Authorization: Bearer …, which then must be valid: a bad
 * key is refused, never treated as signed out) or else the session cookie, whose member
 * record comes with it.
 */
export async function callerFromRequest(req: { authorization?: string | null; cookie?: string | null; ip?: string | null }): Promise<{ viewer: Viewer | null; self: MemberRecord | null }> {
  const token = bearerToken(req.authorization);
  if (token != null) {
    const viewer = token ? await accessService.viewerForApiKey(token, req.ip) : null;
    if (!viewer) throw invalidApiKey();
    try {
      await consume("apiKey", String(viewer.apiKeyId), (wait) => `This API key made too many requests; try again in ${wait}.`);
    } catch (err) {
      if (err instanceof RateLimited) {
        throw new GraphQLError(err.message, { extensions: { code: "RATE_LIMITED", retryAfter: err.retryAfterSeconds, http: { status: 429, headers: new Map([["retry-after", String(err.retryAfterSeconds)]]) } } });
      }
      throw err;
    }
    return { viewer, self: null };
  }
  const session = await sessionFromCookieHeader(req.cookie, req.ip);
  return { viewer: session?.viewer ?? null, self: session?.member ?? null };
}

export async function viewerFromRequest(req: { authorization?: string | null; cookie?: string | null; ip?: string | null }): Promise<Viewer | null> {
  return (await callerFromRequest(req)).viewer;
}

export function createContext(viewer: Viewer | null, ip: string | null = null, self: MemberRecord | null = null): Context {
  const own = self && viewer?.id === self.id ? self : null;
  const loaders = createLoaders();
  if (own) loaders.member.prime(own.id, own);
  return { viewer, loaders, ip, self: own };
}
