import { type ClassType, Field, Int, ObjectType } from "type-graphql";
import type { Page } from "@/server/domain/shared/page";

@ObjectType("PageInfo")
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: "Pass as `after` for the next page." }) endCursor!: string | null;
}

/** The fields every edge has; extend it (with `@ObjectType("<Name>Edge")`) to add some, as MemberEdge adds depth. */
export function edgeBase<T extends object>(name: string, node: ClassType<T>) {
  // A base only: the schema holds the types resolvers reach, so "<Name>EdgeBase" never shows.
  @ObjectType(`${name}EdgeBase`)
  abstract class EdgeBase {
    @Field(() => String) cursor!: string;
    @Field(() => node) node!: unknown;
  }
  return EdgeBase;
}

/**
 * `<Name>Connection { totalCount edges { cursor node } nodes pageInfo }` for a node type:
 * every list of the API has this shape (`first`/`after` arguments, opaque cursors).
 */
export function connectionType<T extends object>(name: string, node: ClassType<T>, options: { edge?: ClassType; asBase?: boolean } = {}) {
  const Edge = options.edge ?? defaultEdge(name, node);

  // asBase: for a connection class that extends this one with fields of its own.
  @ObjectType(options.asBase ? `${name}ConnectionBase` : `${name}Connection`)
  class Connection {
    @Field(() => Int, { description: "How many match, over all pages." }) totalCount!: number;
    @Field(() => [Edge]) edges!: unknown[];
    @Field(() => [node], { description: "The nodes of `edges`, for clients that need no cursors." }) nodes!: unknown[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }
  return Connection;
}

function defaultEdge<T extends object>(name: string, node: ClassType<T>): ClassType {
  @ObjectType(`${name}Edge`)
  class Edge extends edgeBase(name, node) {}
  return Edge;
}

export interface ConnectionResult<N, E extends { cursor: string; node: N }> {
  totalCount: number;
  edges: E[];
  nodes: N[];
  pageInfo: PageInfo;
}

/** A page whose rows carry their own cursors (and maybe more edge fields) as a connection. */
export function connectionOfEdges<N, E extends { cursor: string; node: N }>(page: Page<E>): ConnectionResult<N, E> {
  return {
    totalCount: page.totalCount,
    edges: page.rows,
    nodes: page.rows.map((e) => e.node),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.at(-1)?.cursor ?? null },
  };
}

/** A page of rows as a connection, each row's cursor made by `cursorOf`. */
export function toConnection<N>(page: Page<N>, cursorOf: (row: N) => string): ConnectionResult<N, { cursor: string; node: N }> {
  return connectionOfEdges({ ...page, rows: page.rows.map((node) => ({ cursor: cursorOf(node), node })) });
}

/** The cursor of lists keyed by a numeric id. */
export const idCursor = (row: { id: number }) => String(row.id);
