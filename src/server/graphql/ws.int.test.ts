import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { accessService } from "@/server/domain/access/access.service";
import { sessionService } from "@/server/domain/access/session.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { eventBus, publish } from "@/server/events/bus";
import { Topic, type AccessChangedEvent } from "@/server/events/topics";
import { createAdmin, createRoot, viewerOf } from "@/test/factories";
import { attachGraphqlWs } from "./ws";

let admin: Viewer;
let server: Server;
let wss: WebSocketServer;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  admin = viewerOf(await createAdmin());
  server = createServer();
  wss = new WebSocketServer({ server });
  await attachGraphqlWs(wss);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await new Promise((r) => server.close(r));
});

/** The next access change published on the bus. */
function nextAccessChange(): Promise<AccessChangedEvent> {
  const it = eventBus().subscribe(Topic.AccessChanged)[Symbol.asyncIterator]();
  return it.next().then((r) => {
    void it.return?.();
    return r.value as AccessChangedEvent;
  });
}

describe("live connections when access changes", () => {
  it("a revoked API key's subscription is closed at once (4403), another key's stays open", async () => {
    const revoked = await accessService.createApiKey(admin, { name: "Feed A", scopes: ["orders.read"] });
    const kept = await accessService.createApiKey(admin, { name: "Feed B", scopes: ["orders.read"] });
    const connect = (secret: string) => {
      let onClosed: (code: number) => void = () => {};
      const closed = new Promise<number>((resolve) => (onClosed = resolve));
      let onConnected: () => void = () => {};
      const connected = new Promise<void>((resolve) => (onConnected = resolve));
      const client = createClient({
        url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {},
        connectionParams: { authorization: `Bearer ${secret}` },
        on: { connected: () => onConnected(), closed: (e) => onClosed((e as { code: number }).code) },
      });
      clients.push(client);
      client.subscribe({ query: "subscription { orderPlaced { id } }" }, { next: () => {}, error: () => {}, complete: () => {} });
      return { closed, connected };
    };
    const a = connect(revoked.secret);
    const b = connect(kept.secret);
    await Promise.all([a.connected, b.connected]);

    await accessService.revokeApiKey(admin, revoked.key.id);
    expect(await a.closed).toBe(4403);
    const stillOpen = await Promise.race([b.closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 300))]);
    expect(stillOpen).toBe(true);
  });

  it("signing out a device announces its session once the sign-out commits", async () => {
    const m = await createRoot();
    const id = await sessionService.start(m.id, "127.0.0.1", "test");
    const announced = nextAccessChange();
    await sessionService.signOut({ ...viewerOf(m), sessionId: "another" }, id);
    expect(await announced).toEqual({ sessionIds: [id] });
  });
});

describe("subscriptions over the WebSocket (compiled execution)", () => {
  it("hands each subscriber its own member's numbers with its own selection, and refuses what the key may not watch", async () => {
    const key = await accessService.createApiKey(admin, { name: "Volumes", scopes: ["volumes.read"] });
    const other = await accessService.createApiKey(admin, { name: "Orders only", scopes: ["orders.read"] });
    const [a, b] = [await createRoot(), await createRoot()];
    const client = (secret: string) => {
      const c = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {}, connectionParams: { authorization: `Bearer ${secret}` } });
      clients.push(c);
      return c;
    };
    const seen: Record<string, unknown[]> = { a: [], b: [] };
    const errors: unknown[] = [];
    const watch = (c: Client, who: string, id: number, selection: string) =>
      new Promise<void>((ready) => {
        c.subscribe(
          { query: `subscription($id: ID) { volumeUpdated(memberId: $id) { ${selection} } }`, variables: { id: String(id) } },
          { next: (r) => (r.errors ? errors.push(r.errors) : seen[who]!.push(r.data!.volumeUpdated)), error: (e) => errors.push(e), complete: () => {} },
        );
        setTimeout(ready, 300); // subscribed on the server
      });
    const c = client(key.secret);
    await Promise.all([watch(c, "a", a.id, "memberId gv revision"), watch(c, "b", b.id, "pv")]);
    const refused = new Promise<unknown>((resolve) =>
      client(other.secret).subscribe(
        { query: `subscription($id: ID) { volumeUpdated(memberId: $id) { gv } }`, variables: { id: String(a.id) } },
        { next: resolve, error: resolve, complete: () => {} }, // an access error comes as a result with errors
      ),
    );
    const totals = (memberId: number, gv: string, revision: number) => ({ memberId, periodId: 1, pv: "1.00", bv: "1.00", gv, leftLeg: "0", rightLeg: "0", revision, orderId: 7 });
    publish(Topic.VolumeChanged, { periodId: 1, orderIds: [7], totals: { [a.id]: totals(a.id, "12.50", 3) } });
    publish(Topic.VolumeChanged, { periodId: 1, orderIds: [8], totals: { [b.id]: totals(b.id, "4.00", 1), [a.id]: totals(a.id, "13.50", 4) } });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.a).toEqual([{ memberId: String(a.id), gv: "12.50", revision: 3 }, { memberId: String(a.id), gv: "13.50", revision: 4 }]);
    expect(seen.b).toEqual([{ pv: "1.00" }]);
    expect(errors).toEqual([]);
    expect(JSON.stringify(await refused)).toContain("FORBIDDEN");
  });
});

describe("a subscriber too slow to follow", () => {
  it("is closed with 1013 once 16 MiB wait unsent on its socket; a subscriber that keeps up stays open", async () => {
    const key = await accessService.createApiKey(admin, { name: "Slow screen", scopes: ["volumes.read"] });
    const m = await createRoot();
    const query = `subscription($id: ID) { volumeUpdated(memberId: $id) { memberId periodId pv bv gv leftLegVolume rightLegVolume revision orderId } }`;
    // The slow one speaks graphql-ws by hand so that its socket can stop reading.
    const before = new Set(wss.clients);
    const slow = new WebSocket(url, "graphql-transport-ws");
    const closed = new Promise<number>((resolve) => slow.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => slow.on("open", () => resolve()));
    const slowOnServer = [...wss.clients].find((c) => !before.has(c))!;
    const acked = new Promise<void>((resolve) => slow.on("message", (m) => JSON.parse(String(m)).type === "connection_ack" && resolve()));
    slow.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${key.secret}` } }));
    await acked;
    slow.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables: { id: String(m.id) } } }));
    let fastSeen = 0;
    const fast = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {}, connectionParams: { authorization: `Bearer ${key.secret}` } });
    clients.push(fast);
    let fastClosed = false;
    fast.on("closed", () => (fastClosed = true));
    const errors: unknown[] = [];
    fast.subscribe({ query, variables: { id: String(m.id) } }, { next: (r) => (r.errors ? errors.push(r.errors) : fastSeen++), error: (e) => errors.push(e), complete: () => {} });
    await new Promise((r) => setTimeout(r, 300)); // both subscribed on the server
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();

    // About 200 bytes a message, until the server gives up on the slow one (the kernel's
    // buffers take some megabytes first; a million messages would be 200 MB).
    let sent = 0;
    for (let i = 1; i <= 1_000_000 && slowOnServer.readyState === WebSocket.OPEN; i++) {
      publish(Topic.VolumeChanged, { periodId: 1, orderIds: [i], totals: { [m.id]: { memberId: m.id, periodId: 1, pv: "1.00", bv: "1.00", gv: `${i}.00`, leftLeg: "0", rightLeg: "0", revision: i, orderId: i } } });
      sent++;
      if (i % 500 === 0) await new Promise((r) => setImmediate(r)); // the fast one reads meanwhile
    }
    expect(sent).toBeGreaterThan(16 * 1024 * 1024 / 250);
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r("still open after 20 s"), 20_000))])).toBe(1013);
    await new Promise((r) => setTimeout(r, 300));
    expect(errors).toEqual([]);
    expect(fastSeen).toBe(sent);
    expect(fastClosed).toBe(false);
  }, 60_000);
});
