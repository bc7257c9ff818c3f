// Units of money and points, and amounts in their minor units (cents; JPY and points are
// whole). The ledger and everything that moves money or points count in these integers.

const CURRENCY = /^[A-Z]{3}$/;
const POINT_TYPE = /^[A-Z][A-Z0-9_]{1,31}$/;

/** Whether `unit` is a currency code (ISO 4217) or a point type (such as POINTS). */
export function isUnit(unit: string): boolean {
  return CURRENCY.test(unit) ? unitScale(unit) >= 0 : POINT_TYPE.test(unit);
}

/** Decimals of a unit's minor unit: 2 for USD, 0 for JPY, 3 for KWD; points are whole. */
export function unitScale(unit: string): number {
  if (!CURRENCY.test(unit)) return 0;
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: unit }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return -1;
  }
}

/** "12.3" USD → 1230; null for anything that is not an amount with at most the unit's decimals. */
export function toMinor(value: string, unit: string): number | null {
  const scale = unitScale(unit);
  const m = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(value.trim());
  if (!m || scale < 0 || (m[3] ?? "").length > scale) return null;
  const n = Number(m[2]) * 10 ** scale + Number((m[3] ?? "").padEnd(scale, "0") || "0");
  if (!Number.isSafeInteger(n)) return null;
  return m[1] && n !== 0 ? -n : n;
}

/** 1230 USD → "12.30"; 5 POINTS → "5". */
export function fromMinor(n: number, unit: string): string {
  const scale = Math.max(unitScale(unit), 0);
  const sign = n < 0 ? "-" : "";
  const abs = Math.abs(n);
  if (scale === 0) return `${sign}${abs}`;
  const factor = 10 ** scale;
  return `${sign}${Math.floor(abs / factor)}.${String(abs % factor).padStart(scale, "0")}`;
}

/**
 * The part of `amount` (points an order earned, points or money that paid for it) that
 * refunds of `refunded` so far out of the order's `total` give back, less `before`, what
 * earlier refunds gave: rounded down until the whole total is refunded, which gives the
 * rest, so the parts always add up to `amount` exactly.
 */
export function refundedShare(amount: number, before: number, refunded: number, total: number): number {
  if (total <= 0 || refunded >= total) return amount - before;
  return Math.max(0, Math.floor((amount * refunded) / total) - before);
}
