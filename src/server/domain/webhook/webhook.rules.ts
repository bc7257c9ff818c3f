import { createHmac, timingSafeEqual } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { FieldError } from "@/server/domain/shared/input.errors";
import { WebhookErrorCode } from "./webhook.errors";
import { WEBHOOK_EVENTS, type WebhookEndpointInput, type WebhookEventType } from "./webhook.types";

/** Attempts before a delivery is given up (FAILED; an admin can replay it). */
export const MAX_ATTEMPTS = 10;

/**
 * Seconds to wait after failed attempt `n` (1-based): 10 s, 20 s, 40 s … capped at an
 * hour; `jitter` in [0, 1) spreads retries of many deliveries apart (up to +20 %).
 */
export function backoffSeconds(n: number, jitter: number): number {
  const base = Math.min(10 * 2 ** (n - 1), 3600);
  return Math.round(base * (1 + jitter * 0.2));
}

/**
 * The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
 * endpoint's secret>`. Receivers recompute it and refuse stale timestamps (replays).
 */
export function signature(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex")}`;
}

/** What a receiver does: whether `header` signs `body` with `secret`, within `toleranceSeconds` of `now`. */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(signature(secret, body, t).split("v1=")[1]!, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE=1: loopback, private
// networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, "this"
// network, multicast and reserved; IPv4-mapped IPv6 addresses are checked as IPv4.
const INTERNAL = new BlockList();
for (const [net, bits] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 3]] as const) {
  INTERNAL.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [["::", 127], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96]] as const) INTERNAL.addSubnet(net, bits, "ipv6");

/** Whether an IP address is inside the company's own or a cloud provider's network (not a receiver on the internet). */
export function isInternalAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = mapped?.[1] ?? (isIP(ip) === 4 ? ip : null);
  if (v4) return INTERNAL.check(v4, "ipv4");
  return isIP(ip) === 6 ? INTERNAL.check(ip, "ipv6") : true;
}

export function isWebhookEvent(value: string): value is WebhookEventType {
  return Object.hasOwn(WEBHOOK_EVENTS, value);
}

/** An endpoint's URL (http or https, no credentials in it) and events, checked. */
export function validateEndpoint(input: WebhookEndpointInput): { errors: FieldError<WebhookErrorCode>[]; events: WebhookEventType[]; url: string } {
  const errors: FieldError<WebhookErrorCode>[] = [];
  const url = input.url.trim();
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!url) errors.push({ field: "url", code: WebhookErrorCode.REQUIRED, message: "The receiver's URL." });
  else if (!parsed || !/^https?:$/.test(parsed.protocol)) errors.push({ field: "url", code: WebhookErrorCode.INVALID, message: "An http:// or https:// URL." });
  else if (parsed.username || parsed.password) errors.push({ field: "url", code: WebhookErrorCode.INVALID, message: "No credentials in the URL: the signature proves the sender." });
  else if (url.length > 500) errors.push({ field: "url", code: WebhookErrorCode.TOO_LONG, message: "At most 500 characters." });
  const unknown = input.events.filter((e) => !isWebhookEvent(e));
  if (unknown.length) errors.push({ field: "events", code: WebhookErrorCode.UNKNOWN_EVENT, message: `Unknown event: ${unknown.slice(0, 3).join(", ")}.` });
  if (input.events.length === 0) errors.push({ field: "events", code: WebhookErrorCode.REQUIRED, message: "Pick at least one event." });
  if ((input.description ?? "").length > 200) errors.push({ field: "description", code: WebhookErrorCode.TOO_LONG, message: "At most 200 characters." });
  return { errors, events: [...new Set(input.events.filter(isWebhookEvent))], url };
}
