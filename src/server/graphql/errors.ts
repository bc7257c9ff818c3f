import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import { AccessErrorCode, isAccessError } from "@/server/domain/shared/access";
import { isInputError } from "@/server/domain/shared/input.errors";

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
  "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "RATE_LIMITED",
  "GRAPHQL_PARSE_FAILED", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * The one place where errors leave the API: access errors keep their code and message;
 * refused input outside a mutation payload (query arguments) becomes BAD_USER_INPUT with
 * the field and the domain's code as `reason`; type-graphql's "Access denied" becomes
 * FORBIDDEN; anything else is logged and masked. Never a stack trace.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error) as { name?: string };
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (isAccessError(original)) return { ...base, message: original.message, extensions: { code: accessCode(original.code) } };
  if (isInputError(original)) {
    const [first] = original.errors;
    return { ...base, message: original.errors.map((e) => e.message).join(" "), extensions: { code: "BAD_USER_INPUT", field: first?.field, reason: first?.code } };
  }
  if (original?.name === "RateLimited") {
    return { ...base, message: (original as Error).message, extensions: { code: "RATE_LIMITED", retryAfter: (original as { retryAfterSeconds?: number }).retryAfterSeconds } };
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
