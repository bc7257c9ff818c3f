import { describe, expect, it } from "vitest";
import { dailySeries, weeklySeries } from "./volume-series";

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const period = { startsAt: d("2026-11-01"), endsAt: d("2026-12-01") };
const previous = { startsAt: d("2026-10-01") };

describe("volume series", () => {
  it("keeps a day with more refunded than sold above zero, refunds as their own series", () => {
    const rows = [
      { day: d("2026-11-02"), added: "40.00", refunded: "120.00", own: "0" },
      { day: d("2026-10-02"), added: "75.00", refunded: "0", own: "25.00" },
    ];
    const daily = dailySeries(rows, period, previous, d("2026-11-03"));
    expect(daily[1]).toEqual({ day: "2", "This period": 40, "Last period": 75, Refunds: 120 });
    expect(daily[5]).toEqual({ day: "6", "This period": null, "Last period": 0, Refunds: null });
    expect(daily.every((p) => (p["This period"] ?? 0) >= 0 && (p.Refunds ?? 0) >= 0)).toBe(true);
  });

  it("sums weeks from Monday, refunds apart", () => {
    const rows = [
      { day: d("2026-11-16"), added: "10.00", refunded: "4.00", own: "10.00" },
      { day: d("2026-11-22"), added: "5.00", refunded: "0", own: "0" },
      { day: d("2026-11-23"), added: "7.00", refunded: "1.00", own: "7.00" },
    ];
    const weekly = weeklySeries(rows, d("2026-11-24"), 2);
    expect(weekly).toEqual([
      { week: "11-16", "Team PV": 15, "Own PV": 10, Refunds: 4 },
      { week: "11-23", "Team PV": 7, "Own PV": 7, Refunds: 1 },
    ]);
  });
});
