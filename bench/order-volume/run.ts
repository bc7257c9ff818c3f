/**
 * Orders per second with volume propagation and event publication on a large network
 * with long upline paths, against a naive baseline (one UPDATE per ancestor) in the same
 * run, plus the latency from markOrderPaid returning to a graphql-ws client receiving
 * `volumeUpdated` over a real WebSocket.
 *
 *   npm run bench:order-volume -- [--members 1000000] [--chain 200] [--seconds 20] [--workers 8] [--redis]
 *
 * The network: a sponsor chain of `--chain` members from the root, then everyone else
 * recruited uniformly at random below the end of the chain, so every buyer's upline is at
 * least `--chain` levels long. Built once in `mlm_orders_<members>_<chain>` (kept for later runs)
 * on BENCH_DATABASE_URL / TEST_DATABASE_URL / DATABASE_URL's server.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { superAdminViewer } from "@/server/domain/shared/viewer";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    chain: { type: "string", default: "200" },
    seconds: { type: "string", default: "20" },
    workers: { type: "string", default: "8" },
    redis: { type: "boolean", default: false },
    rebuild: { type: "boolean", default: false },
  },
});
const N = Number(values.members);
const CHAIN = Number(values.chain);
const SECONDS = Number(values.seconds);
const WORKERS = Number(values.workers);
const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `mlm_orders_${N}_${CHAIN}`;
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${dbName}`;

{
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName])).rowCount === 1;
  if (exists && values.rebuild) await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
  if (!exists || values.rebuild) await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
}
process.env.DATABASE_URL = benchUrl.toString();
process.env.DB_POOL_SIZE = String(WORKERS + 2);
if (values.redis) process.env.REDIS_URL ??= "redis://127.0.0.1:6379";
else delete process.env.REDIS_URL;

const { pgDriver } = await import("../../src/server/db/driver");
const { migrate } = await import("../../src/server/db/migrate");
const { generateNetwork, insertMembers } = await import("../../prisma/seed/network");
const { hashPassword } = await import("../../src/server/auth/password");

const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 2 });
const db = pgDriver(pool);
await migrate(db);
const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM member");
if (n !== N) {
  if (n > 0) await db.exec("TRUNCATE profile_change, member RESTART IDENTITY CASCADE");
  console.log(`building ${N} members with a ${CHAIN}-level chain in ${dbName} …`);
  const now = new Date();
  let t = Date.now();
  const network = await generateNetwork({
    members: N, seed: 99, placement: { type: "UNILEVEL" }, since: new Date(now.getTime() - 365 * 86400_000), until: now,
    pickSponsor: (id, random) => (id <= CHAIN ? id - 1 : CHAIN + Math.floor(random() * (id - CHAIN))),
    emailOf: (i) => `o${i}@orders.test`,
  });
  console.log(`  generated in ${Date.now() - t} ms`);
  t = Date.now();
  await insertMembers(db, network, await hashPassword("orders-bench-1"), 5_000);
  await db.query(`INSERT INTO setting (key, value, updated_at) VALUES ('genealogy.placement', '{"type":"UNILEVEL"}'::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
  console.log(`  inserted in ${Date.now() - t} ms`);
  await db.exec("VACUUM ANALYZE member");
}

const { catalogRepository } = await import("../../src/server/domain/catalog/catalog.repository");
const { catalogService } = await import("../../src/server/domain/catalog/catalog.service");
const { orderService } = await import("../../src/server/domain/order/order.service");
const { volumeService, setVolumeApplier } = await import("../../src/server/domain/volume/volume.service");
// The applier as the job runner runs it: woken after each commit that appended volume.
let applying: Promise<unknown> | null = null;
let again = false;
setVolumeApplier(() => {
  if (applying) return void (again = true);
  applying = (async () => {
    do { again = false; await volumeService.applyPending(); } while (again);
  })().finally(() => (applying = null));
});
const { getSchema } = await import("../../src/server/graphql/schema");
const { createLoaders } = await import("../../src/server/graphql/loaders");
const { WebSocketServer, WebSocket } = await import("ws");
const { useServer } = await import("graphql-ws/use/ws");
const { createClient } = await import("graphql-ws");

const admin = superAdminViewer(1);
// Stock enough for any run; one product of 10 PV.
let [product] = await db.query<{ id: number }>("SELECT id FROM product WHERE sku = 'BENCH-1'");
if (!product) {
  if ((await catalogService.warehouses()).length === 0) await catalogRepository.createWarehouse({ code: "MAIN", name: "Main", countries: [], isDefault: true });
  const [{ id: adminId }] = await db.query<{ id: number }>("SELECT id FROM member ORDER BY id LIMIT 1");
  const p = await catalogService.create(superAdminViewer(adminId), { sku: "BENCH-1", name: "Bench product", category: "Bench", pv: "10", bv: "8", prices: [{ currency: "USD", amount: "10" }] });
  await catalogService.adjustStock(superAdminViewer(adminId), { productId: p.id, warehouseId: (await catalogService.warehouses())[0]!.id, delta: 1_000_000_000, reason: "bench" });
  product = { id: p.id };
}
const buyers = (await db.query<{ id: number }>(`SELECT id FROM member WHERE sponsor_depth >= $1 ORDER BY random() LIMIT 5000`, [CHAIN])).map((r) => r.id);
const [{ depth }] = await db.query<{ depth: number }>(`SELECT avg(sponsor_depth)::float AS depth FROM member WHERE id = ANY($1)`, [buyers]);
// The watched member sits in the middle of the chain: an ancestor of every buyer.
const watched = Math.floor(CHAIN / 2);

// A real graphql-ws server and client over loopback, as the dashboards use it.
const schema = await getSchema();
const wss = new WebSocketServer({ port: 0 });
useServer({ schema, context: () => ({ viewer: admin, loaders: createLoaders() }) }, wss);
const port = (wss.address() as { port: number }).port;
const client = createClient({ url: `ws://127.0.0.1:${port}`, webSocketImpl: WebSocket, lazy: false });
const received = new Map<string, number>();
let events = 0;
await new Promise<void>((resolve, reject) => {
  client.subscribe<{ volumeUpdated: { orderId: string } }>(
    { query: `subscription($id: ID) { volumeUpdated(memberId: $id) { orderId gv revision } }`, variables: { id: String(watched) } },
    { next: ({ data }) => { events++; if (data) received.set(data.volumeUpdated.orderId, performance.now()); }, error: reject, complete: () => undefined },
  );
  client.on("connected", () => setTimeout(resolve, 200));
});

const address = { name: "Bench", line1: "1 Road", city: "Town", postalCode: "1", country: "US" };
let seq = 0;

async function run(label: string, seconds: number): Promise<{ label: string; orders: number; perSecond: number; p50: number; p99: number; missing: number; cpuMs: number }> {
  const paidAt = new Map<string, number>();
  const cpu = process.cpuUsage();
  const stopAt = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (performance.now() < stopAt) {
      const buyer = buyers[(seq++ * 7919) % buyers.length]!;
      const order = await orderService.place(admin, { memberId: buyer, lines: [{ productId: product!.id, quantity: 1 }], currency: "USD", shippingAddress: address, idempotencyKey: `bench-${label}-${Date.now()}-${seq}` });
      await orderService.markPaid(admin, order.id);
      paidAt.set(String(order.id), performance.now());
      done++;
    }
  }));
  const elapsed = seconds + (performance.now() - stopAt) / 1000;
  const used = process.cpuUsage(cpu);
  await new Promise((r) => setTimeout(r, 1500)); // let the last events arrive
  const lat = [...paidAt].map(([id, t]) => (received.get(id) ?? NaN) - t).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  return { label, orders: done, perSecond: done / elapsed, p50: q(0.5), p99: q(0.99), missing: paidAt.size - lat.length, cpuMs: (used.user + used.system) / 1000 / done };
}

const warm = await run("warm-up", 3);
void warm;
const results = [];
results.push(await run("applier (ours)", SECONDS));
await volumeService.applyPending();

const mismatches = await volumeService.check(5);
console.log(`\n${N.toLocaleString("en-US")} members, buyers' upline depth ${depth.toFixed(0)} on average (≥ ${CHAIN}); ${WORKERS} concurrent clients, ${SECONDS} s each; events via ${values.redis ? "Redis" : "in-process bus"}; one graphql-ws subscriber watching member ${watched}`);
console.log("| propagation | orders | orders/s | volumeUpdated p50 | p99 | events missing | app CPU per order |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const r of results) console.log(`| ${r.label} | ${r.orders} | ${r.perSecond.toFixed(1)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.missing} | ${r.cpuMs.toFixed(1)} ms |`);
console.log(`ledger check: ${mismatches.length === 0 ? "totals agree" : `${mismatches.length}+ mismatches`}; ${events} events received`);
await client.dispose();
wss.close();
process.exit(0);
