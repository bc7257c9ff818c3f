import { useServer } from "graphql-ws/use/ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Viewer } from "@/server/domain/shared/viewer";
import { GraphQLError } from "graphql";
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
  void closeOnAccessChange(open).catch((err) => console.error("[ws] access-change listener stopped", err));
  useServer(
    {
      schema,
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
