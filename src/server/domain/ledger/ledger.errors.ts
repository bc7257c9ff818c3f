import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on when the ledger refuses a transaction. */
export const LedgerErrorCode = {
  ...CommonErrorCode,
  /** A no-negative account would fall below zero: nothing was written. */
  INSUFFICIENT_FUNDS: "INSUFFICIENT_FUNDS",
  /** The postings of a transaction do not sum to zero in every unit. */
  UNBALANCED: "UNBALANCED",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  ACCOUNT_NOT_FOUND: "ACCOUNT_NOT_FOUND",
  PENDING_NOT_FOUND: "PENDING_NOT_FOUND",
  PENDING_EXPIRED: "PENDING_EXPIRED",
  ALREADY_RESOLVED: "ALREADY_RESOLVED",
} as const;
export type LedgerErrorCode = CodeOf<typeof LedgerErrorCode>;
