import { describe, expect, it } from "vitest";
import { countryZone, dayIn, endOfDay, isTimeZone, startOfDay } from "./calendar";

describe("local calendars", () => {
  it.each([
    // instant, zone, its local day
    ["2026-04-28T15:00:00Z", "Asia/Tokyo", "2026-04-29"], // 00:00 in Tokyo: Golden Week has begun there
    ["2026-04-28T14:59:59Z", "Asia/Tokyo", "2026-04-28"],
    ["2026-12-25T03:00:00Z", "America/New_York", "2026-12-24"], // still Christmas Eve in New York
    ["2026-12-25T03:00:00Z", "UTC", "2026-12-25"],
    ["2026-07-01T22:30:00Z", "Europe/Berlin", "2026-07-02"], // summer time: UTC+2
  ])("%s in %s is %s", (at, zone, day) => {
    expect(dayIn(new Date(at), zone)).toBe(day);
  });

  it("starts and ends days at local midnight, daylight saving included", () => {
    expect(startOfDay("2026-04-29", "Asia/Tokyo").toISOString()).toBe("2026-04-28T15:00:00.000Z");
    expect(endOfDay("2026-05-05", "Asia/Tokyo").toISOString()).toBe("2026-05-05T15:00:00.000Z");
    expect(startOfDay("2026-01-15", "Europe/Berlin").toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(startOfDay("2026-07-15", "Europe/Berlin").toISOString()).toBe("2026-07-14T22:00:00.000Z");
    // The day the clocks go forward in New York is 23 hours long.
    expect(endOfDay("2026-03-08", "America/New_York").getTime() - startOfDay("2026-03-08", "America/New_York").getTime()).toBe(23 * 3_600_000);
    expect(startOfDay("2026-12-31", "UTC").toISOString()).toBe("2026-12-31T00:00:00.000Z");
  });

  it("knows a country's zone only when all of its zones keep the same time", () => {
    expect(countryZone("JP")).toBe("Asia/Tokyo");
    expect(countryZone("FR")).toBe("Europe/Paris");
    expect(countryZone("DE")).not.toBeNull();
    expect(countryZone("US")).toBeNull();
    expect(countryZone("BR")).toBeNull();
    expect(countryZone("ZZ")).toBeNull();
  });

  it("tells real zones from made-up ones", () => {
    expect(isTimeZone("America/Sao_Paulo")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});
