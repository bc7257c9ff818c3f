import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on (periods and volume). */
export const VolumeErrorCode = {
  ...CommonErrorCode,
  PERIOD_RUNNING: "PERIOD_RUNNING",
} as const;
export type VolumeErrorCode = CodeOf<typeof VolumeErrorCode>;
