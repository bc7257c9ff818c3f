import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on when a profile change is refused; messages are for people. */
export const MemberErrorCode = { ...CommonErrorCode } as const;
export type MemberErrorCode = CodeOf<typeof MemberErrorCode>;
