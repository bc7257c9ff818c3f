import { parseHundredths } from "@/lib/money";
import type { FieldError } from "@/server/domain/shared/input.errors";
import { normalizeLabels } from "@/server/domain/shared/labels";
import { CatalogErrorCode } from "./catalog.errors";

export interface ProductInput {
  sku?: string | null;
  name?: string | null;
  description?: string | null;
  imageUrl?: string | null;
  category?: string | null;
  /** Labels loyalty rules match or exclude ("gift-card"); given, they replace the list. */
  labels?: string[] | null;
  pv?: string | null;
  bv?: string | null;
  active?: boolean | null;
  prices?: { currency: string; amount: string }[] | null;
}

/** A product as validated: money and volume in hundredths. */
export interface ProductData {
  sku: string;
  name: string;
  description: string;
  imageUrl: string | null;
  category: string;
  labels: string[];
  pv: number;
  bv: number;
  active: boolean;
  prices: { currency: string; amount: number }[];
}

const SKU = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const CURRENCY = /^[A-Z]{3}$/;

function text(value: string | null | undefined): string | undefined {
  return value == null ? undefined : value.trim();
}

/**
 * Checks a product create (`partial` false: everything required) or update (only the
 * fields given). Returns the normalised fields that were given, and the errors.
 */
export function validateProduct(input: ProductInput, partial: boolean): { data: Partial<ProductData>; errors: FieldError<CatalogErrorCode>[] } {
  const errors: FieldError<CatalogErrorCode>[] = [];
  const data: Partial<ProductData> = {};
  const need = (field: string, present: boolean) => {
    if (!present && !partial) errors.push({ field, code: CatalogErrorCode.REQUIRED, message: `${field} is required.` });
    return present;
  };

  const sku = text(input.sku)?.toUpperCase();
  if (need("sku", !!sku)) {
    if (!SKU.test(sku!)) errors.push({ field: "sku", code: CatalogErrorCode.INVALID, message: "Use 2–40 letters, digits and dashes." });
    else data.sku = sku;
  }
  const name = text(input.name);
  if (need("name", !!name)) {
    if (name!.length > 120) errors.push({ field: "name", code: CatalogErrorCode.TOO_LONG, message: "At most 120 characters." });
    else data.name = name;
  }
  const category = text(input.category);
  if (need("category", !!category)) {
    if (category!.length > 60) errors.push({ field: "category", code: CatalogErrorCode.TOO_LONG, message: "At most 60 characters." });
    else data.category = category;
  }
  if (input.labels != null) {
    const { labels, errors: labelErrors } = normalizeLabels(input.labels, "labels");
    errors.push(...(labelErrors as FieldError<CatalogErrorCode>[]));
    data.labels = labels;
  } else if (!partial) data.labels = [];
  const description = text(input.description);
  if (description !== undefined) {
    if (description.length > 4000) errors.push({ field: "description", code: CatalogErrorCode.TOO_LONG, message: "At most 4000 characters." });
    else data.description = description;
  } else if (!partial) data.description = "";
  const imageUrl = text(input.imageUrl);
  if (imageUrl !== undefined) {
    if (imageUrl !== "" && !/^(https?:\/\/|\/)[^\s]+$/.test(imageUrl)) {
      errors.push({ field: "imageUrl", code: CatalogErrorCode.INVALID, message: "Give an http(s) address or a path starting with /." });
    } else data.imageUrl = imageUrl || null;
  } else if (!partial) data.imageUrl = null;

  for (const field of ["pv", "bv"] as const) {
    const raw = text(input[field]);
    if (raw === undefined) {
      if (!partial) data[field] = 0;
      continue;
    }
    const value = parseHundredths(raw);
    if (value == null || value < 0) errors.push({ field, code: CatalogErrorCode.INVALID, message: `${field.toUpperCase()} is a number ≥ 0 with at most two decimals.` });
    else data[field] = value;
  }
  if (input.active != null) data.active = input.active;
  else if (!partial) data.active = true;

  if (input.prices != null) {
    const seen = new Set<string>();
    const prices: { currency: string; amount: number }[] = [];
    input.prices.forEach((p, i) => {
      const currency = p.currency.trim().toUpperCase();
      const amount = parseHundredths(p.amount);
      if (!CURRENCY.test(currency)) errors.push({ field: `prices.${i}.currency`, code: CatalogErrorCode.INVALID, message: "A three-letter ISO 4217 code." });
      else if (seen.has(currency)) errors.push({ field: `prices.${i}.currency`, code: CatalogErrorCode.INVALID, message: `${currency} is listed twice.` });
      if (amount == null || amount < 0) errors.push({ field: `prices.${i}.amount`, code: CatalogErrorCode.INVALID, message: "A price ≥ 0 with at most two decimals." });
      seen.add(currency);
      if (amount != null) prices.push({ currency, amount });
    });
    if (need("prices", input.prices.length > 0)) data.prices = prices;
  } else need("prices", false);
  return { data, errors };
}

/** A stock adjustment: a non-zero whole delta and a reason someone can audit later. */
export function validateAdjustment(delta: number, reason: string | null | undefined): FieldError<CatalogErrorCode>[] {
  const errors: FieldError<CatalogErrorCode>[] = [];
  if (!Number.isSafeInteger(delta) || delta === 0) errors.push({ field: "delta", code: CatalogErrorCode.INVALID, message: "A whole number of units other than 0." });
  const why = (reason ?? "").trim();
  if (!why) errors.push({ field: "reason", code: CatalogErrorCode.REQUIRED, message: "Say why the stock changes." });
  else if (why.length > 200) errors.push({ field: "reason", code: CatalogErrorCode.TOO_LONG, message: "At most 200 characters." });
  return errors;
}
