// Shapes per-day volume rows into chart series (shared by the dashboards; pure).
// Refunds are a series of their own: a day with more refunded than sold shows both
// amounts rather than a net bar below zero.

const DAY = 24 * 3600 * 1000;

export interface DayRow {
  day: Date;
  /** PV added by paid orders that day. */
  added: string;
  /** PV taken back by refunds and cancellations that day (positive). */
  refunded: string;
  /** PV the member's own orders added that day. */
  own: string;
}

/** Day-of-period series: PV added each day this period against the same day of the last period, and this period's refunds. */
export function dailySeries(rows: DayRow[], current: { startsAt: Date; endsAt: Date }, previous: { startsAt: Date } | null, now: Date) {
  const byDay = new Map(rows.map((r) => [r.day.getTime(), r]));
  const days = Math.round((current.endsAt.getTime() - current.startsAt.getTime()) / DAY);
  const out = [];
  for (let i = 0; i < days; i++) {
    const t = current.startsAt.getTime() + i * DAY;
    const before = previous ? previous.startsAt.getTime() + i * DAY : null;
    const today = t <= now.getTime() ? byDay.get(t) : undefined;
    out.push({
      day: String(i + 1),
      "This period": t <= now.getTime() ? Number(today?.added ?? 0) : null,
      "Last period": before != null && before < current.startsAt.getTime() ? Number(byDay.get(before)?.added ?? 0) : null,
      Refunds: t <= now.getTime() ? Number(today?.refunded ?? 0) : null,
    });
  }
  return out;
}

/** The last `weeks` ISO weeks (Monday starts): team PV added, own PV added, and refunds. */
export function weeklySeries(rows: DayRow[], now: Date, weeks = 12) {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monday = midnight - ((new Date(midnight).getUTCDay() + 6) % 7) * DAY;
  const out = [];
  for (let w = weeks - 1; w >= 0; w--) {
    const from = monday - w * 7 * DAY;
    const inWeek = rows.filter((r) => r.day.getTime() >= from && r.day.getTime() < from + 7 * DAY);
    const sum = (f: (r: DayRow) => string) => Math.round(inWeek.reduce((s, r) => s + Number(f(r)), 0));
    out.push({
      week: new Date(from).toISOString().slice(5, 10),
      "Team PV": sum((r) => r.added),
      "Own PV": sum((r) => r.own),
      Refunds: sum((r) => r.refunded),
    });
  }
  return out;
}
