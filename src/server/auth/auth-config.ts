import type { NextAuthOptions } from "next-auth";
import CredentialsModule from "next-auth/providers/credentials";
import { normalizeEmail } from "@/server/domain/shared/contact.rules";
import { SESSION_DAYS, sessionService } from "@/server/domain/access/session.service";
import { twoFactorService } from "@/server/domain/access/two-factor.service";
import { authenticate } from "./credentials";
import { blockedFor, consume, LIMITS, RateLimited, reset, waitOf } from "./rate-limit";

// next-auth's providers are CommonJS: a bundler hands over the function, plain Node (tsx:
// scripts, benchmarks) the module object with it as `default`.
const CredentialsProvider = (CredentialsModule as unknown as { default?: typeof CredentialsModule }).default ?? CredentialsModule;

/** NEXTAUTH_SECRET; server.ts provides one for local runs when none is configured. */
export function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  return secret;
}

/** next-auth names the cookie __Secure-… on https origins. */
export function sessionCookieNames(): string[] {
  return ["next-auth.session-token", "__Secure-next-auth.session-token"];
}

/** The sign-in error that asks the login form for an authenticator code. */
export const TOTP_REQUIRED = "TOTP_REQUIRED";

const lockedMessage = (wait: string) =>
  `Too many failed sign-ins for this e-mail (${LIMITS.loginFailuresPerEmail.points} in a row); it is locked for ${wait}.`;

export const authOptions: NextAuthOptions = {
  // The cookie is a JWT naming a row of auth_session, which every request checks (so a
  // device can be signed out from another one); see session-cookie.ts.
  session: { strategy: "jwt", maxAge: SESSION_DAYS * 24 * 3600 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: {
        email: { label: "E-mail", type: "email" },
        password: { label: "Password", type: "password" },
        code: { label: "Authenticator code", type: "text" },
      },
      // Slowed down per address, and an e-mail is locked for a while after repeated
      // failures; the message (shown on the login form) says for how long.
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
        const ip = String(headers["x-mlm-client-ip"] ?? "unknown");
        const email = normalizeEmail(credentials.email).slice(0, 200);
        await consume("loginPerIp", ip, (wait) => `Too many sign-in attempts from your network; try again in ${wait}.`);
        const locked = await blockedFor("loginFailuresPerEmail", email);
        if (locked > 0) throw new RateLimited(locked, lockedMessage(waitOf(locked)));
        const viewer = await authenticate(credentials.email, credentials.password);
        if (viewer) {
          // With two-factor sign-in on, the password alone is not enough.
          const second = await twoFactorService.check(viewer.id, credentials.code);
          if (second === "MISSING") throw new Error(TOTP_REQUIRED);
          if (second === "OK") {
            await reset("loginFailuresPerEmail", email);
            const sid = await sessionService.start(viewer.id, ip, headers["user-agent"] ?? null);
            return { id: String(viewer.id), role: viewer.role, sid };
          }
        }
        await consume("loginFailuresPerEmail", email, lockedMessage).catch((err) => {
          if (!(err instanceof RateLimited)) throw err;
        });
        if (viewer) throw new Error("The authenticator code is not right (or was used already).");
        return null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.role = (user as { role?: string }).role;
        token.sid = (user as { sid?: string }).sid;
      }
      return token;
    },
    async session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub, role: token.role } };
    },
  },
  events: {
    async signOut({ token }) {
      await sessionService.end(typeof token?.sid === "string" ? token.sid : null);
    },
  },
  get secret() {
    return authSecret();
  },
};
