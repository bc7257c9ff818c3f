import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { accessService } from "@/server/domain/access/access.service";
import { sessionService } from "@/server/domain/access/session.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { eventBus } from "@/server/events/bus";
import { Topic, type AccessChangedEvent } from "@/server/events/topics";
import { createAdmin, createRoot, viewerOf } from "@/test/factories";
import { attachGraphqlWs } from "./ws";

let admin: Viewer;
let server: Server;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  admin = viewerOf(await createAdmin());
  server = createServer();
  await attachGraphqlWs(new WebSocketServer({ server }));
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
