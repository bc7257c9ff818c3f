// Shapes per-day volume rows into chart series (shared by the dashboards; pure).

const DAY = 24 * 3600 * 1000;

export interface DayRow {
  day: Date;
  pv: string;
  own: string;
}

/** Day-of-period series: this period's cumulative-free daily PV against the last period's same day. */
export function dailySeries(rows: DayRow[], current: { startsAt: Date; endsAt: Date }, previous: { startsAt: Date } | null, now: Date) {
  const byDay = new Map(rows.map((r) => [r.day.getTime(), Number(r.pv)]));
  const days = Math.round((current.endsAt.getTime() - current.startsAt.getTime()) / DAY);
  const out = [];
  for (let i = 0; i < days; i++) {
    const t = current.startsAt.getTime() + i * DAY;
    const before = previous ? previous.startsAt.getTime() + i * DAY : null;
    out.push({
      day: String(i + 1),
      "This period": t <= now.getTime() ? byDay.get(t) ?? 0 : null,
      "Last period": before != null && before < current.startsAt.getTime() ? byDay.get(before) ?? 0 : null,
    });
  }
  return out;
}

/** The last `weeks` ISO weeks (Monday starts), team and own PV each. */
export function weeklySeries(rows: DayRow[], now: Date, weeks = 12) {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monday = midnight - ((new Date(midnight).getUTCDay() + 6) % 7) * DAY;
  const out = [];
  for (let w = weeks - 1; w >= 0; w--) {
    const from = monday - w * 7 * DAY;
    const inWeek = rows.filter((r) => r.day.getTime() >= from && r.day.getTime() < from + 7 * DAY);
    out.push({
      week: new Date(from).toISOString().slice(5, 10),
      "Team PV": Math.round(inWeek.reduce((s, r) => s + Number(r.pv), 0)),
      "Own PV": Math.round(inWeek.reduce((s, r) => s + Number(r.own), 0)),
    });
  }
  return out;
}
