export enum AccessErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
}

/** The caller may not do this (or the thing is not there); maps to a top-level GraphQL error. */
export class AccessError extends Error {
  constructor(readonly code: AccessErrorCode, message: string) {
    super(message);
    this.name = "AccessError";
  }
}

export const unauthenticated = () => new AccessError(AccessErrorCode.UNAUTHENTICATED, "Sign in first.");
export const forbidden = (what = "this") => new AccessError(AccessErrorCode.FORBIDDEN, `You may not see or change ${what}.`);
export const notFound = (what: string) => new AccessError(AccessErrorCode.NOT_FOUND, `${what} was not found.`);
