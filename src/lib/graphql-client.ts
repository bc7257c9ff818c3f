"use client";
import { createClient, type Client } from "graphql-ws";

export interface GraphqlResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/** POSTs an operation to /api/graphql with the session cookie. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResponse<T>> {
  const res = await fetch("/api/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphqlResponse<T>;
}

let wsClient: Client | undefined;

/** One WebSocket per tab for subscriptions; the browser sends the session cookie on upgrade. */
export function subscriptionClient(): Client {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/graphql`;
  wsClient ??= createClient({ url, lazy: true, retryAttempts: Infinity, shouldRetry: () => true });
  return wsClient;
}
