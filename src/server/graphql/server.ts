import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { Context } from "./context";
import { formatError } from "./errors";
import { getSchema } from "./schema";

let server: Promise<ApolloServer<Context>> | undefined;

/** The Apollo server for HTTP (and for tests, through executeOperation). */
export function getApolloServer(): Promise<ApolloServer<Context>> {
  server ??= getSchema().then(async (schema) => {
    const apollo = new ApolloServer<Context>({
      schema,
      formatError,
      includeStacktraceInErrorResponses: false,
      introspection: true,
      plugins: [ApolloServerPluginLandingPageDisabled()],
    });
    return apollo;
  });
  return server;
}
