/**
 * Live fan-out: 10,000 graphql-ws subscribers of `volumeUpdated` on one app process
 * (loopback), each watching their own member, while volume batches of paid orders in
 * their organisations stream in; side by side with a raw `ws` broadcast that serialises
 * each member's message once and writes it to that member's sockets.
 *
 *   npm run bench:live-fanout -- [--subscribers 10000] [--seconds 10] [--orders 5] [--rates 40,400,1000,2000] [--designs gql,raw]
 *
 * The network: `--subscribers` members, a random recursive sponsor tree (embedded PGlite,
 * in memory). A batch is what the volume applier publishes after one commit: the new
 * totals of every member above `--orders` random buyers. Batches are published at each
 * rate of `--rates` (per second) for `--seconds`; the subscribers run in a second process
 * and time each message against its batch's publication (same clock).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    subscribers: { type: "string", default: "10000" },
    seconds: { type: "string", default: "10" },
    orders: { type: "string", default: "5" },
    rates: { type: "string", default: "40,400,1000,2000" },
    role: { type: "string", default: "" },
    url: { type: "string", default: "" },
    design: { type: "string", default: "" },
    designs: { type: "string", default: "gql,raw" },
  },
});
const S = Number(values.subscribers);
const SECONDS = Number(values.seconds);
const ORDERS = Number(values.orders);
const RATES = values.rates.split(",").map(Number);
const now = () => performance.timeOrigin + performance.now();

if (values.role === "clients") await clients();
else await server();

/**
 * The subscribers of one design: one WebSocket each (graphql-ws or raw); receive times per
 * batch. One design at a time: 10,000 sockets on each side fit a process's 20,000 files.
 */
async function clients(): Promise<void> {
  const { WebSocket } = await import("ws");
  const { createClient } = await import("graphql-ws");
  const send = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  let received: number[] = []; // flat pairs: batch, time
  let connected = 0;
  for (let id = 1; id <= S; id++) {
    if (values.design === "gql") {
      const client = createClient({ url: values.url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
      client.on("connected", () => void connected++);
      client.subscribe<{ volumeUpdated: { revision: number } }>(
        { query: `subscription($id: ID) { volumeUpdated(memberId: $id) { memberId gv revision } }`, variables: { id: String(id) } },
        { next: ({ data }) => data && received.push(data.volumeUpdated.revision, now()), error: (e) => console.error("subscription error", e), complete: () => undefined },
      );
    } else {
      const raw = new WebSocket(values.url);
      raw.on("open", () => {
        raw.send(String(id));
        connected++;
      });
      raw.on("message", (data: Buffer) => {
        const m = JSON.parse(data.toString()) as { revision: number };
        received.push(m.revision, now());
      });
    }
    // A few hundred handshakes in flight at most: a burst of thousands overflows the accept queue.
    if (id % 200 === 0) while (connected < id - 200) await new Promise((r) => setTimeout(r, 5));
  }
  while (connected < S) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 2_000)); // subscriptions registered on the server
  send({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "report") {
      send({ received });
      received = [];
    } else if (line === "exit") process.exit(0);
  }
}

async function server(): Promise<void> {
  process.env.PGLITE_DIR = "memory://live-fanout";
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  const { defaultDriver } = await import("@/server/db/driver");
  const { migrate } = await import("@/server/db/migrate");
  const { rng } = await import("../../prisma/seed/network");
  const db = defaultDriver();
  await migrate(db);
  const random = rng(7);
  const sponsor = new Int32Array(S + 1);
  const paths: number[][] = [[], [1]];
  for (let id = 2; id <= S; id++) {
    sponsor[id] = 1 + Math.floor(random() * (id - 1));
    paths[id] = [...paths[sponsor[id]]!, id];
  }
  await db.query(
    `INSERT INTO member (id, email, password_hash, first_name, last_name, country, phone, referral_code, role, sponsor_id, sponsor_path, sponsor_depth,
       placement_parent_id, placement_position, placement_path, placement_depth, joined_at, updated_at)
     SELECT i, 'f' || i || '@fanout.test', 'x', 'Member', i::text, 'US', '+1555' || i, 'F' || i, 'DISTRIBUTOR'::"Role",
       nullif(s, 0), p::int[], cardinality(p::int[]) - 1, nullif(s, 0), NULL, p::int[], cardinality(p::int[]) - 1, now(), now()
     FROM unnest($1::int[], $2::text[]) WITH ORDINALITY AS t(s, p, i)`,
    [[...sponsor.slice(1)], paths.slice(1).map((p) => `{${p.join(",")}}`)],
  );
  await db.query(`INSERT INTO setting (key, value, updated_at) VALUES ('genealogy.placement', '{"type":"UNILEVEL"}'::jsonb, now())`);
  const depth = paths.slice(1).reduce((s, p) => s + p.length, 0) / S;

  const { superAdminViewer } = await import("@/server/domain/shared/viewer");
  const { attachGraphqlWs } = await import("@/server/graphql/ws");
  const { publish } = await import("@/server/events/bus");
  const { Topic } = await import("@/server/events/topics");
  const { WebSocketServer } = await import("ws");
  const gql = new WebSocketServer({ port: 0, perMessageDeflate: false });
  // The app's own graphql-ws set-up (limits, compiled execution, error mapping); every
  // connection is an admin, who may watch any member (sessions are not what this measures).
  await attachGraphqlWs(gql, async () => superAdminViewer(1));
  // The baseline: sockets by member; a batch's message for a member serialised once.
  const raw = new WebSocketServer({ port: 0, perMessageDeflate: false });
  const sockets = new Map<string, Set<import("ws").WebSocket>>();
  raw.on("connection", (ws) => ws.once("message", (m) => {
    const key = m.toString();
    let set = sockets.get(key);
    if (!set) sockets.set(key, (set = new Set()));
    set.add(ws);
  }));
  const port = (w: typeof gql) => (w.address() as { port: number }).port;

  const subscribers = async (design: "gql" | "raw") => {
    const proc = spawn(process.execPath, [...process.execArgv, "bench/live-fanout/run.ts", "--role", "clients", "--subscribers", String(S),
      "--design", design, "--url", `ws://127.0.0.1:${port(design === "gql" ? gql : raw)}`], { stdio: ["pipe", "pipe", "inherit"] });
    const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
    const next = async () => {
      for (;;) {
        const { value, done } = await lines.next();
        if (done) throw new Error("the subscribers' process ended");
        if (value.startsWith("{")) return JSON.parse(value) as { ready?: boolean; received?: number[] };
      }
    };
    await next();
    return { proc, next };
  };
  console.log(`${S.toLocaleString("en-US")} members (sponsor depth ${depth.toFixed(1)} on average), each watched by one subscriber …`);

  /** A batch of `ORDERS` random buyers: the totals of everyone above them. */
  const batch = (seq: number) => {
    const totals: Record<string, { memberId: number; periodId: number; pv: string; bv: string; gv: string; leftLeg: string; rightLeg: string; revision: number; orderId: number }> = {};
    for (let o = 0; o < ORDERS; o++) {
      for (const id of paths[1 + Math.floor(random() * S)]!) {
        totals[id] = { memberId: id, periodId: 1, pv: "10.00", bv: "8.00", gv: `${seq}.00`, leftLeg: "0.00", rightLeg: "0.00", revision: seq, orderId: seq };
      }
    }
    return { periodId: 1, orderIds: [seq], totals };
  };

  interface Row { design: string; rate: number; batches: number; expected: number; received: number; perSecond: number; p50: number; p99: number }
  const rows: Row[] = [];
  let seq = 0;
  const designs = values.designs.split(",").map((d) => (d === "raw" ? "raw ws broadcast" : "graphql-ws (ours)"));
  for (const design of designs) {
    const { proc, next } = await subscribers(design.startsWith("raw") ? "raw" : "gql");
    for (const rate of RATES) {
      const publishedAt = new Map<number, number>();
      let expected = 0;
      const started = now();
      const total = Math.round(rate * SECONDS);
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        else if (i % 20 === 0) await new Promise((r) => setImmediate(r));
        const event = batch(++seq);
        expected += Object.keys(event.totals).length;
        publishedAt.set(seq, now());
        if (design === "raw ws broadcast") {
          for (const key in event.totals) {
            const set = sockets.get(key);
            if (!set) continue;
            const msg = JSON.stringify(event.totals[key]);
            for (const ws of set) ws.send(msg);
          }
        } else publish(Topic.VolumeChanged, event);
      }
      await new Promise((r) => setTimeout(r, 3_000)); // the tail
      proc.stdin!.write("report\n");
      const { received = [] } = await next();
      const lat: number[] = [];
      let last = started;
      for (let j = 0; j < received.length; j += 2) {
        const t = publishedAt.get(received[j]!);
        if (t === undefined) continue;
        lat.push(received[j + 1]! - t);
        last = Math.max(last, received[j + 1]!);
      }
      lat.sort((a, b) => a - b);
      const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
      const row = { design, rate, batches: total, expected, received: lat.length, perSecond: lat.length / ((last - started) / 1000), p50: q(0.5), p99: q(0.99) };
      console.log(`  ${design} at ${rate} batches/s: ${row.received}/${expected} messages, ${row.perSecond.toFixed(0)}/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms`);
      rows.push(row);
    }
    proc.stdin!.write("exit\n");
    await new Promise((r) => proc.once("exit", r));
  }
  console.log(`\n${S.toLocaleString("en-US")} subscribers on one process (loopback, subscribers in a second process); batches of ${ORDERS} orders (the totals of every member above each buyer), ${SECONDS} s per rate`);
  console.log("| design | batches/s | messages due | received | messages/s | vs raw | p50 | p99 |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of [...rows].sort((a, b) => a.rate - b.rate)) {
    const base = rows.find((b) => b.rate === r.rate && b.design.startsWith("raw"));
    console.log(`| ${r.design} | ${r.rate} | ${r.expected} | ${r.received} | ${r.perSecond.toFixed(0)} | ${r.design.startsWith("raw") || !base ? "" : `${Math.round((100 * r.perSecond) / base.perSecond)} %`} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms |`);
  }
  process.exit(0);
}
