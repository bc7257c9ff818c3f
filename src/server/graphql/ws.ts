import { useServer } from "graphql-ws/use/ws";
import type { WebSocketServer } from "ws";
import { createContext, viewerFromCookieHeader } from "./context";
import { formatError } from "./errors";
import { getSchema } from "./schema";

/**
 * Serves GraphQL subscriptions on the WebSocket server that server.ts created. The
 * session cookie of the upgrade request identifies the viewer (the same cookie the
 * HTTP endpoint reads).
 */
export async function attachGraphqlWs(wss: WebSocketServer): Promise<void> {
  const schema = await getSchema();
  useServer(
    {
      schema,
      context: async (ctx) => createContext(await viewerFromCookieHeader(ctx.extra.request.headers.cookie)),
      // Errors leave through the same mapper as over HTTP (codes, no internals).
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)) as never,
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? ({ ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } as never) : result,
    },
    wss,
  );
}
