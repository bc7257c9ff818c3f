// The admin order list's filter as URL search parameters (shared by the page and the CSV export).

export const ORDER_STATUSES = ["PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"] as const;
export type OrderStatusParam = (typeof ORDER_STATUSES)[number];

export interface OrderFilterParams {
  status?: OrderStatusParam | null;
  memberId?: number | null;
  currency?: string | null;
  placedFrom?: Date | null;
  placedBefore?: Date | null;
}

function day(value: string | undefined, plusDays = 0): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : new Date(d.getTime() + plusDays * 24 * 3600 * 1000);
}

/** Unknown or malformed parameters are ignored, never an error page. */
export function parseOrderFilter(p: Record<string, string | undefined>): OrderFilterParams {
  const status = ORDER_STATUSES.find((s) => s === p.status) ?? null;
  const memberId = p.memberId && /^\d{1,10}$/.test(p.memberId) ? Number(p.memberId) : null;
  const currency = p.currency && /^[A-Za-z]{3}$/.test(p.currency) ? p.currency.toUpperCase() : null;
  return { status, memberId, currency, placedFrom: day(p.from), placedBefore: day(p.to, 1) };
}

export function filterQuery(p: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const k of ["status", "memberId", "currency", "from", "to"]) if (p[k]) q.set(k, p[k]!);
  return q.toString();
}
