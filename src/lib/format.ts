export function formatDate(value: Date | string, locale = "en-GB"): string {
  return new Date(value).toLocaleDateString(locale, { year: "numeric", month: "short", day: "numeric" });
}

export function formatDateTime(value: Date | string, locale = "en-GB"): string {
  return new Date(value).toLocaleString(locale, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function formatCount(n: number, locale = "en-US"): string {
  return n.toLocaleString(locale);
}

/** A decimal string with its whole part grouped by thousands ("-24032.09" → "-24,032.09"), digits kept as they are. */
export function groupDigits(decimal: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(decimal);
  return m ? `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${m[3] ?? ""}` : decimal;
}

/** A count with its noun: "1 item", "1,204 items" (`many` for irregular plurals). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** A code (a bonus type, a point type) as people read it at the start of a label: "FAST_START" → "Fast start". */
export function codeLabel(code: string): string {
  return code.charAt(0) + code.slice(1).replace(/_/g, " ").toLowerCase();
}

export function fullName(m: { firstName: string; lastName: string }): string {
  return `${m.firstName} ${m.lastName}`;
}

export { formatMoney, formatVolume } from "./money";
