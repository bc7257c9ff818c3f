import { createHmac, timingSafeEqual } from "node:crypto";

// Short HMAC signatures for links the app hands out (share cards), under the app's secret
// (NEXTAUTH_SECRET; server.ts provides one for local runs): a link made for one purpose
// and value verifies for nothing else.

const key = () => {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  return secret;
};

/** 22 URL-safe characters (128 bits) signing `value` for `purpose`. */
export function sign(purpose: string, value: string): string {
  return createHmac("sha256", key()).update(`${purpose}\n${value}`).digest("base64url").slice(0, 22);
}

export function verify(purpose: string, value: string, signature: string): boolean {
  const expected = Buffer.from(sign(purpose, value));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
