import { randomBytes } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { afterCommit, transaction } from "@/server/db/unit-of-work";
import { auditService } from "@/server/domain/audit/audit.service";
import { notFound, requirePermission } from "@/server/domain/shared/access";
import { InputError } from "@/server/domain/shared/input.errors";
import { pageSize } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { webhookRepository as repo } from "./webhook.repository";
import { WebhookErrorCode } from "./webhook.errors";
import { backoffSeconds, isInternalAddress, MAX_ATTEMPTS, signature, validateEndpoint } from "./webhook.rules";
import {
  WEBHOOK_EVENTS, type ClaimedDelivery, type DeliveryStatus, type WebhookDeliveryRecord, type WebhookEndpointInput, type WebhookEndpointRecord,
  type WebhookEventType,
} from "./webhook.types";

const LEASE_SECONDS = 60;
const TIMEOUT_MS = 10_000;

// The in-process deliverer (started by the job runner) is woken after a commit that
// enqueued deliveries; kept on globalThis, shared by Next's module graph and server.ts.
const store = globalThis as { __mlmWebhookDeliverer?: () => void };
export function setWebhookDeliverer(kick: (() => void) | null): void {
  store.__mlmWebhookDeliverer = kick ?? undefined;
}

/**
 * Whether deliveries may reach internal addresses (loopback, private networks, cloud
 * metadata): off in production unless WEBHOOK_ALLOW_PRIVATE=1, on elsewhere (local
 * receivers in development and tests).
 */
function allowInternal(): boolean {
  return process.env.WEBHOOK_ALLOW_PRIVATE === "1" || (process.env.WEBHOOK_ALLOW_PRIVATE !== "0" && process.env.NODE_ENV !== "production");
}

/** A URL whose host is a literal internal address, where those are off (a literal never goes through the lookup). */
function literalInternal(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) !== 0 && !allowInternal() && isInternalAddress(host);
}

const blocked = (address: string) => Object.assign(new Error(`${address} is an internal address`), { code: "BLOCKED_ADDRESS" });

/**
 * Resolves a receiver's host name and refuses internal addresses at connect time, so a
 * name that resolves to one (or is changed to one after it was checked) is never reached.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "", 4);
    const list = addresses as unknown as LookupAddress[];
    const bad = allowInternal() ? undefined : list.find((a) => isInternalAddress(a.address));
    if (bad || list.length === 0) return callback(blocked(bad?.address ?? hostname), "", 4);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** One POST, outside any transaction (node:http with the guarded lookup); the status, or the error. */
function post(d: ClaimedDelivery, now: Date): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  const body = JSON.stringify({ id: d.eventId, type: d.eventType, createdAt: d.createdAt, data: d.payload });
  const url = new URL(d.url);
  if (literalInternal(url)) return Promise.resolve({ ok: false, status: null, error: "BLOCKED_ADDRESS" });
  return new Promise((resolve) => {
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
      method: "POST",
      lookup: guardedLookup,
      timeout: TIMEOUT_MS,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "user-agent": "mlm-backoffice-webhooks/1",
        "x-mlm-event": d.eventType,
        "x-mlm-event-id": d.eventId,
        "x-mlm-delivery": d.id,
        "x-mlm-signature": signature(d.secret, body, Math.floor(now.getTime() / 1000)),
      },
    }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve({ ok: status >= 200 && status < 300, status, error: status >= 300 ? `HTTP ${status}` : null });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "TIMEOUT" })));
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ ok: false, status: null, error: err.code ?? err.name ?? "network error" }));
    req.end(body);
  });
}

/** The endpoint's rules, and (where internal addresses are off) no literal internal address. */
function checkEndpoint(input: WebhookEndpointInput) {
  const checked = validateEndpoint(input);
  if (checked.errors.length === 0 && literalInternal(new URL(checked.url))) {
    checked.errors.push({ field: "url", code: WebhookErrorCode.INVALID, message: "An internal address: the receiver must be reachable on the internet." });
  }
  return checked;
}

/**
 * Webhooks: admins register receivers for events; each event is written as a delivery
 * row in the transaction that made it happen (an outbox: no event is lost, none is
 * invented by a rollback), then POSTed, signed, by a background deliverer that retries
 * with backoff. A delivery id and event id let receivers drop the rare duplicate (a
 * receiver that answered too late).
 */
export const webhookService = {
  /** Erasure (inside the caller's transaction): no stored delivery names the member any more. */
  forgetMember(memberId: number): Promise<number> {
    return repo.eraseMemberNames(memberId);
  },

  eventTypes(): { type: WebhookEventType; description: string }[] {
    return (Object.keys(WEBHOOK_EVENTS) as WebhookEventType[]).map((type) => ({ type, description: WEBHOOK_EVENTS[type] }));
  },

  /** Records an event for every endpoint that wants it, in the caller's transaction. */
  emit(type: WebhookEventType, eventId: string, payload: Record<string, unknown>): Promise<void> {
    return this.emitMany(type, [{ eventId, payload }]);
  },

  /** Whether an active endpoint wants events of this type (so a costly payload can be skipped). */
  wanted(type: WebhookEventType): Promise<boolean> {
    return repo.wanted(type);
  },

  /** Records many events of one type (a batch of the loyalty applier, a commission commit) in one statement. */
  async emitMany(type: WebhookEventType, events: readonly { eventId: string; payload: Record<string, unknown> }[]): Promise<void> {
    if ((await repo.enqueue(type, events)) > 0) afterCommit(() => store.__mlmWebhookDeliverer?.());
  },

  async endpoints(viewer: Viewer): Promise<WebhookEndpointRecord[]> {
    requirePermission(viewer, "webhooks.manage", "webhooks");
    return repo.endpoints();
  },

  /** A new endpoint; its signing secret is returned this once. */
  async createEndpoint(viewer: Viewer, input: WebhookEndpointInput): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    requirePermission(viewer, "webhooks.manage", "webhooks");
    const { errors, events, url } = checkEndpoint(input);
    if (errors.length) throw new InputError(errors);
    const secret = `whsec_${randomBytes(24).toString("base64url")}`;
    return transaction(async () => {
      const id = await repo.insertEndpoint(url, (input.description ?? "").trim(), secret, events, viewer.id > 0 ? viewer.id : null);
      await auditService.record(viewer, { action: "webhook.create", targetType: "webhook_endpoint", targetId: id, after: { url, events } });
      const { secret: _hidden, ...endpoint } = (await repo.endpoint(id))!;
      return { endpoint, secret };
    });
  },

  async updateEndpoint(viewer: Viewer, id: number, input: WebhookEndpointInput): Promise<WebhookEndpointRecord> {
    requirePermission(viewer, "webhooks.manage", "webhooks");
    const { errors, events, url } = checkEndpoint(input);
    if (errors.length) throw new InputError(errors);
    return transaction(async () => {
      const before = await repo.endpoint(id);
      if (!before) throw notFound("The webhook endpoint");
      const active = input.active ?? before.active;
      await repo.updateEndpoint(id, url, (input.description ?? before.description).trim(), events, active);
      await auditService.record(viewer, { action: "webhook.update", targetType: "webhook_endpoint", targetId: id, before: { url: before.url, events: before.events, active: before.active }, after: { url, events, active } });
      const { secret: _hidden, ...endpoint } = (await repo.endpoint(id))!;
      return endpoint;
    });
  },

  async deleteEndpoint(viewer: Viewer, id: number): Promise<void> {
    requirePermission(viewer, "webhooks.manage", "webhooks");
    await transaction(async () => {
      const before = await repo.endpoint(id);
      if (!before) throw notFound("The webhook endpoint");
      await repo.deleteEndpoint(id);
      await auditService.record(viewer, { action: "webhook.delete", targetType: "webhook_endpoint", targetId: id, before: { url: before.url, events: before.events } });
    });
  },

  async deliveries(viewer: Viewer, filter: { endpointId?: number | null; status?: DeliveryStatus | null }, first: number | null, beforeId: string | null): Promise<WebhookDeliveryRecord[]> {
    requirePermission(viewer, "webhooks.manage", "webhooks");
    return repo.deliveries(filter, pageSize(first, 50, 200), beforeId && /^\d{1,18}$/.test(beforeId) ? beforeId : null);
  },

  /** Sends a delivery again (a failed one, or one the receiver lost). */
  async replay(viewer: Viewer, id: string): Promise<WebhookDeliveryRecord> {
    requirePermission(viewer, "webhooks.manage", "webhooks");
    if (!/^\d{1,18}$/.test(id)) throw notFound("The delivery");
    const row = await transaction(async () => {
      const replayed = await repo.replay(id);
      if (!replayed) throw notFound("The delivery");
      await auditService.record(viewer, { action: "webhook.replay", targetType: "webhook_delivery", targetId: id, after: { eventId: replayed.eventId, eventType: replayed.eventType } });
      afterCommit(() => store.__mlmWebhookDeliverer?.());
      return replayed;
    });
    return row;
  },

  /**
   * Sends up to `limit` due deliveries: claimed in one short transaction, POSTed outside
   * any transaction, each outcome written back. Returns how many were attempted.
   */
  async deliverDue(now = new Date(), limit = 20): Promise<number> {
    const claimed = await transaction(() => repo.claimDue(now, limit, LEASE_SECONDS));
    await Promise.all(claimed.map(async (d) => {
      const result = await post(d, new Date());
      if (result.ok) return repo.markDelivered(d.id, result.status!, new Date());
      const retryAt = d.attempts >= MAX_ATTEMPTS ? null : new Date(now.getTime() + backoffSeconds(d.attempts, Math.random()) * 1000);
      return repo.markFailed(d.id, result.status, result.error ?? "failed", retryAt);
    }));
    return claimed.length;
  },
};
