import type { BinaryDetail, BoardDetail } from "./engine.rules";
import type { PlanChange } from "./plan.rules";

export type RunModeName = "PREVIEW" | "COMMIT";
export type RunStatusName = "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED";
/** EARNED: a period's first commit. CORRECTION: the difference when a period is committed again. CLAWBACK: the difference an earlier paid period owes after refunds of its orders. */
export type LineKind = "EARNED" | "CORRECTION" | "CLAWBACK";

export interface PlanVersionRecord {
  id: number;
  number: number;
  document: unknown;
  comment: string;
  authorId: number | null;
  authorName: string | null;
  createdAt: Date;
  /** Periods from whose start on this version was activated (latest first). */
  activeFrom: Date[];
}

export interface PlanVersionWithDiff extends PlanVersionRecord {
  /** What changed since the version before it. */
  changes: PlanChange[];
}

/** Totals of a run by bonus and its biggest earners; a simulation adds the comparison. */
export interface RunSummary {
  companyVolume: string;
  uncappedTotal: number;
  capFactor: string | null;
  byBonus: { bonusIndex: number; bonusType: string; amount: number; lines: number }[];
  byRank: { rank: string; members: number; total: number; average: number }[];
  topEarners: { memberId: number; name: string; amount: number }[];
  earners: number;
  clawback: number;
  /** Where the run's time went, in ms (this execution: a resumed run counts from its restart). */
  timings?: { stage: string; ms: number }[];
  /** Simulations: what was paid for the period, and the biggest differences. */
  comparison?: {
    paid: number;
    simulated: number;
    sales: string;
    paidRatio: number | null;
    simulatedRatio: number | null;
    byRank: { rank: string; paidAverage: number; simulatedAverage: number }[];
    winners: { memberId: number; name: string; paid: number; simulated: number }[];
    losers: { memberId: number; name: string; paid: number; simulated: number }[];
  };
}

export interface RunRecord {
  id: number;
  periodId: number;
  periodStartsAt: Date;
  mode: RunModeName;
  status: RunStatusName;
  planVersionId: number;
  planVersionNumber: number;
  simulation: boolean;
  progress: number;
  stage: string;
  currency: string;
  totalPaid: number | null;
  lineCount: number | null;
  /** Chunks of lines written so far (a resumed run goes on from there). */
  linesWritten: number;
  hash: string | null;
  summary: RunSummary | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface LineExplanation {
  rule: string;
  /** Volume (volume units) or money (for MATCHING) the line is a share of. */
  basis: string;
  basisKind: "VOLUME" | "MONEY";
  rate: string;
  rank: string | null;
  planVersion: number;
  /** Inactive members skipped by compression between source and earner. */
  compressionPath: number[];
  capFactor: string | null;
  binary: BinaryDetail | null;
  board: BoardDetail | null;
  uncapped: number;
}

export interface CommissionLineRecord {
  runId: number;
  periodId: number;
  periodStartsAt: Date;
  memberId: number;
  memberName: string;
  bonusIndex: number;
  bonusType: string;
  kind: LineKind;
  sourceMemberId: number | null;
  sourceName: string | null;
  level: number;
  amount: number;
  currency: string;
  explanation: LineExplanation;
}

export interface RankRequirement {
  rule: string;
  required: string;
  actual: string;
  met: boolean;
}

export interface RankReportRecord {
  memberId: number;
  periodId: number;
  paidAsRank: string | null;
  achievedRank: string | null;
  nextRank: string | null;
  /** GV with the maximum-leg rule of the next rank applied. */
  qualifyingVolume: string;
  requirements: RankRequirement[];
  /** First-level legs: their GV and how much of it counts for the next rank. */
  legs: { memberId: number; name: string; gv: string; counted: string }[];
}
