import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on (wallets, transfers, withdrawals, payouts). */
export const WalletErrorCode = {
  ...CommonErrorCode,
  INSUFFICIENT_FUNDS: "INSUFFICIENT_FUNDS",
  TRANSFERS_DISABLED: "TRANSFERS_DISABLED",
  WITHDRAWALS_DISABLED: "WITHDRAWALS_DISABLED",
  BELOW_MINIMUM: "BELOW_MINIMUM",
  ABOVE_MAXIMUM: "ABOVE_MAXIMUM",
  RECIPIENT_NOT_ALLOWED: "RECIPIENT_NOT_ALLOWED",
  PAYOUT_METHOD_MISSING: "PAYOUT_METHOD_MISSING",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  INVALID_TRANSITION: "INVALID_TRANSITION",
} as const;
export type WalletErrorCode = CodeOf<typeof WalletErrorCode>;
