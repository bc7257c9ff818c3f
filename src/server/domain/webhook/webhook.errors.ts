import { CommonErrorCode, type CodeOf } from "@/server/domain/shared/input.errors";

export const WebhookErrorCode = { ...CommonErrorCode, UNKNOWN_EVENT: "UNKNOWN_EVENT" } as const;
export type WebhookErrorCode = CodeOf<typeof WebhookErrorCode>;
