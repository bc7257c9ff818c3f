import { describe, expect, it } from "vitest";
import { gapWindow, sameElapsedMoment } from "./analytics.rules";

const d = (s: string) => new Date(s);

describe("sameElapsedMoment", () => {
  const current = { startsAt: d("2026-11-01T00:00:00Z") };
  const previous = { startsAt: d("2026-10-01T00:00:00Z"), endsAt: d("2026-11-01T00:00:00Z") };

  it("lands as far into the last period as now is into this one", () => {
    expect(sameElapsedMoment(current, previous, d("2026-11-03T14:30:00Z"))).toEqual(d("2026-10-03T14:30:00Z"));
  });

  it("stops at the end of a shorter last period", () => {
    const march = { startsAt: d("2027-03-01T00:00:00Z") };
    const february = { startsAt: d("2027-02-01T00:00:00Z"), endsAt: d("2027-03-01T00:00:00Z") };
    expect(sameElapsedMoment(march, february, d("2027-03-31T12:00:00Z"))).toEqual(d("2027-03-01T00:00:00Z"));
  });

  it("is the last period's start at the first instant of this one", () => {
    expect(sameElapsedMoment(current, previous, current.startsAt)).toEqual(previous.startsAt);
  });
});

describe("gapWindow", () => {
  it("spans the given fraction below the threshold", () => {
    expect(gapWindow(100, 0.2)).toEqual({ from: 80, below: 100 });
  });
});
