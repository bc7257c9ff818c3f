import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import { WebSocketServer } from "ws";
import { seedDemoIfEmpty } from "./prisma/seed/demo";
import { prepare, startJobs } from "./src/server/bootstrap";
import { pgliteDir } from "./src/server/db/driver";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "0.0.0.0";
const dev = process.env.NODE_ENV !== "production";

await prepare(port);
if (process.env.SEED_DEMO !== "0") await seedDemoIfEmpty();
if (process.env.JOBS !== "0") await startJobs();

// One WebSocket server for GraphQL subscriptions; src/instrumentation.ts attaches
// graphql-ws to it from inside Next (the schema must live in Next's module graph).
const wss = new WebSocketServer({ noServer: true });
(globalThis as { __mlmWss?: WebSocketServer }).__mlmWss = wss;

const app = next({ dev, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

/** The caller's address, in a header nobody outside can set (see src/server/auth/client-ip.ts). */
function stampClientIp(req: IncomingMessage): void {
  const forwarded = process.env.TRUST_PROXY ? String(req.headers["x-forwarded-for"] ?? "").split(",")[0]!.trim() : "";
  req.headers["x-mlm-client-ip"] = (forwarded || req.socket.remoteAddress || "").slice(0, 64);
}

const server = createServer((req, res) => {
  stampClientIp(req);
  return handle(req, res);
});
// Next attaches its own "upgrade" listener to the server on the first request (for
// dev hot reload) and would handle, and close, our sockets too. So GraphQL upgrades
// are taken before any listener sees them; every other upgrade goes to Next's.
const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
server.emit = ((event: string, ...args: unknown[]) => {
  const [req, socket, head] = args as [IncomingMessage, Duplex, Buffer];
  if (event === "upgrade" && req.url?.startsWith("/api/graphql")) {
    stampClientIp(req);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    return true;
  }
  return emit(event, ...args);
}) as typeof server.emit;
server.listen(port, hostname, () => {
  console.log(`> ready on http://localhost:${port} (${dev ? "dev" : "production"}, ${process.env.DATABASE_URL ? "PostgreSQL" : `embedded PGlite in ${pgliteDir()}`})`);
});
