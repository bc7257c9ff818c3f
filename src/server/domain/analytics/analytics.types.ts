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
