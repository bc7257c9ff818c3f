import type { PeriodKindName } from "./volume.rules";

export interface PeriodRecord {
  id: number;
  kind: PeriodKindName;
  startsAt: Date;
  endsAt: Date;
  status: "OPEN" | "CLOSED";
  closedAt: Date | null;
}

/** A member's totals in one period; decimals as strings. */
export interface VolumeTotalsRecord {
  memberId: number;
  periodId: number;
  pv: string;
  bv: string;
  gv: string;
  leftLeg: string;
  rightLeg: string;
  revision: number;
}

/** A ledger entry the applier takes off its list. */
export interface AppliedEntry {
  id: string;
  periodId: number;
  memberId: number;
  orderId: number | null;
  pv: string;
  bv: string;
  reason: string;
  idempotencyKey: string;
}

/** A kept total that differs from the ledger. */
export interface VolumeMismatch {
  periodId: number;
  memberId: number;
  field: string;
  kept: string;
  ledger: string;
}
