import { useServer } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Viewer } from "@/server/domain/shared/viewer";
import { createSourceEventStream, GraphQLError, subscribe, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { parseAndValidate } from "./armor";
import { createContext, viewerFromRequest } from "./context";
import { formatError } from "./errors";
import { getSchema } from "./schema";
import { eventBus } from "@/server/events/bus";
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

/**
 * Each event of a subscription is executed for every one of its subscribers: with 10,000
 * screens open, GraphQL's generic execution (variables coerced and fields collected again
 * for every event) was most of the fan-out's cost. Subscriptions start as GraphQL starts
 * them (the field's subscribe with its arguments), and each event then runs the document
 * compiled once by graphql-jit (the last 500 documents kept, by text).
 */
function compiledSubscriptions(schema: GraphQLSchema) {
  const byText = new Map<string, CompiledQuery>();
  const byDocument = new WeakMap<DocumentNode, CompiledQuery>();
  return {
    /** Compiles (or finds) the document; the errors when it cannot be compiled. */
    prepare(text: string, operationName: string | null | undefined, document: DocumentNode): readonly GraphQLError[] | null {
      const key = `${operationName ?? ""}\n${text}`;
      let compiled = byText.get(key);
      if (!compiled) {
        const result = compileQuery(schema, document, operationName ?? undefined);
        if (!isCompiledQuery(result)) return (result.errors ?? []).map((e) => new GraphQLError(e.message));
        compiled = result;
        if (byText.size >= 500) byText.delete(byText.keys().next().value!);
        byText.set(key, compiled);
      }
      byDocument.set(document, compiled);
      return null;
    },
    async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
      const compiled = byDocument.get(args.document);
      if (!compiled) return subscribe(args);
      const stream = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in stream)) return stream;
      return mapIterator(stream[Symbol.asyncIterator](), (event) => compiled.query(event, args.contextValue, args.variableValues ?? {}) as ExecutionResult | Promise<ExecutionResult>);
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
      onSubscribe: (ctx, _id, payload) => {
        const checked = parseAndValidate(schema, payload.query);
        if ("errors" in checked) {
          return checked.errors.map((e) => new GraphQLError(e.message, { extensions: { code: /^Syntax Error/.test(e.message) ? "GRAPHQL_PARSE_FAILED" : "GRAPHQL_VALIDATION_FAILED" } }));
        }
        if (checked.document.definitions.some((d) => d.kind === "OperationDefinition" && d.operation === "subscription")) {
          const failed = jit.prepare(payload.query, payload.operationName, checked.document);
          if (failed) return failed.map((e) => new GraphQLError(e.message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));
        }
        return {
          schema,
          document: checked.document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue: createContext((ctx.extra as { viewer?: Viewer | null }).viewer ?? null),
        };
      },
      // Errors leave through the same mapper as over HTTP (codes, no internals).
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)) as never,
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? ({ ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } as never) : result,
    },
    wss,
  );
}
