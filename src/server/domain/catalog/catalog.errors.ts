/** Codes a client can act on (catalog and inventory). */
export enum CatalogErrorCode {
  REQUIRED = "REQUIRED",
  INVALID = "INVALID",
  TOO_LONG = "TOO_LONG",
  SKU_TAKEN = "SKU_TAKEN",
  NOT_FOUND = "NOT_FOUND",
  STOCK_BELOW_RESERVED = "STOCK_BELOW_RESERVED",
}
