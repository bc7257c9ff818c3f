import { decode } from "next-auth/jwt";
import { memberService } from "@/server/domain/member/member.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { authSecret, sessionCookieNames } from "@/server/auth/auth-config";
import { createLoaders, type Loaders } from "./loaders";

export interface Context {
  viewer: Viewer | null;
  loaders: Loaders;
}

function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The viewer behind a next-auth session cookie, re-checked against the database. */
export async function viewerFromCookieHeader(cookieHeader: string | null | undefined): Promise<Viewer | null> {
  for (const name of sessionCookieNames()) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    try {
      const jwt = await decode({ token, secret: authSecret() });
      const id = Number(jwt?.sub);
      if (Number.isInteger(id) && id > 0) return memberService.currentViewer(id);
    } catch {
      return null;
    }
  }
  return null;
}

export function createContext(viewer: Viewer | null): Context {
  return { viewer, loaders: createLoaders() };
}
