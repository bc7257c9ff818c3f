import { ApolloArmor } from "@escape.tech/graphql-armor";
import { parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from "graphql";

/**
 * Limits on what one document may ask for (GraphQL Armor), the same over HTTP and
 * WebSocket. The app's own heaviest query (the dashboard) stays well inside them.
 */
export const LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 3000,
  maxCost: 20_000,
  /** Bytes of a document, checked before parsing. */
  maxDocumentBytes: 20_000,
} as const;

const production = () => process.env.NODE_ENV === "production";

export function armor(): ReturnType<ApolloArmor["protect"]> {
  return new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ignoreIntrospection: !production() },
    maxAliases: { n: LIMITS.maxAliases },
    maxDirectives: { n: LIMITS.maxDirectives },
    // Apollo parses with the token limit itself (parseOptions in server.ts): Armor's Apollo
    // plugin parses in parsingDidStart, where any syntax error becomes an HTTP 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: LIMITS.maxCost, ignoreIntrospection: !production() },
    blockFieldSuggestion: { enabled: production() },
  }).protect();
}

let rules: ValidationRule[] | undefined;

/** For graphql-ws: parse with the token limit and validate with the same rules as HTTP. */
export function parseAndValidate(schema: GraphQLSchema, query: string): { document: DocumentNode } | { errors: readonly Error[] } {
  if (Buffer.byteLength(query) > LIMITS.maxDocumentBytes) return { errors: [new Error(`The document is larger than ${LIMITS.maxDocumentBytes} bytes.`)] };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: LIMITS.maxTokens });
  } catch (err) {
    return { errors: [err as Error] };
  }
  rules ??= [...specifiedRules, ...armor().validationRules];
  const errors = validate(schema, document, rules);
  return errors.length ? { errors } : { document };
}
