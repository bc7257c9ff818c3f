import { ApolloServer } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { armor, LIMITS } from "./armor";
import type { Context } from "./context";
import { compiledExecution } from "./compiled";
import { formatError } from "./errors";
import { getSchema } from "./schema";

let server: Promise<ApolloServer<Context>> | undefined;

/** The Apollo server for HTTP (and for tests, through executeOperation). */
export function getApolloServer(): Promise<ApolloServer<Context>> {
  server ??= getSchema().then(apolloServerFor);
  return server;
}

/**
 * An Apollo server with the app's options and limits over `schema`, executing each
 * document compiled (compiled.ts). Benchmarks build one over another resolver set, and
 * the naive build one with GraphQL's own execution (`compiled: false`).
 */
export function apolloServerFor(schema: GraphQLSchema, { compiled = true } = {}): ApolloServer<Context> {
  const protection = armor();
  return new ApolloServer<Context>({
    ...(compiled ? { gateway: compiledExecution(schema) } : { schema }),
    formatError,
    includeStacktraceInErrorResponses: false,
    // The schema is published as schema.graphql; production answers no introspection.
    introspection: process.env.NODE_ENV !== "production",
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: nothing here uses them, and every document is parsed and limited.
    persistedQueries: false,
    csrfPrevention: true,
    validationRules: protection.validationRules,
    // A document of more tokens is refused while parsing: 400 GRAPHQL_PARSE_FAILED.
    parseOptions: { maxTokens: LIMITS.maxTokens },
    // No cache hints are set anywhere (answers are per viewer): without its plugin no hook runs per field.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ...protection.plugins],
  });
}
