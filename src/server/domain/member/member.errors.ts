/** Codes a client can act on; messages are for people. */
export enum MemberErrorCode {
  REQUIRED = "REQUIRED",
  INVALID = "INVALID",
  TOO_LONG = "TOO_LONG",
  WEAK_PASSWORD = "WEAK_PASSWORD",
  EMAIL_TAKEN = "EMAIL_TAKEN",
  SPONSOR_NOT_FOUND = "SPONSOR_NOT_FOUND",
  SPONSOR_INACTIVE = "SPONSOR_INACTIVE",
  NOT_FOUND = "NOT_FOUND",
}

export interface FieldError {
  field: string;
  code: MemberErrorCode;
  message: string;
}

/** Bad input that the caller can correct: becomes payload errors, not a top-level error. */
export class MemberInputError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.name = "MemberInputError";
  }
}
