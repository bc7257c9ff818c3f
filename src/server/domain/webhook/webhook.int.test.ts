import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/unit-of-work";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import { EXAMPLE_PROGRAM } from "@/server/domain/loyalty/program.rules";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { ADDRESS, codesOf, createAdmin, createProduct, createRoot, orderKeyFor, registerUnder, usePlacement, viewerOf } from "@/test/factories";
import { volumeService } from "@/server/domain/volume/volume.service";
import { verifySignature } from "./webhook.rules";
import { webhookService } from "./webhook.service";

interface Received {
  type: string;
  eventId: string;
  delivery: string;
  valid: boolean;
  body: { id: string; type: string; data: Record<string, unknown> };
}

let admin: Viewer;
let port: number;
let receiver: Server | null = null;
/** Each endpoint's signing secret, by the path of its address. */
const secrets = new Map<string, string>();
const received: Received[] = [];

function listen(onPort: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({
          type: String(req.headers["x-mlm-event"]), eventId: String(req.headers["x-mlm-event-id"]), delivery: String(req.headers["x-mlm-delivery"]),
          valid: verifySignature(secrets.get(req.url ?? "") ?? "", body, String(req.headers["x-mlm-signature"]), Math.floor(Date.now() / 1000)), body: JSON.parse(body),
        });
        res.writeHead(204).end();
      });
    });
    server.listen(onPort, "127.0.0.1", () => resolve(server));
  });
}

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  // A port that is free, then closed: the receiver is "down" until it listens again.
  const probe = await listen(0);
  port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  if (receiver) await new Promise((r) => receiver!.close(r));
});

describe("webhooks", () => {
  it("every event of a scenario reaches the receiver exactly once, signed, after an outage", async () => {
    const made = await webhookService.createEndpoint(admin, { url: `http://127.0.0.1:${port}/hooks`, events: ["member.joined", "order.paid", "order.refunded"] });
    secrets.set("/hooks", made.secret);
    expect(made.secret).toMatch(/^whsec_/);

    // The scenario: a sign-up, an order paid, then partly refunded.
    const root = await createRoot();
    const lea = await registerUnder(root, { firstName: "Lea" });
    const product = await createProduct(admin);
    const order = await orderService.place(viewerOf(lea), { lines: [{ productId: product.id, quantity: 2 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await orderService.refund(admin, order.id, [{ lineId: order.lines[0]!.id, quantity: 1 }]);
    const expected = [`member.joined:${lea.id}`, `order.paid:${order.id}`, `order.refunded:${order.id}:1`];

    // The receiver is down: every attempt fails and is scheduled again later.
    const now = Date.now();
    expect(await webhookService.deliverDue(new Date(now))).toBe(3);
    let rows = await webhookService.deliveries(admin, { endpointId: made.endpoint.id }, 50, null);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([["PENDING", 1], ["PENDING", 1], ["PENDING", 1]]);
    expect(rows.every((r) => r.lastError === "ECONNREFUSED" && r.nextAttemptAt.getTime() > now)).toBe(true);
    expect(await webhookService.deliverDue(new Date(now))).toBe(0); // not due yet
    expect(await webhookService.deliverDue(new Date(now + 15_000))).toBe(3); // due, still down
    expect(received).toEqual([]);

    // Back up: the next due attempt delivers each event once.
    receiver = await listen(port);
    expect(await webhookService.deliverDue(new Date(now + 10 * 60_000))).toBe(3);
    expect(await webhookService.deliverDue(new Date(now + 24 * 3600_000))).toBe(0);
    expect(received.map((r) => r.eventId).sort()).toEqual(expected.sort());
    expect(received.every((r) => r.valid)).toBe(true);
    expect(received.every((r) => r.type === r.body.type && r.eventId === r.body.id)).toBe(true);
    expect(received.find((r) => r.type === "order.paid")!.body.data).toMatchObject({ orderId: order.id, memberId: lea.id, currency: "USD" });
    rows = await webhookService.deliveries(admin, { endpointId: made.endpoint.id }, 50, null);
    expect(rows.map((r) => [r.status, r.attempts, r.lastStatus])).toEqual([["DELIVERED", 3, 204], ["DELIVERED", 3, 204], ["DELIVERED", 3, 204]]);

    // A replay sends one again (the receiver drops it by event id if it must).
    await webhookService.replay(admin, rows[0]!.id);
    expect(await webhookService.deliverDue()).toBe(1);
    expect(received.filter((r) => r.eventId === rows[0]!.eventId)).toHaveLength(2);
  });

  it("a rolled-back action sends nothing; a signature fails with another secret or an old timestamp", async () => {
    const before = received.length;
    await expect(orderService.place(viewerOf(await createRoot()), { lines: [{ productId: 999_999, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() })).rejects.toThrow();
    expect(await webhookService.deliverDue(new Date(Date.now() + 3600_000))).toBe(0);
    expect(received.length).toBe(before);
    const { signature } = await import("./webhook.rules");
    const header = signature("s1", "{}", 1_000_000);
    expect(verifySignature("s1", "{}", header, 1_000_100)).toBe(true);
    expect(verifySignature("s2", "{}", header, 1_000_100)).toBe(false);
    expect(verifySignature("s1", "{}", header, 1_000_000 + 301)).toBe(false);
    expect(verifySignature("s1", "{ }", header, 1_000_100)).toBe(false);
  });

  it("volume.changed carries the new totals of the buyer and the upline; points.earned one event per lot earned", async () => {
    await loyaltyService.saveProgram(admin, EXAMPLE_PROGRAM, "Webhook test programme");
    const made = await webhookService.createEndpoint(admin, { url: `http://127.0.0.1:${port}/more`, events: ["volume.changed", "points.earned"] });
    secrets.set("/more", made.secret);
    const root = await createRoot();
    const ben = await registerUnder(root, { firstName: "Ben" });
    const product = await createProduct(admin, { pv: "30.00", bv: "24.00" });
    const order = await orderService.place(viewerOf(ben), { lines: [{ productId: product.id, quantity: 2 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, order.id);
    await loyaltyService.applyPending();
    await volumeService.applyPending();
    await orderService.refund(admin, order.id, [{ lineId: order.lines[0]!.id, quantity: 1 }]);
    await volumeService.applyPending();
    const from = received.length;
    while (await webhookService.deliverDue(new Date(Date.now() + 60_000))) { /* until nothing is due */ }
    const got = received.slice(from);
    expect(got.every((r) => r.valid)).toBe(true);

    const volume = got.filter((r) => r.type === "volume.changed" && r.body.data.orderId === order.id).map((r) => r.body.data);
    expect(volume.map((v) => [v.reason, v.memberId, v.pv, v.bv])).toEqual([["ORDER_PAID", ben.id, "60.00", "48.00"], ["ORDER_REFUNDED", ben.id, "-30.00", "-24.00"]]);
    const totals = (v: Record<string, unknown>) => Object.fromEntries((v.totals as { memberId: number; pv: string; gv: string }[]).map((t) => [t.memberId, [t.pv, t.gv]]));
    expect(totals(volume[0]!)).toEqual({ [ben.id]: ["60.00", "60.00"], [root.id]: ["0.00", "60.00"] });
    expect(totals(volume[1]!)).toEqual({ [ben.id]: ["30.00", "30.00"], [root.id]: ["0.00", "30.00"] });

    // One points.earned per lot Ben got, with its points; none twice.
    const lots = await db().sql<{ key: string; amount: number; rule: string }>`SELECT key, amount, rule FROM points_lot WHERE member_id = ${ben.id} ORDER BY key`;
    expect(lots.length).toBeGreaterThan(0);
    const earned = got.filter((r) => r.type === "points.earned" && r.body.data.memberId === ben.id);
    expect(earned.map((r) => [r.eventId, r.body.data.points, r.body.data.rule]).sort()).toEqual(lots.map((l) => [`points.earned:${l.key}`, l.amount, l.rule]).sort());
    // The welcome bonus is available at once; an order's points wait (pendingDays) for refunds.
    expect(earned.map((r) => `${r.body.data.rule}:${r.body.data.status}`).sort()).toEqual(["SPEND_REWARD:PENDING", "SPEND_STATUS:PENDING", "WELCOME:ACTIVE"]);
    expect(new Set(got.map((r) => r.eventId)).size).toBe(got.length);
    expect((await webhookService.deliveries(admin, { endpointId: made.endpoint.id, status: "PENDING" }, 50, null))).toEqual([]);
  });

  it("in production, never reaches an internal address, by literal address or by a name that resolves to one", async () => {
    // Registered while internal addresses were allowed (development), delivered in production.
    const hooks = await Promise.all([`http://127.0.0.1:${port}/hooks`, `http://localhost:${port}/hooks`].map((url) => webhookService.createEndpoint(admin, { url, events: ["member.joined"] })));
    const before = process.env.WEBHOOK_ALLOW_PRIVATE;
    process.env.WEBHOOK_ALLOW_PRIVATE = "0";
    try {
      const from = received.length;
      const newcomer = await registerUnder(await createRoot(), { firstName: "Nia" });
      await webhookService.deliverDue(new Date(Date.now() + 3600_000), 200);
      for (const h of hooks) {
        const rows = (await webhookService.deliveries(admin, { endpointId: h.endpoint.id }, 50, null)).filter((r) => r.eventId === `member.joined:${newcomer.id}`);
        expect(rows.map((r) => [r.status, r.lastError])).toEqual([["PENDING", "BLOCKED_ADDRESS"]]);
      }
      expect(received.slice(from).filter((r) => r.eventId === `member.joined:${newcomer.id}`)).toEqual([]);
      // A literal internal address is refused when the endpoint is registered (a name is checked at each delivery).
      expect(await codesOf(webhookService.createEndpoint(admin, { url: "http://169.254.169.254/latest", events: ["order.paid"] }))).toEqual(["url:INVALID"]);
    } finally {
      if (before === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE;
      else process.env.WEBHOOK_ALLOW_PRIVATE = before;
    }
  });

  it("refuses bad endpoints with field errors", async () => {
    const err = await webhookService.createEndpoint(admin, { url: "ftp://x", events: ["order.shipped"] }).catch((e) => e);
    expect(err.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort()).toEqual(["events:UNKNOWN_EVENT", "url:INVALID"]);
  });
});
