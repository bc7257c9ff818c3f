import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on (orders and payments). */
export const OrderErrorCode = {
  ...CommonErrorCode,
  PRODUCT_NOT_FOUND: "PRODUCT_NOT_FOUND",
  PRODUCT_INACTIVE: "PRODUCT_INACTIVE",
  PRICE_MISSING: "PRICE_MISSING",
  OUT_OF_STOCK: "OUT_OF_STOCK",
  CUSTOMER_NOT_FOUND: "CUSTOMER_NOT_FOUND",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  INVALID_TRANSITION: "INVALID_TRANSITION",
  NOTHING_TO_REFUND: "NOTHING_TO_REFUND",
  PAYMENT_PROVIDER: "PAYMENT_PROVIDER",
  /** The provider refused (card declined, …): nothing moved, the order is as it was. */
  PAYMENT_FAILED: "PAYMENT_FAILED",
  /** Another request is charging or refunding this order right now. */
  PAYMENT_IN_PROGRESS: "PAYMENT_IN_PROGRESS",
  /** The provider did not answer: send the same request again; it reuses the same provider key, so money never moves twice. */
  PAYMENT_UNCONFIRMED: "PAYMENT_UNCONFIRMED",
} as const;
export type OrderErrorCode = CodeOf<typeof OrderErrorCode>;
