export function formatDate(value: Date | string, locale = "en-GB"): string {
  return new Date(value).toLocaleDateString(locale, { year: "numeric", month: "short", day: "numeric" });
}

export function formatDateTime(value: Date | string, locale = "en-GB"): string {
  return new Date(value).toLocaleString(locale, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function formatCount(n: number, locale = "en-US"): string {
  return n.toLocaleString(locale);
}

export function fullName(m: { firstName: string; lastName: string }): string {
  return `${m.firstName} ${m.lastName}`;
}

export { formatMoney, formatVolume } from "./money";
