import { type CodeOf, CommonErrorCode } from "@/server/domain/shared/input.errors";

/** Codes a client can act on (catalog and inventory). */
export const CatalogErrorCode = {
  ...CommonErrorCode,
  SKU_TAKEN: "SKU_TAKEN",
  STOCK_BELOW_RESERVED: "STOCK_BELOW_RESERVED",
} as const;
export type CatalogErrorCode = CodeOf<typeof CatalogErrorCode>;
