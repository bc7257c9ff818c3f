import type { Viewer } from "@/server/domain/shared/viewer";
import { createContext } from "@/server/graphql/context";
import { getApolloServer } from "@/server/graphql/server";

export interface GqlResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Executes a real GraphQL operation against the schema as `viewer` (null: signed out). */
export async function gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, viewer: Viewer | null = null): Promise<GqlResult<T>> {
  const server = await getApolloServer();
  const res = await server.executeOperation<T>({ query, variables }, { contextValue: createContext(viewer) });
  if (res.body.kind !== "single") throw new Error("expected a single result");
  return res.body.singleResult as GqlResult<T>;
}

export const asAnonymous = <T = Record<string, any>>(q: string, v?: Record<string, unknown>) => gql<T>(q, v, null);
export const asMember = <T = Record<string, any>>(viewer: Viewer, q: string, v?: Record<string, unknown>) => gql<T>(q, v, viewer);
