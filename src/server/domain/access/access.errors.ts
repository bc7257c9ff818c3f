import { CommonErrorCode, type CodeOf } from "@/server/domain/shared/input.errors";

export const AccessInputCode = {
  ...CommonErrorCode,
  UNKNOWN_PERMISSION: "UNKNOWN_PERMISSION",
  BUILT_IN: "BUILT_IN",
  IN_USE: "IN_USE",
  NOT_YOURS_TO_GRANT: "NOT_YOURS_TO_GRANT",
  LAST_SUPER_ADMIN: "LAST_SUPER_ADMIN",
  EMPTY_SELECTION: "EMPTY_SELECTION",
  DUPLICATE: "DUPLICATE",
  WEAK_PASSWORD: "WEAK_PASSWORD",
} as const;
export type AccessInputCode = CodeOf<typeof AccessInputCode>;
