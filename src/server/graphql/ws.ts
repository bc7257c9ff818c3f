import { useServer } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";
import { BoundedCache } from "@/server/domain/shared/bounded-cache";
import type { Viewer } from "@/server/domain/shared/viewer";
import { createSourceEventStream, GraphQLError, subscribe, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { parseAndValidate } from "./armor";
import { createContext, viewerFromRequest } from "./context";
import { formatError } from "./errors";
import { getSchema } from "./schema";
import { eventBus } from "@/server/events/bus";
import { isListenable } from "@/server/events/keyed-feed";
import { Topic } from "@/server/events/topics";
import { closeCodeFor } from "./ws-access";

/** Closes the connections an access change concerns, as it arrives (from any instance, through the bus). */
async function closeOnAccessChange(open: Map<WebSocket, Viewer | null>): Promise<void> {
  for await (const e of eventBus().subscribe(Topic.AccessChanged)) {
    for (const [socket, viewer] of open) {
      const code = closeCodeFor(viewer, e);
      if (code != null) socket.close(code, code === 4401 ? "Signed out" : code === 4403 ? "API key revoked" : "Permissions changed");
    }
  }
}

/** `it` with each value mapped by fn; return() reaches `it` at once, even while a next() waits. */
function mapIterator<T, U>(it: AsyncIterator<T>, fn: (value: T) => U | Promise<U>): AsyncIterableIterator<U> {
  return {
    async next() {
      const r = await it.next();
      return r.done ? { value: undefined, done: true } : { value: await fn(r.value), done: false };
    },
    async return() {
      await it.return?.();
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await it.return?.();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Where a subscription's messages go: its socket, and its `next` message up to the payload (with the id the client gave it). */
interface Outlet {
  socket: WebSocket;
  head: string;
}

/** A subscriber whose socket holds more than this unsent is too slow to follow: it is closed (1013, try again later). */
const MAX_BUFFERED = 16 * 1024 * 1024;

/** A result with its errors mapped as over HTTP (codes, no internals). */
const formatResult = (result: ExecutionResult): ExecutionResult =>
  result.errors ? ({ ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } as never) : result;

/** A `next` message, written as graphql-ws writes it. */
function writeNext(out: Outlet, result: ExecutionResult): void {
  const { socket } = out;
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED) {
    socket.close(1013, "Too slow to follow the subscription");
    return;
  }
  socket.send(`${out.head}${JSON.stringify(formatResult(result))}}`);
}

/** An iterator that yields nothing and ends when return() is called (then `stop` runs). */
function idleUntilReturn(stop: () => Promise<unknown> | undefined): AsyncIterableIterator<ExecutionResult> {
  let end!: (r: IteratorResult<ExecutionResult, undefined>) => void;
  const ended = new Promise<IteratorResult<ExecutionResult, undefined>>((resolve) => (end = resolve));
  return {
    next: () => ended,
    async return() {
      await stop();
      end({ value: undefined, done: true });
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await stop();
      end({ value: undefined, done: true });
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Each event of a subscription is executed for every one of its subscribers: with 10,000
 * screens open, GraphQL's generic execution (variables coerced and fields collected again
 * for every event) was most of the fan-out's cost. Subscriptions start as GraphQL starts
 * them (the field's subscribe with its arguments), and each event then runs the document
 * compiled once by graphql-jit (the last 500 documents kept, by text).
 *
 * When the field's stream can be listened to (keyedFeed's), each event is executed and
 * written to the subscriber's socket as it arrives: graphql-ws would otherwise take it
 * through an async iterator, its hooks and a promise per message and subscriber, which
 * cost three times the raw socket write. graphql-ws still owns the subscription (its id,
 * `complete` from either side, the socket's close): the iterator it is given yields nothing
 * and stops the stream when it is returned.
 */
function compiledSubscriptions(schema: GraphQLSchema) {
  const byText = new BoundedCache<string, CompiledQuery>(500);
  const byDocument = new WeakMap<DocumentNode, CompiledQuery>();
  const outlets = new WeakMap<object, Outlet>();
  return {
    /** Compiles (or finds) the document; the errors when it cannot be compiled. */
    prepare(text: string, operationName: string | null | undefined, document: DocumentNode): readonly GraphQLError[] | null {
      const key = `${operationName ?? ""}\n${text}`;
      let compiled = byText.get(key);
      if (!compiled) {
        const result = compileQuery(schema, document, operationName ?? undefined);
        if (!isCompiledQuery(result)) return (result.errors ?? []).map((e) => new GraphQLError(e.message));
        compiled = result;
        byText.set(key, compiled);
      }
      byDocument.set(document, compiled);
      return null;
    },
    /** The socket and id a subscription's context writes to (direct writes). */
    bind(contextValue: object, outlet: Outlet): void {
      outlets.set(contextValue, outlet);
    },
    async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
      const compiled = byDocument.get(args.document);
      if (!compiled) return subscribe(args);
      const stream = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in stream)) return stream;
      const source = stream[Symbol.asyncIterator]();
      const variables = args.variableValues ?? {};
      const run = (event: unknown) => compiled.query(event, args.contextValue, variables) as ExecutionResult | Promise<ExecutionResult>;
      const outlet = outlets.get(args.contextValue as object);
      if (!outlet || !isListenable(source)) return mapIterator(source, run);
      // Results in event order: a result that is a promise holds back the ones after it.
      let tail: Promise<void> | null = null;
      source.listen((event) => {
        let result: ExecutionResult | Promise<ExecutionResult>;
        try {
          result = run(event);
        } catch (err) {
          result = { errors: [new GraphQLError("Internal server error", { originalError: err as Error })] };
        }
        if (!tail && !(result instanceof Promise)) return writeNext(outlet, result);
        const mine: Promise<void> = (tail ?? Promise.resolve())
          .then(() => result)
          .then(
            (r) => writeNext(outlet, r),
            (err: unknown) => writeNext(outlet, { errors: [new GraphQLError("Internal server error", { originalError: err as Error })] }),
          )
          .finally(() => {
            if (tail === mine) tail = null;
          });
        tail = mine;
      });
      return idleUntilReturn(() => source.return?.());
    },
  };
}

/**
 * Serves GraphQL subscriptions on the WebSocket server that server.ts created. The
 * viewer is an API key given in connectionParams ({ authorization: "Bearer …" }), or
 * the session cookie of the upgrade request (the same cookie the HTTP endpoint reads).
 * A bad key closes the connection (4403) before any subscription starts; a sign-out, a
 * revoked key or new permissions close it later (closeCodeFor).
 */
export async function attachGraphqlWs(
  wss: WebSocketServer,
  /** Who a connection is, in place of its API key or cookie (benchmarks: everyone the same viewer). */
  authenticate?: () => Promise<Viewer | null>,
): Promise<void> {
  const schema = await getSchema();
  const open = new Map<WebSocket, Viewer | null>();
  const jit = compiledSubscriptions(schema);
  void closeOnAccessChange(open).catch((err) => console.error("[ws] access-change listener stopped", err));
  useServer(
    {
      schema,
      subscribe: (args) => jit.subscribe(args),
      onConnect: async (ctx) => {
        const params = (ctx.connectionParams ?? {}) as { authorization?: unknown };
        const headers = ctx.extra.request.headers;
        try {
          const viewer = authenticate ? await authenticate() : await viewerFromRequest({
            authorization: typeof params.authorization === "string" ? params.authorization : null,
            cookie: headers.cookie,
            ip: typeof headers["x-mlm-client-ip"] === "string" ? headers["x-mlm-client-ip"] : null,
          });
          (ctx.extra as { viewer?: Viewer | null }).viewer = viewer;
          const socket = ctx.extra.socket;
          open.set(socket, viewer);
          socket.once("close", () => open.delete(socket));
          return true;
        } catch {
          return false;
        }
      },
      // Parsed with the token limit and validated with the HTTP endpoint's limits (depth, aliases, cost).
      onSubscribe: (ctx, id, payload) => {
        const checked = parseAndValidate(schema, payload.query);
        if ("errors" in checked) {
          return checked.errors.map((e) => new GraphQLError(e.message, { extensions: { code: /^Syntax Error/.test(e.message) ? "GRAPHQL_PARSE_FAILED" : "GRAPHQL_VALIDATION_FAILED" } }));
        }
        if (checked.document.definitions.some((d) => d.kind === "OperationDefinition" && d.operation === "subscription")) {
          const failed = jit.prepare(payload.query, payload.operationName, checked.document);
          if (failed) return failed.map((e) => new GraphQLError(e.message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));
        }
        const contextValue = createContext((ctx.extra as { viewer?: Viewer | null }).viewer ?? null);
        jit.bind(contextValue, { socket: ctx.extra.socket, head: `{"id":${JSON.stringify(id)},"type":"next","payload":` });
        return { schema, document: checked.document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      // Errors leave through the same mapper as over HTTP (codes, no internals).
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)) as never,
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result) as never,
    },
    wss,
  );
}
