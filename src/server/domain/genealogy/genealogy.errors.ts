import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on (sign-up and tree queries); messages are for people. */
export const GenealogyErrorCode = {
  ...CommonErrorCode,
  WEAK_PASSWORD: "WEAK_PASSWORD",
  EMAIL_TAKEN: "EMAIL_TAKEN",
  SPONSOR_NOT_FOUND: "SPONSOR_NOT_FOUND",
  SPONSOR_INACTIVE: "SPONSOR_INACTIVE",
} as const;
export type GenealogyErrorCode = CodeOf<typeof GenealogyErrorCode>;
