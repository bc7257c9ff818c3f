import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { armor } from "./armor";
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
      csrfPrevention: true,
      validationRules: protection.validationRules,
      plugins: [ApolloServerPluginLandingPageDisabled(), ...protection.plugins],
    });
    return apollo;
  });
  return server;
}
