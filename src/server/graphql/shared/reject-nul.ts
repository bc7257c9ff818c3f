import { GraphQLError } from "graphql";
import type { MiddlewareFn } from "type-graphql";

/** The path of the first string holding a NUL character ("input.name", "ids.2"), or null. */
export function nulAt(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (value == null || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value)) {
    const found = nulAt(v, path ? `${path}.${k}` : k);
    if (found) return found;
  }
  return null;
}

/**
 * PostgreSQL text cannot hold a NUL character: an argument with one is refused at the
 * edge, as bad input with its field, before any service sees it.
 */
export const RejectNul: MiddlewareFn = ({ args }, next) => {
  rejectNul(args);
  return next();
};

/** Throws the bad-input error of the first argument holding a NUL character. */
export function rejectNul(args: Record<string, unknown>): void {
  for (const key in args) {
    const field = nulAt(args[key], key);
    if (field) throw new GraphQLError(`${field} contains a NUL character.`, { extensions: { code: "BAD_USER_INPUT", field } });
  }
}
