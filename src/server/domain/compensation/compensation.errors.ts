import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on (plans, plan versions, commission runs). */
export const CompensationErrorCode = {
  ...CommonErrorCode,
  /** A plan document field breaks a rule (the field is its JSON path). */
  PLAN_INVALID: "PLAN_INVALID",
  /** A rank named in the plan does not exist (or is not below the rank that names it). */
  UNKNOWN_RANK: "UNKNOWN_RANK",
  /** COMMIT needs a closed period. */
  PERIOD_OPEN: "PERIOD_OPEN",
  /** No plan version is active for the period. */
  NO_ACTIVE_PLAN: "NO_ACTIVE_PLAN",
  /** A run for this period is already queued or running. */
  RUN_IN_PROGRESS: "RUN_IN_PROGRESS",
} as const;
export type CompensationErrorCode = CodeOf<typeof CompensationErrorCode>;
