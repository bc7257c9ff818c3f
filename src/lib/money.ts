// Money and volume in the rules are exact fixed-point integers in hundredths
// (cents, centi-PV); the database keeps numeric(…, 2). Never floats.

const DECIMAL_2 = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "12.3" → 1230; null for anything that is not a number with at most two decimals. */
export function parseHundredths(value: string | number): number | null {
  const text = typeof value === "number" ? (Number.isFinite(value) ? value.toFixed(2) : "") : value.trim();
  const m = DECIMAL_2.exec(text);
  if (!m) return null;
  const n = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] && n !== 0 ? -n : n;
}

/** Like parseHundredths, for values the database handed out (always valid). */
export function hundredths(value: string | number | { toString(): string }): number {
  const n = parseHundredths(typeof value === "number" ? value : value.toString());
  if (n == null) throw new Error(`not a two-decimal number: ${String(value)}`);
  return n;
}

/** 1230 → "12.30". */
export function formatHundredths(n: number): string {
  const sign = n < 0 ? "-" : "";
  const abs = Math.abs(n);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** amount × basis points / 10000, rounded half away from zero. */
export function applyBasisPoints(amount: number, basisPoints: number): number {
  const raw = (amount * basisPoints) / 10_000;
  return Math.sign(raw) * Math.round(Math.abs(raw));
}

export function formatMoney(amount: string | number, currency: string, locale = "en-US"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
}

export function formatVolume(value: string | number, locale = "en-US"): string {
  return Number(value).toLocaleString(locale, { maximumFractionDigits: 2 });
}

const EURO_COUNTRIES = new Set(["AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "NL", "PT"]);

/** The currency a member in `country` shops in by default (the demo company sells in USD, EUR and GBP). */
export function defaultCurrencyFor(country: string): string {
  return EURO_COUNTRIES.has(country) ? "EUR" : country === "GB" ? "GBP" : "USD";
}

/** "+12%", "−5%", "±0%" or "new" (nothing before), and which way it went. */
export function percentChange(now: number, before: number): { text: string; direction: "increase" | "decrease" | "unchanged" } {
  if (before === 0) return now === 0 ? { text: "±0%", direction: "unchanged" } : { text: "new", direction: "increase" };
  const pct = ((now - before) / Math.abs(before)) * 100;
  return { text: `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`, direction: pct > 0.5 ? "increase" : pct < -0.5 ? "decrease" : "unchanged" };
}
