export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const store = globalThis as unknown as { __mlmWss?: import("ws").WebSocketServer; __mlmWsAttached?: boolean };
  // server.ts creates the WebSocket server; dev mode may run this hook more than once.
  if (!store.__mlmWss || store.__mlmWsAttached) return;
  store.__mlmWsAttached = true;
  const { attachGraphqlWs } = await import("./server/graphql/ws");
  await attachGraphqlWs(store.__mlmWss);
}
