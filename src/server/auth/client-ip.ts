/**
 * The client's address, for the audit log and rate limits. server.ts writes it into
 * x-mlm-client-ip on every request (overwriting whatever a client sent): the socket's
 * address, or the first X-Forwarded-For entry when TRUST_PROXY is set (behind a proxy).
 */
export function clientIp(headers: { get(name: string): string | null }): string | null {
  return headers.get("x-mlm-client-ip") || null;
}
