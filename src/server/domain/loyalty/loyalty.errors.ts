import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on (programme, points, rewards, redemptions). */
export const LoyaltyErrorCode = {
  ...CommonErrorCode,
  PROGRAM_INVALID: "PROGRAM_INVALID",
  UNKNOWN_CODE: "UNKNOWN_CODE",
  INSUFFICIENT_POINTS: "INSUFFICIENT_POINTS",
  OUT_OF_STOCK: "OUT_OF_STOCK",
  NOT_AVAILABLE: "NOT_AVAILABLE",
  TIER_REQUIRED: "TIER_REQUIRED",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  INVALID_TRANSITION: "INVALID_TRANSITION",
} as const;
export type LoyaltyErrorCode = CodeOf<typeof LoyaltyErrorCode>;
