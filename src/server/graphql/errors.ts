import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import { type AccessError, AccessErrorCode } from "@/server/domain/shared/access.errors";

function assertUnreachable(x: never): never {
  throw new Error(`unhandled code ${String(x)}`);
}

function accessCode(code: AccessErrorCode): string {
  switch (code) {
    case AccessErrorCode.UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case AccessErrorCode.FORBIDDEN:
      return "FORBIDDEN";
    case AccessErrorCode.NOT_FOUND:
      return "NOT_FOUND";
    default:
      return assertUnreachable(code);
  }
}

const PUBLIC_CODES = new Set([
  "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED",
  "GRAPHQL_PARSE_FAILED", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND", "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * The one place where errors leave the API: known codes pass with their message,
 * type-graphql's "Access denied" becomes UNAUTHENTICATED/FORBIDDEN, anything else is
 * logged and masked. Never a stack trace.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error) as { name?: string };
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  // By name, not instanceof: Next may load the domain modules in more than one graph.
  if (original?.name === "AccessError") {
    const access = original as AccessError;
    return { ...base, message: access.message, extensions: { code: accessCode(access.code) } };
  }
  if ((original as { name?: string })?.name === "AuthorizationError" || /^Access denied/.test(formatted.message)) {
    return { ...base, message: "You may not do this.", extensions: { code: "FORBIDDEN" } };
  }
  if ((original as { name?: string })?.name === "AuthenticationError") {
    return { ...base, message: "Sign in first.", extensions: { code: "UNAUTHENTICATED" } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === "string" && PUBLIC_CODES.has(code)) {
    const field = formatted.extensions?.field;
    return { ...base, extensions: field ? { code, field } : { code } };
  }
  console.error("[graphql] unexpected error", error);
  return { ...base, message: "Something went wrong on our side.", extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", field } });
}
