import { TZDate } from "@date-fns/tz";
import { getCountry, getTimezone } from "countries-and-timezones";

// Local calendars for regional programmes: which calendar day an instant is in a time zone,
// and when a day starts there (daylight saving included). Zones are IANA names.

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, "0");

/** Whether the runtime knows this IANA time zone ("Asia/Tokyo"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** The calendar day (YYYY-MM-DD) an instant falls on in a zone. */
export function dayIn(at: Date, zone: string): string {
  if (zone === "UTC") return at.toISOString().slice(0, 10);
  const local = new TZDate(at.getTime(), zone);
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** The instant a calendar day (YYYY-MM-DD) starts in a zone: its local midnight. */
export function startOfDay(day: string, zone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  if (zone === "UTC") return new Date(Date.UTC(y, m - 1, d));
  return new Date(new TZDate(y, m - 1, d, zone).getTime());
}

/** The instant the day after `day` starts in a zone (the end of `day`, exclusive). */
export function endOfDay(day: string, zone: string): Date {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  return startOfDay(next, zone);
}

/**
 * A country's time zone when all of its zones keep the same time (Japan, France, Germany),
 * else null (the United States, Brazil: a programme must say which one it means).
 */
export function countryZone(country: string): string | null {
  if (!zoneOfCountry.has(country)) zoneOfCountry.set(country, ownZone(country));
  return zoneOfCountry.get(country)!;
}
const zoneOfCountry = new Map<string, string | null>();

function ownZone(country: string): string | null {
  const zones = getCountry(country)?.timezones ?? [];
  if (zones.length === 0) return null;
  const offsets = new Set(zones.map((z) => {
    const tz = getTimezone(z);
    return tz ? `${tz.utcOffset}/${tz.dstOffset}` : z;
  }));
  return offsets.size === 1 ? zones[0]! : null;
}
