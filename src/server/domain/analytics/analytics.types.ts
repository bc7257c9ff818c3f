import type { TeamStatsRecord } from "@/server/domain/genealogy/genealogy.types";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { OrderRecord } from "@/server/domain/order/order.types";
import type { PeriodRecord, VolumeTotalsRecord } from "@/server/domain/volume/volume.types";

// Report rows as the analytics domain hands them out: camelCase, decimals as strings.

/** A member's PV and GV in one period. */
export interface PeriodVolumePoint {
  startsAt: Date;
  pv: string;
  gv: string;
}

/**
 * PV entered on one UTC day by a member's whole sponsor downline (the member included):
 * `added` by paid orders, `refunded` taken back by refunds and cancellations (a positive
 * number), `own` what the member's own orders added.
 */
export interface DayVolume {
  day: Date;
  added: string;
  refunded: string;
  own: string;
}

/** Totals a period had reached by some moment (to compare like with like). */
export interface VolumeSoFar {
  pv: string;
  gv: string;
  leftLeg: string;
  rightLeg: string;
}

/** A personally sponsored member with their volume in a period. */
export interface DirectContribution {
  id: number;
  firstName: string;
  lastName: string;
  country: string;
  joinedAt: Date;
  pv: string;
  gv: string;
}

export interface CountryVolume {
  country: string;
  pv: string;
  members: number;
}

/** A first-level leader's team: PV entered this week and the week before. */
export interface TeamTrend {
  id: number;
  firstName: string;
  lastName: string;
  thisWeek: string;
  lastWeek: string;
}

export interface MemberPv {
  id: number;
  firstName: string;
  lastName: string;
  country: string;
  pv: string;
}

export interface CompanyVolume {
  pv: string;
  bv: string;
  /** Members with PV in the period. */
  active: number;
}

/** Paid sales in one currency: orders, gross total and what was refunded of it. */
export interface SalesTotal {
  currency: string;
  orders: number;
  total: string;
  refunded: string;
}

export interface TopProduct {
  productId: number;
  sku: string;
  name: string;
  units: number;
  pv: string;
}

/** What a distributor's dashboard can show; a caller asks for the parts it shows. */
export const DASHBOARD_PARTS = ["volume", "lastPeriodSoFar", "history", "daily", "topLegs", "topRecruits", "team", "recentOrders"] as const;
export type DashboardPart = (typeof DASHBOARD_PARTS)[number];

/** A distributor's dashboard: the parts asked for (the others are left out). */
export interface DashboardRecord {
  member: MemberRecord;
  current: PeriodRecord;
  previous: PeriodRecord | null;
  /** This period's totals so far. */
  volume?: VolumeTotalsRecord;
  /** Where the previous period stood after as long as this one has run (null when there was none). */
  lastPeriodSoFar?: VolumeSoFar | null;
  /** Totals in the last 12 periods, oldest first. */
  history?: PeriodVolumePoint[];
  /** Team PV per UTC day over both periods and at least 12 weeks, refunds apart. */
  daily?: DayVolume[];
  /** Personally sponsored members by group volume this period, best 5. */
  topLegs?: DirectContribution[];
  /** Personally sponsored members by their own volume this period, best 5. */
  topRecruits?: DirectContribution[];
  team?: TeamStatsRecord;
  /** The latest 5 orders; null for a viewer who may not see the member's orders. */
  recentOrders?: OrderRecord[] | null;
}
