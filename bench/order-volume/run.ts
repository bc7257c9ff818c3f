/**
 * Month-end order rush: placed-and-paid orders per second with volume propagation on a
 * large network with long uplines, at 4, 16 and 64 concurrent clients and with two app
 * instances on one database, each side by side with
 *   - the raw-SQL floor: the same rows written by plain statements (one connection per
 *     client, no ORM, no checks), with the same applier running;
 *   - the design before the applier: every ancestor's total updated inside the paying
 *     transaction (`in-transaction propagation`).
 * Every instance is its own process running the app's order path and the volume applier
 * as the job runner does; another process serves graphql-ws, where one subscriber watches
 * `volumeUpdated` of a member above every buyer (events between processes go through
 * Redis). After every run the applier catches up and `volume:check` must be clean; the
 * last run kills one of two instances with SIGKILL halfway (its applier possibly mid-batch).
 *
 *   npm run bench:order-volume -- [--members 1000000] [--chain 200] [--seconds 15] [--designs floor,applier,in-transaction]
 *
 * The network: a sponsor chain of `--chain` members from the root, then everyone else
 * recruited uniformly at random below the end of the chain (unilevel placement = sponsor
 * tree), so every buyer's upline is at least `--chain` levels long. Streamed into
 * `mlm_orders_<members>_<chain>` by COPY (sponsors kept in typed arrays, within Node's
 * default heap) and kept for later runs, on BENCH_DATABASE_URL / TEST_DATABASE_URL /
 * DATABASE_URL's server. Redis: REDIS_URL or redis://127.0.0.1:6379.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pg from "pg";
import { startAutovacuum } from "../autovacuum";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    chain: { type: "string", default: "200" },
    seconds: { type: "string", default: "15" },
    rebuild: { type: "boolean", default: false },
    designs: { type: "string", default: "floor,applier,in-transaction" },
    // child processes
    role: { type: "string", default: "" },
    clients: { type: "string", default: "4" },
    sync: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const N = Number(values.members);
const CHAIN = Number(values.chain);
const SECONDS = Number(values.seconds);
const dbName = `mlm_orders_${N}_${CHAIN}`;
const benchUrl = new URL(process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres");
benchUrl.pathname = `/${dbName}`;
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
// Connections per pool as the app is deployed (DB_POOL_SIZE, default 10): clients beyond it
// queue inside the instance, not in PostgreSQL, whose two cores gain nothing from more
// concurrent transactions than they can run.
const POOL = Number(process.env.BENCH_POOL ?? process.env.DB_POOL_SIZE ?? 10);
const PV = 10; // the bench product's PV: every order adds this to the watched member's GV
const now = () => performance.timeOrigin + performance.now(); // comparable across processes

process.env.DATABASE_URL = benchUrl.toString();
process.env.REDIS_URL = redisUrl;

interface ChildReport { orders: number; cpuMs: number; paid: [number, number][] }

if (values.role) await child(values.role, Number(values.clients));
else await orchestrate();

// ---------------------------------------------------------------- child processes

/** One app instance (or the raw floor): warms up, says "ready", runs from "go <stopAt>" to stopAt, reports, applies until "exit". */
async function child(role: string, clients: number): Promise<void> {
  process.env.DB_POOL_SIZE = String(POOL);
  const send = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const { superAdminViewer } = await import("@/server/domain/shared/viewer");
  const { orderService } = await import("@/server/domain/order/order.service");
  const { volumeRepository } = await import("@/server/domain/volume/volume.repository");
  const { volumeService } = await import("@/server/domain/volume/volume.service");
  const { db } = await import("@/server/db/unit-of-work");
  const { startVolumeApplier } = await import("@/server/jobs/runner");
  const buyers = (process.env.BENCH_BUYERS ?? "").split(",").map(Number);
  const productId = Number(process.env.BENCH_PRODUCT);
  const admin = superAdminViewer(1);
  const address = { name: "Bench", line1: "1 Road", city: "Town", postalCode: "1", country: "US" };
  let seq = Math.floor(Math.random() * 1e6);
  const tag = `${role}-${process.pid}`;

  let orderOnce: () => Promise<number>;
  if (role === "floor") {
    const kick = startVolumeApplier();
    orderOnce = await rawFloor(productId, buyers, clients, kick, tag);
  } else {
    if (values.sync) {
      // The design before the applier: the paying transaction moves every total itself.
      const legs = false;
      const append = volumeRepository.append.bind(volumeRepository);
      volumeRepository.append = async (e) => {
        const appended = await append(e);
        if (appended) {
          const taken = await db().sql<{ id: string }>`
            DELETE FROM volume_pending WHERE entry_id = (SELECT id FROM volume_entry WHERE idempotency_key = ${e.idempotencyKey}) RETURNING entry_id::text AS id`;
          await volumeRepository.apply(taken.map((t) => t.id), legs);
        }
        return appended;
      };
    } else startVolumeApplier();
    orderOnce = async () => {
      const i = seq++;
      const buyer = buyers[(i * 7919) % buyers.length]!;
      const order = await orderService.place(admin, { memberId: buyer, lines: [{ productId, quantity: 1 }], currency: "USD", shippingAddress: address, idempotencyKey: `${tag}-${i}` });
      await orderService.markPaid(admin, order.id);
      return order.id;
    };
  }

  const loop = async (until: number, paid: [number, number][] | null) => {
    await Promise.all(Array.from({ length: clients }, async () => {
      while (now() < until) {
        const id = await orderOnce();
        paid?.push([id, now()]);
      }
    }));
  };
  await loop(now() + 3_000, null); // warm-up: JIT, pools, caches
  send({ ready: true });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.startsWith("go ")) {
      const stopAt = Number(line.slice(3));
      const paid: [number, number][] = [];
      const cpu = process.cpuUsage();
      await loop(stopAt, paid);
      const used = process.cpuUsage(cpu);
      send({ orders: paid.length, cpuMs: (used.user + used.system) / 1000, paid } satisfies ChildReport);
    } else if (line === "exit") {
      // The applier of this process may be mid-batch: let the caller see it finish.
      await volumeService.applyPending();
      process.exit(0);
    }
  }
}

/**
 * The raw-SQL floor: the rows one placed-and-paid order writes (order, line, stock
 * reservation; the payment attempt claimed; then attempt settled, order paid, loyalty
 * event, volume entry listed for the applier), as plain statements on one connection per
 * client, in the same three transactions. No ORM, no reads back, no checks.
 */
async function rawFloor(productId: number, buyers: number[], clients: number, kick: () => void, tag: string): Promise<() => Promise<number>> {
  const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: Math.min(clients, POOL) });
  const { volumeService } = await import("@/server/domain/volume/volume.service");
  const period = await volumeService.currentPeriod();
  const [{ warehouse_id: warehouseId }] = (await pool.query(`SELECT warehouse_id FROM stock WHERE product_id = $1`, [productId])).rows;
  let seq = 0;
  return async () => {
    const i = seq++;
    const buyer = buyers[(i * 7919) % buyers.length]!;
    const c = await pool.connect();
    try {
      await c.query("BEGIN");
      const { rows: [{ id }] } = await c.query(
        `INSERT INTO sales_order (member_id, placed_by_id, currency, subtotal, tax, total, pv, bv, shipping_address, ship_country, warehouse_id, idempotency_key, request_hash, updated_at)
         VALUES ($1, 1, 'USD', 10, 0, 10, 10, 8, '{"country":"US"}', 'US', $2, $3, 'x', now()) RETURNING id`,
        [buyer, warehouseId, `${tag}-${i}`],
      );
      await c.query(`INSERT INTO order_line (order_id, product_id, sku, name, quantity, unit_price, unit_pv, unit_bv) VALUES ($1, $2, 'BENCH-1', 'Bench product', 1, 10, 10, 8)`, [id, productId]);
      await c.query(`UPDATE stock SET reserved = reserved + 1 WHERE product_id = $1 AND warehouse_id = $2 AND on_hand - reserved >= 1`, [productId, warehouseId]);
      await c.query("COMMIT");
      await c.query("BEGIN");
      await c.query(`SELECT id FROM sales_order WHERE id = $1 FOR UPDATE`, [id]);
      const { rows: [pay] } = await c.query(
        `INSERT INTO payment (order_id, kind, status, provider, amount, currency, idempotency_key, lease_until) VALUES ($1, 'CHARGE', 'PENDING', 'manual', 10, 'USD', $2, now() + interval '1 minute') RETURNING id`,
        [id, `order:${id}:charge:1`],
      );
      await c.query("COMMIT");
      await c.query("BEGIN");
      await c.query(`SELECT id FROM sales_order WHERE id = $1 FOR UPDATE`, [id]);
      await c.query(`UPDATE payment SET status = 'SUCCEEDED', reference = $2, settled_at = now() WHERE id = $1`, [pay.id, `manual:${id}`]);
      await c.query(`UPDATE sales_order SET status = 'PAID', paid_at = now(), period_id = $2, updated_at = now() WHERE id = $1`, [id, period.id]);
      await c.query(`INSERT INTO loyalty_event (key, member_id, type, payload, occurred_at) VALUES ($1, $2, 'ORDER_PAID', '{}', now())`, [`order:${id}:paid`, buyer]);
      await c.query(
        `WITH e AS (INSERT INTO volume_entry (period_id, member_id, order_id, pv, bv, reason, idempotency_key) VALUES ($1, $2, $3, 10, 8, 'ORDER_PAID', $4) RETURNING id)
         INSERT INTO volume_pending (entry_id) SELECT id FROM e`,
        [period.id, buyer, id, `order:${id}:paid`],
      );
      await c.query("COMMIT");
      kick();
      return id;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  };
}

// ---------------------------------------------------------------- the orchestrator

async function orchestrate(): Promise<void> {
  const { keptDatabase } = await import("../fresh-database");
  await keptDatabase(dbName, values.rebuild);
  process.env.DB_POOL_SIZE = "4";
  const { pgDriver } = await import("@/server/db/driver");
  const { migrate } = await import("@/server/db/migrate");
  const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 2 });
  const db = pgDriver(pool);
  await migrate(db);
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM member");
  if (n !== N) await buildNetwork(pool, n > 0);

  const { superAdminViewer } = await import("@/server/domain/shared/viewer");
  const { catalogRepository } = await import("@/server/domain/catalog/catalog.repository");
  const { catalogService } = await import("@/server/domain/catalog/catalog.service");
  const { volumeService } = await import("@/server/domain/volume/volume.service");
  // Stock enough for any run; one product of 10 PV.
  let [product] = await db.query<{ id: number }>("SELECT id FROM product WHERE sku = 'BENCH-1'");
  if (!product) {
    if ((await catalogService.warehouses()).length === 0) await catalogRepository.createWarehouse({ code: "MAIN", name: "Main", countries: [], isDefault: true });
    const boss = superAdminViewer(1);
    const p = await catalogService.create(boss, { sku: "BENCH-1", name: "Bench product", category: "Bench", pv: String(PV), bv: "8", prices: [{ currency: "USD", amount: "10" }] });
    await catalogService.adjustStock(boss, { productId: p.id, warehouseId: (await catalogService.warehouses())[0]!.id, delta: 1_000_000_000, reason: "bench" });
    product = { id: p.id };
  }
  const buyers = (await db.query<{ id: number }>(`SELECT id FROM member WHERE sponsor_depth >= $1 ORDER BY random() LIMIT 5000`, [CHAIN])).map((r) => r.id);
  const [{ depth }] = await db.query<{ depth: number }>(`SELECT avg(sponsor_depth)::float AS depth FROM member WHERE id = ANY($1)`, [buyers]);
  // The watched member sits in the middle of the chain: an ancestor of every buyer.
  const watched = Math.max(1, Math.floor(CHAIN / 2));

  // This process serves graphql-ws (a web instance: it applies nothing); events arrive through Redis.
  const { getSchema } = await import("@/server/graphql/schema");
  const { createLoaders } = await import("@/server/graphql/loaders");
  const { WebSocketServer, WebSocket } = await import("ws");
  const { useServer } = await import("graphql-ws/use/ws");
  const { createClient } = await import("graphql-ws");
  const schema = await getSchema();
  const wss = new WebSocketServer({ port: 0 });
  useServer({ schema, context: () => ({ viewer: superAdminViewer(1), loaders: createLoaders() }) }, wss);
  const client = createClient({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, webSocketImpl: WebSocket, lazy: false });
  const messages: { gv: number; at: number }[] = [];
  await new Promise<void>((resolve, reject) => {
    client.subscribe<{ volumeUpdated: { gv: string } }>(
      { query: `subscription($id: ID) { volumeUpdated(memberId: $id) { gv revision orderId } }`, variables: { id: String(watched) } },
      { next: ({ data }) => data && messages.push({ gv: Number(data.volumeUpdated.gv), at: now() }), error: reject, complete: () => undefined },
    );
    client.on("connected", () => setTimeout(resolve, 300));
  });

  const env = { ...process.env, BENCH_POOL: String(POOL), BENCH_BUYERS: buyers.join(","), BENCH_PRODUCT: String(product.id) };
  const spawnChild = (role: string, clients: number, sync = false) => {
    const proc = spawn(process.execPath, ["--import", "tsx", "bench/order-volume/run.ts", "--members", String(N), "--chain", String(CHAIN), "--role", role, "--clients", String(clients), ...(sync ? ["--sync"] : [])], { env, stdio: ["pipe", "pipe", "inherit"] });
    const reports: object[] = [];
    const waiters: ((o: object) => void)[] = [];
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      const o = JSON.parse(line) as object;
      const w = waiters.shift();
      if (w) w(o);
      else reports.push(o);
    });
    const next = () => new Promise<object>((resolve, reject) => {
      const r = reports.shift();
      if (r) return resolve(r);
      waiters.push(resolve);
      proc.once("exit", (code, signal) => reject(new Error(`child exited (${code ?? signal})`)));
    });
    return { proc, next };
  };
  const waitForApplier = async () => {
    for (let i = 0; i < 600; i++) {
      if ((await volumeService.lag()).entries === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the applier did not catch up within a minute");
  };
  const gvOf = async () => Number((await db.query<{ gv: string }>(`SELECT coalesce((SELECT gv FROM member_volume WHERE member_id = $1 AND period_id = $2), 0)::text AS gv`, [watched, (await volumeService.currentPeriod()).id]))[0]!.gv);
  const exited = (proc: ChildProcess) => new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r(null) : proc.once("exit", r)));

  // How busy the machine's cores were (all processes, PostgreSQL's too) during a run.
  const cpuTimes = () => {
    const [, ...f] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const t = f.map(Number);
    return { idle: t[3]! + t[4]!, total: t.reduce((a, b) => a + b, 0) };
  };
  interface Row { label: string; design: string; instances: number; clients: number; orders: number; perSecond: number; busy: number; cpuMs: number | null; p50: number | null; p99: number | null; lost: number | null; check: string }
  const rows: Row[] = [];

  async function run(design: "applier" | "in-transaction" | "raw SQL floor", instances: number, clients: number, kill = false): Promise<Row> {
    const role = design === "raw SQL floor" ? "floor" : "instance";
    const children = Array.from({ length: instances }, () => spawnChild(role, clients, design === "in-transaction"));
    for (const c of children) await c.next(); // ready (warmed up)
    await waitForApplier();
    const gv0 = await gvOf();
    const from = messages.length;
    const startAt = now();
    const cpu0 = cpuTimes();
    const stopAt = startAt + SECONDS * 1000;
    for (const c of children) c.proc.stdin!.write(`go ${stopAt}\n`);
    if (kill) setTimeout(() => children[0]!.proc.kill("SIGKILL"), (SECONDS * 1000) / 2);
    const reports = await Promise.all(children.map((c, i) => (kill && i === 0 ? exited(c.proc).then(() => null) : (c.next() as Promise<ChildReport>))));
    const elapsed = (now() - startAt) / 1000;
    const cpu1 = cpuTimes();
    const busy = 1 - (cpu1.idle - cpu0.idle) / Math.max(1, cpu1.total - cpu0.total);
    for (const [i, c] of children.entries()) if (!(kill && i === 0)) c.proc.stdin!.write("exit\n");
    await Promise.all(children.map((c) => exited(c.proc)));
    await volumeService.applyPending(); // what a killed instance left listed
    await waitForApplier();
    await new Promise((r) => setTimeout(r, 500)); // the last events
    const mismatches = await volumeService.check(5);
    const gv1 = await gvOf();
    const total = Math.round((gv1 - gv0) / PV); // every order paid in the window (a killed instance's too)
    const survivors = reports.filter((r): r is ChildReport => r !== null);
    const reported = survivors.reduce((s, r) => s + r.orders, 0);
    const cpu = survivors.reduce((s, r) => s + r.cpuMs, 0);
    let p50: number | null = null;
    let p99: number | null = null;
    let lost: number | null = null;
    if (design === "applier") {
      // Orders in the order the applier takes them (entry id); the k-th is on screen with the
      // first message whose GV counts k orders.
      const paidAt = new Map(survivors.flatMap((r) => r.paid));
      const order = await db.query<{ order_id: number }>(
        `SELECT order_id FROM volume_entry WHERE reason = 'ORDER_PAID' AND order_id IS NOT NULL AND id > (SELECT coalesce(max(id), 0) FROM volume_entry WHERE created_at < $1) ORDER BY id`,
        [new Date(startAt - 1)],
      );
      const seen = messages.slice(from).map((m) => ({ count: Math.round((m.gv - gv0) / PV), at: m.at }));
      const lat: number[] = [];
      let j = 0;
      lost = 0;
      for (const [k, { order_id }] of order.entries()) {
        while (j < seen.length && seen[j]!.count < k + 1) j++;
        const t = paidAt.get(order_id);
        if (j >= seen.length) lost++;
        else if (t !== undefined) lat.push(Math.max(0, seen[j]!.at - t));
      }
      lat.sort((a, b) => a - b);
      const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
      [p50, p99] = [q(0.5), q(0.99)];
    }
    const row: Row = {
      label: `${design}${kill ? ", one instance killed (SIGKILL) halfway" : ""}`, design, instances, clients,
      orders: kill ? total : reported, perSecond: (kill ? total : reported) / elapsed, busy, cpuMs: kill ? null : cpu / Math.max(1, reported),
      p50, p99, lost, check: mismatches.length === 0 ? "clean" : `${mismatches.length}+ mismatches`,
    };
    console.log(`  ${row.label}, ${instances} × ${clients} clients: ${row.orders} orders, ${row.perSecond.toFixed(1)}/s, check ${row.check}`);
    rows.push(row);
    return row;
  }

  // Autovacuum's work alongside every run (bench/autovacuum.ts): the applier rewrites the
  // ancestors' totals a few dozen times a second, and without it each run would wade
  // through the dead rows of the runs before it.
  const autovacuum = await startAutovacuum(pgDriver(new pg.Pool({ connectionString: benchUrl.toString(), max: 1 })));
  console.log(`${N.toLocaleString("en-US")} members, buyers' upline depth ${depth.toFixed(0)} on average (≥ ${CHAIN}); ${SECONDS} s per run${autovacuum.active ? "; autovacuum is off on this server: the bench vacuums and analyzes alongside, as autovacuum would" : ""}`);
  const designs = new Set(values.designs.split(","));
  for (const clients of [4, 16, 64]) {
    if (designs.has("floor")) await run("raw SQL floor", 1, clients);
    if (designs.has("applier")) await run("applier", 1, clients);
    if (designs.has("in-transaction")) await run("in-transaction", 1, clients);
  }
  if (designs.has("applier")) await run("applier", 2, 16);
  if (designs.has("in-transaction")) await run("in-transaction", 2, 16);
  if (designs.has("applier")) await run("applier", 2, 16, true);

  const fmt = (x: number | null, unit = "") => (x === null || Number.isNaN(x) ? "–" : `${x.toFixed(1)}${unit}`);
  console.log(`\n${N.toLocaleString("en-US")} members, buyers' upline depth ${depth.toFixed(0)} on average; ${SECONDS} s per run; app instances are processes; events via Redis to one graphql-ws subscriber of member ${watched}`);
  console.log("| design | instances × clients | orders | orders/s | vs raw floor | cores busy | app CPU per order | volumeUpdated p50 | p99 | orders never shown | volume:check |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const r of rows) {
    const floor = rows.find((f) => f.design === "raw SQL floor" && f.clients === r.clients && f.instances === 1);
    const ratio = floor && r.design !== "raw SQL floor" && r.instances === 1 ? `${Math.round((100 * r.perSecond) / floor.perSecond)} %` : "";
    console.log(`| ${r.label} | ${r.instances} × ${r.clients} | ${r.orders} | ${r.perSecond.toFixed(1)} | ${ratio} | ${Math.round(100 * r.busy)} % | ${fmt(r.cpuMs, " ms")} | ${fmt(r.p50, " ms")} | ${fmt(r.p99, " ms")} | ${r.lost ?? "–"} | ${r.check} |`);
  }
  await autovacuum.stop();
  await client.dispose();
  wss.close();
  process.exit(0);
}

/**
 * Streams the network into `member` by COPY: sponsors in an Int32Array, each member's path
 * walked up from it as its line is written, so memory stays flat at any size. The tree
 * indexes are dropped during the load and built once after it.
 */
async function buildNetwork(pool: pg.Pool, truncate: boolean): Promise<void> {
  const { rng } = await import("../../prisma/seed/network");
  const { hashPassword } = await import("@/server/auth/password");
  const { from: copyFrom } = await import("pg-copy-streams");
  const { pipeline } = await import("node:stream/promises");
  const { Readable } = await import("node:stream");
  if (truncate) await pool.query("TRUNCATE profile_change, member RESTART IDENTITY CASCADE");
  console.log(`building ${N.toLocaleString("en-US")} members with a ${CHAIN}-level chain in ${dbName} …`);
  const t = Date.now();
  const random = rng(99);
  const sponsor = new Int32Array(N + 1);
  const children = new Int32Array(N + 1);
  for (let id = 2; id <= N; id++) sponsor[id] = id <= CHAIN ? id - 1 : CHAIN + Math.floor(random() * (id - CHAIN));
  const hash = await hashPassword("orders-bench-1");
  const joined = new Date(Date.now() - 365 * 86400_000).toISOString();
  function* lines(): Generator<string> {
    const up: number[] = [];
    for (let id = 1; id <= N; id++) {
      up.length = 0;
      for (let a = id; a !== 0; a = sponsor[a]!) up.push(a);
      const path = `{${up.reverse().join(",")}}`;
      const s = sponsor[id] || null;
      const position = s === null ? "\\N" : String(children[s]!++);
      const depth = up.length - 1;
      yield `${id}\to${id}@orders.test\t${hash}\tMember\t${id}\tUS\t+1555${id}\tO${id}\t${id === 1 ? "ADMIN" : "DISTRIBUTOR"}\t${s ?? "\\N"}\t${path}\t${depth}\t${s ?? "\\N"}\t${position}\t${path}\t${depth}\tf\t${joined}\t${joined}\n`;
    }
  }
  const heavy = (await pool.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'member' AND (indexdef LIKE '%sponsor_path%' OR indexdef LIKE '%placement_path%')`,
  )).rows;
  for (const i of heavy) await pool.query(`DROP INDEX "${i.indexname}"`);
  const c = await pool.connect();
  try {
    await pipeline(Readable.from(lines()), c.query(copyFrom(
      `COPY member (id, email, password_hash, first_name, last_name, country, phone, referral_code, role, sponsor_id, sponsor_path, sponsor_depth,
        placement_parent_id, placement_position, placement_path, placement_depth, placement_full, joined_at, updated_at) FROM STDIN`,
    )));
  } finally {
    c.release();
  }
  console.log(`  copied in ${Date.now() - t} ms`);
  for (const i of heavy) await pool.query(i.indexdef);
  await pool.query(`SELECT setval('member_id_seq', $1::int)::int AS n`, [N]);
  await pool.query(`INSERT INTO setting (key, value, updated_at) VALUES ('genealogy.placement', '{"type":"UNILEVEL"}'::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
  await pool.query("VACUUM ANALYZE member");
  console.log(`  indexed and analysed: ${Date.now() - t} ms in all`);
}
