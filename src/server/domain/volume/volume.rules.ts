import { z } from "zod";

export type PeriodKindName = "MONTHLY" | "WEEKLY";

export const volumeConfigSchema = z.object({
  periodKind: z.enum(["MONTHLY", "WEEKLY"]),
  /** PV levels that matter to distributors (e.g. staying active); the admin's volume-gap report looks just below them when no compensation plan is in force (else below the plan's own levels). */
  thresholds: z.array(z.object({ name: z.string().min(1).max(40), pv: z.number().positive() })).max(20),
  /** How close below a threshold counts as a gap, as a fraction of it. */
  gapFraction: z.number().positive().max(1),
});
export type VolumeConfig = z.infer<typeof volumeConfigSchema>;

export const DEFAULT_VOLUME_CONFIG: VolumeConfig = {
  periodKind: "MONTHLY",
  thresholds: [{ name: "Active", pv: 100 }, { name: "Qualified", pv: 300 }],
  gapFraction: 0.2,
};

const DAY_MS = 24 * 3600 * 1000;

/**
 * The UTC period holding `at`: a calendar month, or an ISO week starting on Monday.
 * Volume belongs to the period of the payment date.
 */
export function periodBounds(at: Date, kind: PeriodKindName): { startsAt: Date; endsAt: Date } {
  if (kind === "MONTHLY") {
    const startsAt = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    const endsAt = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    return { startsAt, endsAt };
  }
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  const startsAt = new Date(midnight - sinceMonday * DAY_MS);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 7 * DAY_MS) };
}

/** The period just before the one starting at `startsAt`. */
export function previousPeriodStart(startsAt: Date, kind: PeriodKindName): Date {
  return periodBounds(new Date(startsAt.getTime() - 1), kind).startsAt;
}

/** Binary legs: position 0 is the left leg, 1 the right; other positions have no leg. */
export function legOfPosition(position: number | null): "LEFT" | "RIGHT" | null {
  return position === 0 ? "LEFT" : position === 1 ? "RIGHT" : null;
}

export interface VolumeTotals {
  pv: number;
  bv: number;
  gv: number;
  leftLeg: number;
  rightLeg: number;
}

export interface TreeMember {
  id: number;
  sponsorPath: number[];
  /** Root first, the member last. */
  placementPath: number[];
  placementPosition: number | null;
}

/**
 * The reference model of volume totals, computed from scratch: every member's own PV and
 * BV, GV as PV summed over the sponsor subtree (self included), and leg volume as PV
 * summed over each binary placement leg. All in hundredths. The database keeps the same
 * numbers incrementally; tests and the check command compare the two.
 */
export function volumesFromEntries(
  members: readonly TreeMember[],
  entries: readonly { memberId: number; pv: number; bv: number }[],
  binaryLegs: boolean,
): Map<number, VolumeTotals> {
  const byId = new Map(members.map((m) => [m.id, m]));
  const totals = new Map<number, VolumeTotals>();
  const at = (id: number) => {
    let t = totals.get(id);
    if (!t) totals.set(id, (t = { pv: 0, bv: 0, gv: 0, leftLeg: 0, rightLeg: 0 }));
    return t;
  };
  for (const e of entries) {
    const own = at(e.memberId);
    own.pv += e.pv;
    own.bv += e.bv;
    const m = byId.get(e.memberId);
    if (!m) continue;
    for (const ancestor of m.sponsorPath) at(ancestor).gv += e.pv;
    if (!binaryLegs) continue;
    for (let i = 0; i + 1 < m.placementPath.length; i++) {
      const child = byId.get(m.placementPath[i + 1]!);
      const leg = legOfPosition(child?.placementPosition ?? null);
      if (leg === "LEFT") at(m.placementPath[i]!).leftLeg += e.pv;
      if (leg === "RIGHT") at(m.placementPath[i]!).rightLeg += e.pv;
    }
  }
  return totals;
}
