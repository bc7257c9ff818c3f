/** Members whose PV sits just below a threshold (within gapFraction of it): who is close to qualifying. */
export function gapWindow(threshold: number, gapFraction: number): { from: number; below: number } {
  return { from: threshold * (1 - gapFraction), below: threshold };
}

/**
 * The moment of the previous period that is as far from its start as `now` is from the
 * current period's start, capped at the previous period's end: compare day 3 with day 3,
 * not day 3 with a whole month (a month of 31 days against one of 28 caps at the end).
 */
export function sameElapsedMoment(current: { startsAt: Date }, previous: { startsAt: Date; endsAt: Date }, now: Date): Date {
  const elapsed = Math.max(0, now.getTime() - current.startsAt.getTime());
  return new Date(Math.min(previous.startsAt.getTime() + elapsed, previous.endsAt.getTime()));
}
