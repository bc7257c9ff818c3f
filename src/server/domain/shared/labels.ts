import { CommonErrorCode, type FieldError } from "./input.errors";

const LABEL = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const MAX_LABELS = 20;

/**
 * Labels on members (tags) and products: lower case, 1–32 letters, digits, "-" and "_",
 * each once, at most 20; "VIP " and "vip" are the same label. The list, or why not.
 */
export function normalizeLabels(list: readonly string[], field: string): { labels: string[]; errors: FieldError[] } {
  const labels = [...new Set(list.map((l) => l.trim().toLowerCase()).filter(Boolean))];
  const errors: FieldError[] = [];
  const bad = labels.findIndex((l) => !LABEL.test(l));
  if (bad >= 0) errors.push({ field, code: CommonErrorCode.INVALID, message: `"${labels[bad]!.slice(0, 40)}": use 1–32 letters, digits, - and _.` });
  if (labels.length > MAX_LABELS) errors.push({ field, code: CommonErrorCode.INVALID, message: `At most ${MAX_LABELS}.` });
  return { labels, errors };
}
