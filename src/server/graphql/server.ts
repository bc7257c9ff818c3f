import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { armor, LIMITS } from "./armor";
import type { Context } from "./context";
import { formatError } from "./errors";
import { getSchema } from "./schema";

let server: Promise<ApolloServer<Context>> | undefined;

/** The Apollo server for HTTP (and for tests, through executeOperation). */
export function getApolloServer(): Promise<ApolloServer<Context>> {
  server ??= getSchema().then(async (schema) => {
    const protection = armor();
    const apollo = new ApolloServer<Context>({
      schema,
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
    return apollo;
  });
  return server;
}
