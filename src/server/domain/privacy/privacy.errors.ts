import { CommonErrorCode, type CodeOf } from "@/server/domain/shared/input.errors";

export const PrivacyInputCode = {
  ...CommonErrorCode,
  ALREADY_ERASED: "ALREADY_ERASED",
  HOLDS_ROLES: "HOLDS_ROLES",
  MONEY_IN_FLIGHT: "MONEY_IN_FLIGHT",
  NOT_YOURSELF: "NOT_YOURSELF",
} as const;
export type PrivacyInputCode = CodeOf<typeof PrivacyInputCode>;
