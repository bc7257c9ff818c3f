import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on (retail customers). */
export const CustomerErrorCode = { ...CommonErrorCode } as const;
export type CustomerErrorCode = CodeOf<typeof CustomerErrorCode>;
