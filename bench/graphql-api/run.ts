/**
 * The GraphQL API under load: the distributor dashboard query and a downline page over
 * HTTP, many concurrent signed-in clients, each design in its own server process:
 *
 * - naive: the same schema (schema.graphql) with resolvers that each fetch their own
 *   field through the domain services, no DataLoader (a sponsor per downline row, a
 *   query and an access check per dashboard part), executed by GraphQL's own execution;
 * - ours: the app's Apollo server (schema, context, limits, compiled execution) as
 *   /api/graphql runs it;
 * - ceiling: a hand-written HTTP handler that answers the same two documents with the
 *   same reads (raw pg underneath) and JSON.stringify, no GraphQL at all.
 *
 *   npm run bench:graphql-api -- [--members 100000] [--clients 4,16,64] [--seconds 8] [--designs naive,ours,ceiling] [--rebuild]
 *
 * Uses BENCH_DATABASE_URL (or TEST_DATABASE_URL / DATABASE_URL) as the server to create the
 * database `mlm_api_<members>` in (built once, kept). Every design's answer to the same
 * client is checked to be the same JSON. SQL statements per request are counted in each
 * server process (every statement any connection sends).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pg from "pg";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "100000" },
    clients: { type: "string", default: "4,16,64" },
    seconds: { type: "string", default: "8" },
    rebuild: { type: "boolean", default: false },
    role: { type: "string", default: "" },
    design: { type: "string", default: "" },
    doc: { type: "string", default: "" },
    port: { type: "string", default: "0" },
    designs: { type: "string", default: "naive,ours,ceiling" },
  },
});
const N = Number(values.members);
const SECONDS = Number(values.seconds);
const CLIENTS = values.clients.split(",").map(Number);
const DESIGNS = ["naive", "ours", "ceiling"] as const;
type Design = (typeof DESIGNS)[number];
const IDENTITIES = path.join(tmpdir(), `mlm-graphql-api-${N}.json`);
process.env.NEXTAUTH_SECRET = "bench-graphql-api";
process.env.NEXTAUTH_URL = "http://localhost";

const DOCS = {
  dashboard: `query Dashboard {
  dashboard {
    member { id firstName lastName referralCode }
    period { id startsAt endsAt }
    volume { pv gv leftLegVolume rightLegVolume revision }
    lastPeriodSoFar { pv gv leftLegVolume rightLegVolume }
    team { teamSize directs newThisWeek }
    topLegs { memberId firstName lastName gv }
    recentOrders { id status total currency pv placedAt }
  }
}`,
  downline: `query Downline {
  downline(first: 50) {
    totalCount
    edges { node { id firstName lastName country joinedAt sponsor { id firstName lastName } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
} as const;
type Doc = keyof typeof DOCS;


/** Builds (or reuses) the database, then runs every design against both documents. */
async function main(): Promise<void> {
  const { keptDatabase } = await import("../fresh-database");
  const kept = await keptDatabase(`mlm_api_${N}`, values.rebuild);
  process.env.DATABASE_URL = kept.url;
  delete process.env.REDIS_URL;
  await prepare(kept.url);

  const rows: { doc: Doc; clients: number; rps: Record<Design, number>; p99: Record<Design, number>; trips: Record<Design, number> }[] = [];
  // Every design's server runs from the start (an idle one costs nothing), and each cell
  // runs the designs one after the other, so that they are compared at the same moment of
  // the run rather than minutes apart.
  const designs = values.designs.split(",").filter((d): d is Design => (DESIGNS as readonly string[]).includes(d));
  const servers = new Map<Design, Awaited<ReturnType<typeof startServer>>>();
  for (const design of designs) servers.set(design, await startServer(design, 4310 + DESIGNS.indexOf(design)));
  for (const doc of Object.keys(DOCS) as Doc[]) {
    for (const design of designs) await checkSame(doc, design, servers.get(design)!.port);
  }
  for (const doc of Object.keys(DOCS) as Doc[]) {
    for (const clients of CLIENTS) {
      for (const design of designs) {
        const srv = servers.get(design)!;
        await srv.ask("reset");
        const r = (await runLoad(doc, srv.port, clients)) as { requests: number; errors: number; seconds: number; p50: number; p99: number };
        const s = (await srv.ask("stats")) as { statements: number; requests: number };
        if (r.errors > 0) throw new Error(`${design} answered ${r.errors} ${doc} requests with errors`);
        let row = rows.find((x) => x.doc === doc && x.clients === clients);
        if (!row) rows.push((row = { doc, clients, rps: {} as never, p99: {} as never, trips: {} as never }));
        row.rps[design] = r.requests / r.seconds;
        row.p99[design] = r.p99;
        row.trips[design] = s.statements / s.requests;
        console.log(`  ${design} ${doc} ×${clients}: ${row.rps[design].toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${row.trips[design].toFixed(2)} statements/request`);
      }
    }
  }
  // Closing stdin ends a server (and lets --cpu-prof write its profile).
  await Promise.all([...servers.values()].map((srv) => new Promise((r) => { srv.proc.once("exit", r); srv.proc.stdin!.end(); })));

  console.log(`\nGraphQL API on ${N.toLocaleString("en-US")} members, PostgreSQL, ${SECONDS} s per cell (requests/s; p99 ms; SQL statements per request):\n`);
  console.log("| query | clients | naive | ours | ceiling | ours ÷ naive | ours ÷ ceiling | p99 naive / ours / ceiling | statements naive / ours / ceiling |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const n = (x: number | undefined, digits = 0) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits));
  for (const r of rows) {
    console.log(
      `| ${r.doc} | ${r.clients} | ${n(r.rps.naive)} | ${n(r.rps.ours)} | ${n(r.rps.ceiling)} | ${n(r.rps.ours / r.rps.naive, 1)}${r.rps.naive && r.rps.ours ? "×" : ""} | ${n((100 * r.rps.ours) / r.rps.ceiling)}${r.rps.ceiling && r.rps.ours ? " %" : ""} | ${n(r.p99.naive)} / ${n(r.p99.ours)} / ${n(r.p99.ceiling)} | ${n(r.trips.naive, 1)} / ${n(r.trips.ours, 1)} / ${n(r.trips.ceiling, 1)} |`,
    );
  }
  process.exit(0);
}

/**
 * The network (seedLarge: a random recursive sponsor tree), two paid orders for every
 * third member (one last period, one this period) with their volume entries and totals,
 * and a live session for 1,000 random members (the dashboard's clients) and for up to
 * 1,000 leaders with a team of 50 to 5,000 (the downline's clients: a full first page).
 */
async function prepare(url: string): Promise<void> {
  const { pgDriver } = await import("../../src/server/db/driver");
  const { migrate } = await import("../../src/server/db/migrate");
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const db = pgDriver(pool);
  await migrate(db);
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM member");
  const [{ orders }] = await db.query<{ orders: number }>("SELECT count(*)::int AS orders FROM sales_order");
  if (n !== N || orders === 0) {
    const { seedLarge } = await import("../../prisma/seed-large");
    const { volumeService } = await import("../../src/server/domain/volume/volume.service");
    if (n > 0) await db.exec("TRUNCATE profile_change, member, sales_order, volume_entry, member_volume RESTART IDENTITY CASCADE");
    console.log(`building a network of ${N.toLocaleString("en-US")} members with orders …`);
    await seedLarge(db, N, (m) => console.log(`  ${m}`));
    const current = await volumeService.currentPeriod();
    const previous = await volumeService.periodAt(new Date(current.startsAt.getTime() - 1));
    await db.exec(`INSERT INTO warehouse (code, name, is_default) VALUES ('BENCH', 'Bench', true) ON CONFLICT DO NOTHING`);
    // Two paid orders per third member: at a random moment of the last period and of this one so far.
    for (const [period, k] of [[previous, 0], [current, 1]] as const) {
      const span = `(LEAST(now(), '${period.endsAt.toISOString()}'::timestamptz) - '${period.startsAt.toISOString()}'::timestamptz)`;
      await db.exec(`
        INSERT INTO sales_order (member_id, placed_by_id, status, currency, subtotal, tax, total, pv, bv, shipping_address, ship_country,
          warehouse_id, idempotency_key, request_hash, period_id, placed_at, paid_at, updated_at)
        SELECT m.id, m.id, 'PAID', 'USD', t.amount, 0, t.amount, t.amount / 2, t.amount / 2, '{}'::jsonb, m.country,
          (SELECT id FROM warehouse WHERE code = 'BENCH'), 'bench-${k}-' || m.id, '', ${period.id}, t.at, t.at, t.at
        FROM member m
        CROSS JOIN LATERAL (SELECT round((20 + random() * 180)::numeric, 2) + 0 * m.id AS amount,
          '${period.startsAt.toISOString()}'::timestamptz + random() * ${span} + 0 * m.id * interval '1 s' AS at) t
        WHERE m.id % 3 = 0`);
    }
    await db.exec(`
      INSERT INTO volume_entry (period_id, member_id, order_id, pv, bv, reason, idempotency_key, created_at)
      SELECT o.period_id, o.member_id, o.id, o.pv, o.bv, 'ORDER_PAID', 'order:' || o.id || ':paid', o.paid_at FROM sales_order o`);
    console.log(`  ${(await db.query<{ c: number }>("SELECT count(*)::int AS c FROM sales_order"))[0]!.c.toLocaleString("en-US")} orders; folding volume into totals …`);
    process.env.DB_POOL_SIZE = "2";
    await volumeService.rebuild();
    await db.exec("VACUUM ANALYZE");
  }
  // Sessions, made afresh each run (a session not used for 30 days ends).
  await db.exec("DELETE FROM auth_session WHERE id LIKE 'bench-%'");
  const random = await db.query<{ id: number }>("SELECT id FROM member ORDER BY md5(id::text) LIMIT 1000");
  // Leaders whose team fills a page: 50 to 5,000 members below them.
  const leaders = await db.query<{ id: number }>(
    `SELECT a AS id FROM member m CROSS JOIN LATERAL unnest(m.sponsor_path) AS a
     GROUP BY a HAVING count(*) - 1 BETWEEN 50 AND 5000 ORDER BY md5(a::text) LIMIT 1000`,
  );
  const { encode } = await import("next-auth/jwt");
  const identities: Record<Doc, string[]> = { dashboard: [], downline: [] };
  for (const [doc, list] of [["dashboard", random], ["downline", leaders]] as const) {
    for (const { id } of list) {
      const sid = `bench-${doc}-${id}`;
      await db.query("INSERT INTO auth_session (id, member_id, created_at, last_seen_at) VALUES ($1, $2, now(), now())", [sid, id]);
      const token = await encode({ token: { sub: String(id), sid }, secret: process.env.NEXTAUTH_SECRET! });
      identities[doc].push(`next-auth.session-token=${encodeURIComponent(token)}`);
    }
  }
  writeFileSync(IDENTITIES, JSON.stringify(identities));
  // Each run deletes and inserts the sessions: without autovacuum (this machine) their
  // look-ups would wade through every earlier run's dead rows.
  await db.exec("VACUUM ANALYZE auth_session");
  await pool.end();
}

/** A server process of one design; `ask` sends a line and waits for its JSON answer. */
async function startServer(design: Design, port: number) {
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when the bench ends.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc: ChildProcess = spawn(process.execPath, [...profile, "--import", "tsx", "bench/graphql-api/run.ts", "--members", String(N), "--role", "server", "--design", design, "--port", String(port)], {
    env: { ...process.env, NODE_ENV: "production", DB_POOL_SIZE: "10" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  process.on("exit", () => proc.kill()); // no server left behind when a check fails
  const waiters: ((o: object) => void)[] = [];
  createInterface({ input: proc.stdout! }).on("line", (line) => {
    if (line.startsWith("{")) waiters.shift()?.(JSON.parse(line) as object);
  });
  const next = () => new Promise<object>((resolve) => waiters.push(resolve));
  await next(); // ready
  return { proc, port, ask: (line: string) => { const answer = next(); proc.stdin!.write(`${line}\n`); return answer; } };
}

async function runLoad(doc: Doc, port: number, clients: number): Promise<object> {
  const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", "bench/graphql-api/run.ts", "--members", String(N), "--role", "load", "--doc", doc, "--port", String(port), "--clients", String(clients), "--seconds", String(SECONDS)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => proc.on("exit", resolve));
  return JSON.parse(out.trim().split("\n").at(-1)!) as object;
}

const answers = new Map<string, string>();
/** Each design must answer the same client with the same JSON (the first design's answer is the reference). */
async function checkSame(doc: Doc, design: Design, port: number): Promise<void> {
  const identities = JSON.parse(readFileSync(IDENTITIES, "utf8")) as Record<Doc, string[]>;
  for (const cookie of identities[doc].slice(0, 5)) {
    const body = JSON.stringify(JSON.parse(await post(port, doc, cookie))); // the same JSON, whatever the spacing
    const key = `${doc}:${cookie}`;
    if (JSON.parse(body).errors) throw new Error(`${design} ${doc}: ${body.slice(0, 400)}`);
    const seen = answers.get(key);
    if (seen === undefined) answers.set(key, body);
    else if (seen !== body) throw new Error(`${design} answers ${doc} differently:\n${seen.slice(0, 600)}\n${body.slice(0, 600)}`);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function post(port: number, doc: Doc, cookie: string): Promise<string> {
  const payload = JSON.stringify({ operationName: doc === "dashboard" ? "Dashboard" : "Downline", query: DOCS[doc] });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/", method: "POST", agent, headers: { "content-type": "application/json", cookie, "content-length": Buffer.byteLength(payload) } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body.slice(0, 300)}`))));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** `clients` concurrent loops for SECONDS (after one second of warm-up), each request as the next identity. */
async function load(doc: Doc, port: number): Promise<void> {
  const clients = Number(values.clients);
  const identities = (JSON.parse(readFileSync(IDENTITIES, "utf8")) as Record<Doc, string[]>)[doc];
  let next = 0;
  let measuring = false;
  let stop = false;
  const latencies: number[] = [];
  let errors = 0;
  const loop = async () => {
    while (!stop) {
      const cookie = identities[next++ % identities.length]!;
      const t = performance.now();
      try {
        const body = await post(port, doc, cookie);
        if (body.includes('"errors"')) errors++;
      } catch {
        errors++;
      }
      if (measuring) latencies.push(performance.now() - t);
    }
  };
  const loops = Array.from({ length: clients }, loop);
  await new Promise((r) => setTimeout(r, 1_000));
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1_000));
  measuring = false;
  const seconds = (performance.now() - started) / 1_000;
  stop = true;
  await Promise.all(loops);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  console.log(JSON.stringify({ requests: latencies.length, errors, seconds, p50: q(0.5), p99: q(0.99) }));
  process.exit(0);
}

/** One design's HTTP server; counts the SQL statements its connections send. */
async function server(design: Design, port: number): Promise<void> {
  await import("reflect-metadata"); // type-graphql's decorators (the naive build imports some of the app's GraphQL modules)
  let statements = 0;
  let requests = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;

  const handler = design === "ceiling" ? await ceilingHandler() : await graphqlHandler(design);
  const httpServer = http.createServer((req, res) => {
    requests++;
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      handler(req, body).then(
        ({ status, json }) => res.writeHead(status, { "content-type": "application/json" }).end(json),
        (err: Error) => res.writeHead(500).end(JSON.stringify({ errors: [{ message: err.message }] })),
      );
    });
  });
  httpServer.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => httpServer.listen(port, "127.0.0.1", resolve));
  const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  say({ ready: port });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "reset") {
      statements = 0;
      requests = 0;
      say({ ok: true });
    } else if (line === "stats") say({ statements, requests });
  }
  process.exit(0); // stdin closed: the bench is done (and --cpu-prof writes its profile)
}

type Handler = (req: http.IncomingMessage, body: string) => Promise<{ status: number; json: string }>;

/** ours: the app's Apollo server; naive: the same schema and server options, resolvers without batching. */
async function graphqlHandler(design: "ours" | "naive"): Promise<Handler> {
  const { HeaderMap } = await import("@apollo/server");
  const { callerFromRequest, createContext } = await import("../../src/server/graphql/context");
  const apollo = design === "ours" ? await (await import("../../src/server/graphql/server")).getApolloServer() : await naiveServer();
  await apollo.start();
  return async (req, body) => {
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const res = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search: "", body: JSON.parse(body) },
      context: async () => {
        const caller = await callerFromRequest({ cookie: req.headers.cookie, authorization: req.headers.authorization, ip: "127.0.0.1" });
        return createContext(caller.viewer, "127.0.0.1", caller.self);
      },
    });
    if (res.body.kind !== "complete") throw new Error("a streamed answer");
    return { status: res.status ?? 200, json: res.body.string };
  };
}

/** The published schema with resolvers that each fetch what they need through the services, one by one. */
async function naiveServer() {
  const { makeExecutableSchema } = await import("@graphql-tools/schema");
  const { apolloServerFor } = await import("../../src/server/graphql/server");
  const { analyticsService } = await import("../../src/server/domain/analytics/analytics.service");
  const { genealogyService } = await import("../../src/server/domain/genealogy/genealogy.service");
  const { memberService } = await import("../../src/server/domain/member/member.service");
  const { orderService } = await import("../../src/server/domain/order/order.service");
  const { volumeService } = await import("../../src/server/domain/volume/volume.service");
  const { connectionOfEdges } = await import("../../src/server/graphql/shared/connection");
  const { toSummary } = await import("../../src/server/graphql/modules/volume/volume.resolver");
  type Ctx = import("../../src/server/graphql/context").Context;
  type Part = import("../../src/server/domain/analytics/analytics.types").DashboardPart;
  const viewerOf = (ctx: Ctx) => ctx.viewer!;
  const part = async (ctx: Ctx, id: number, p: Part) => (await analyticsService.dashboard(viewerOf(ctx), id, { parts: new Set([p]) }))[p];
  const schema = makeExecutableSchema({
    typeDefs: readFileSync("schema.graphql", "utf8"),
    resolvers: {
      Query: {
        dashboard: (_: unknown, args: { memberId?: string }, ctx: Ctx) => ({ id: Number(args.memberId ?? viewerOf(ctx).id) }),
        downline: async (_: unknown, args: { first?: number; after?: string }, ctx: Ctx) =>
          connectionOfEdges(await genealogyService.downline(viewerOf(ctx), { tree: "SPONSOR", first: args.first, after: args.after })),
      },
      Dashboard: {
        member: async (d: { id: number }, _: unknown, ctx: Ctx) => (await memberService.get(viewerOf(ctx), d.id)).member,
        period: () => volumeService.currentPeriod(),
        volume: async (d: { id: number }, _: unknown, ctx: Ctx) => {
          return toSummary(await volumeService.summary(viewerOf(ctx), d.id, null));
        },
        lastPeriodSoFar: async (d: { id: number }, _: unknown, ctx: Ctx) => {
          const s = (await part(ctx, d.id, "lastPeriodSoFar")) as { leftLeg: string; rightLeg: string } | null;
          return s && toSummary(s);
        },
        team: (d: { id: number }, _: unknown, ctx: Ctx) => genealogyService.teamStats(viewerOf(ctx), d.id, "SPONSOR"),
        topLegs: async (d: { id: number }, _: unknown, ctx: Ctx) => ((await part(ctx, d.id, "topLegs")) as { id: number }[]).map((r) => Object.assign({}, r, { memberId: r.id })),
        recentOrders: async (d: { id: number }, _: unknown, ctx: Ctx) => (await orderService.list(viewerOf(ctx), { memberId: d.id }, 5, null)).rows,
      },
      Member: {
        sponsor: (m: { sponsorId: number | null }) => (m.sponsorId == null ? null : memberService.findById(m.sponsorId)),
      },
    },
  });
  // GraphQL's own execution, as a build without our work would run.
  return apolloServerFor(schema, { compiled: false });
}

/** The same two answers by hand: the session, the same reads, JSON.stringify; no parsing, validation or execution. */
async function ceilingHandler(): Promise<Handler> {
  const { sessionFromCookieHeader } = await import("../../src/server/auth/session-cookie");
  const { analyticsService } = await import("../../src/server/domain/analytics/analytics.service");
  const { genealogyService } = await import("../../src/server/domain/genealogy/genealogy.service");
  const { memberService } = await import("../../src/server/domain/member/member.service");
  const parts = new Set(["volume", "lastPeriodSoFar", "team", "topLegs", "recentOrders"] as const);
  const iso = (d: Date) => d.toISOString();
  return async (req, body) => {
    const { operationName } = JSON.parse(body) as { operationName: string };
    const session = await sessionFromCookieHeader(req.headers.cookie, "127.0.0.1");
    if (!session) return { status: 200, json: JSON.stringify({ errors: [{ message: "signed out" }] }) };
    const { viewer, member: self } = session;
    if (operationName === "Dashboard") {
      const d = await analyticsService.dashboard(viewer, null, { self, parts });
      const v = d.volume!;
      const s = d.lastPeriodSoFar;
      return {
        status: 200,
        json: JSON.stringify({
          data: {
            dashboard: {
              member: { id: String(d.member.id), firstName: d.member.firstName, lastName: d.member.lastName, referralCode: d.member.referralCode },
              period: { id: String(d.current.id), startsAt: iso(d.current.startsAt), endsAt: iso(d.current.endsAt) },
              volume: { pv: v.pv, gv: v.gv, leftLegVolume: v.leftLeg, rightLegVolume: v.rightLeg, revision: v.revision },
              lastPeriodSoFar: s ? { pv: s.pv, gv: s.gv, leftLegVolume: s.leftLeg, rightLegVolume: s.rightLeg } : null,
              team: { teamSize: d.team!.teamSize, directs: d.team!.directs, newThisWeek: d.team!.newThisWeek },
              topLegs: d.topLegs!.map((r) => ({ memberId: String(r.id), firstName: r.firstName, lastName: r.lastName, gv: r.gv })),
              recentOrders: d.recentOrders?.map((o) => ({ id: String(o.id), status: o.status, total: o.total, currency: o.currency, pv: o.pv, placedAt: iso(o.placedAt) })) ?? null,
            },
          },
        }),
      };
    }
    const page = await genealogyService.downline(viewer, { tree: "SPONSOR", first: 50 }, self);
    const ids = [...new Set(page.rows.map((e) => e.node.sponsorId).filter((id): id is number => id != null && id !== self.id))];
    const sponsors = new Map((await memberService.findManyByIds(ids)).map((m) => [m.id, m]));
    sponsors.set(self.id, self);
    return {
      status: 200,
      json: JSON.stringify({
        data: {
          downline: {
            totalCount: page.totalCount,
            edges: page.rows.map(({ node: m }) => {
              const s = m.sponsorId == null ? null : sponsors.get(m.sponsorId)!;
              return {
                node: {
                  id: String(m.id), firstName: m.firstName, lastName: m.lastName, country: m.country, joinedAt: iso(m.joinedAt),
                  sponsor: s && { id: String(s.id), firstName: s.firstName, lastName: s.lastName },
                },
              };
            }),
            pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.at(-1)?.cursor ?? null },
          },
        },
      }),
    };
  };
}

// Last: the functions above use module constants (the HTTP agent, the answers seen).
if (values.role === "server") await server(values.design as Design, Number(values.port));
else if (values.role === "load") await load(values.doc as Doc, Number(values.port));
else await main();
