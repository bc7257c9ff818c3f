import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { CompensationErrorCode } from "@/server/domain/compensation/compensation.errors";
import { connectionType } from "../../shared/connection";
import { fieldErrorType, payloadType } from "../../shared/field-error";
import { JSONScalar } from "../../shared/json";

// Money is a decimal string in the plan's currency ("12.50"); volumes are decimal strings too.

export enum RunMode { PREVIEW = "PREVIEW", COMMIT = "COMMIT" }
export enum RunStatus { QUEUED = "QUEUED", RUNNING = "RUNNING", COMPLETED = "COMPLETED", FAILED = "FAILED" }
export enum CommissionLineKind { EARNED = "EARNED", CORRECTION = "CORRECTION", CLAWBACK = "CLAWBACK" }
registerEnumType(RunMode, { name: "RunMode", description: "PREVIEW computes and writes nothing (any period); COMMIT pays a closed period, once." });
registerEnumType(RunStatus, { name: "RunStatus" });
registerEnumType(CommissionLineKind, { name: "CommissionLineKind", description: "EARNED in the period's first commit; CORRECTION when it is committed again; CLAWBACK after refunds of an earlier paid period." });

export const CompensationError = fieldErrorType("CompensationError", CompensationErrorCode);

@ObjectType("PlanChange", { description: "One changed field between two plan versions, by JSON path." })
export class PlanChange {
  @Field(() => String) path!: string;
  @Field(() => JSONScalar, { nullable: true }) before!: unknown;
  @Field(() => JSONScalar, { nullable: true }) after!: unknown;
}

@ObjectType("PlanVersion", { description: "A saved compensation plan document. Versions never change; activate one from a period on." })
export class PlanVersion {
  @Field(() => ID) id!: string;
  @Field(() => Int) number!: number;
  @Field(() => JSONScalar) plan!: unknown;
  @Field(() => String) comment!: string;
  @Field(() => ID, { nullable: true }) authorId!: string | null;
  @Field(() => String, { nullable: true }) authorName!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => [Date], { description: "Starts of the periods this version was activated from, latest activation first." }) activeFrom!: Date[];
  @Field(() => [PlanChange], { description: "What changed since the version before." }) changes!: PlanChange[];
}

export const PlanVersionPayload = payloadType("PlanVersionPayload", "version", PlanVersion, CompensationError);

@ObjectType("BonusTotal")
export class BonusTotal {
  @Field(() => Int) bonusIndex!: number;
  @Field(() => String) bonusType!: string;
  @Field(() => String) amount!: string;
  @Field(() => Int) lines!: number;
}

@ObjectType("RankTotal")
export class RankTotal {
  @Field(() => String) rank!: string;
  @Field(() => Int) members!: number;
  @Field(() => String) total!: string;
  @Field(() => String) average!: string;
}

@ObjectType("RunEarner")
export class RunEarner {
  @Field(() => ID) memberId!: string;
  @Field(() => String) name!: string;
  @Field(() => String) amount!: string;
}

@ObjectType("SimulationRank")
export class SimulationRank {
  @Field(() => String) rank!: string;
  @Field(() => String) paidAverage!: string;
  @Field(() => String) simulatedAverage!: string;
}

@ObjectType("SimulationMember")
export class SimulationMember {
  @Field(() => ID) memberId!: string;
  @Field(() => String) name!: string;
  @Field(() => String) paid!: string;
  @Field(() => String) simulated!: string;
}

@ObjectType("SimulationComparison", { description: "A simulated plan against what was paid for the period." })
export class SimulationComparison {
  @Field(() => String) paid!: string;
  @Field(() => String) simulated!: string;
  @Field(() => String) sales!: string;
  @Field(() => Float, { nullable: true, description: "Paid ÷ sales." }) paidRatio!: number | null;
  @Field(() => Float, { nullable: true }) simulatedRatio!: number | null;
  @Field(() => [SimulationRank]) byRank!: SimulationRank[];
  @Field(() => [SimulationMember], { description: "Who would gain most." }) winners!: SimulationMember[];
  @Field(() => [SimulationMember], { description: "Who would lose most." }) losers!: SimulationMember[];
}

@ObjectType("RunSummary")
export class RunSummary {
  @Field(() => String) companyVolume!: string;
  @Field(() => String, { description: "Total before the payout cap." }) uncappedTotal!: string;
  @Field(() => String, { nullable: true, description: "The factor every line was scaled by, when the payout cap bit." }) capFactor!: string | null;
  @Field(() => [BonusTotal]) byBonus!: BonusTotal[];
  @Field(() => [RankTotal]) byRank!: RankTotal[];
  @Field(() => [RunEarner]) topEarners!: RunEarner[];
  @Field(() => Int) earners!: number;
  @Field(() => String, { description: "Taken back from earlier periods after refunds (negative)." }) clawback!: string;
  @Field(() => SimulationComparison, { nullable: true }) comparison!: SimulationComparison | null;
  @Field(() => [RunTiming], { description: "Where the run's time went (its last execution)." }) timings!: RunTiming[];
}

@ObjectType("RunTiming")
export class RunTiming {
  @Field(() => String) stage!: string;
  @Field(() => Int, { description: "Milliseconds." }) ms!: number;
}

@ObjectType("CommissionRun")
export class CommissionRun {
  @Field(() => ID) id!: string;
  @Field(() => ID) periodId!: string;
  @Field(() => Date) periodStartsAt!: Date;
  @Field(() => RunMode) mode!: RunMode;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => ID) planVersionId!: string;
  @Field(() => Int) planVersionNumber!: number;
  @Field(() => Boolean, { description: "A draft version previewed against what was paid." }) simulation!: boolean;
  @Field(() => Float, { description: "0 to 1." }) progress!: number;
  @Field(() => String) stage!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { nullable: true, description: "What the run pays (a preview: would pay)." }) totalPaid!: string | null;
  @Field(() => Int, { nullable: true }) lineCount!: number | null;
  @Field(() => String, { nullable: true, description: "sha256 of every computed line: the same inputs give the same hash." }) hash!: string | null;
  @Field(() => RunSummary, { nullable: true }) summary!: RunSummary | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

export const CommissionRunConnection = connectionType("CommissionRun", CommissionRun);
export const CommissionRunPayload = payloadType("CommissionRunPayload", "run", CommissionRun, CompensationError);

@ObjectType("CommissionRunProgress")
export class CommissionRunProgress {
  @Field(() => ID) runId!: string;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => Float) progress!: number;
  @Field(() => String) stage!: string;
}

@ObjectType("BinaryExplanation", { description: "Leg volumes of a binary line (volume units)." })
export class BinaryExplanation {
  @Field(() => String) left!: string;
  @Field(() => String) right!: string;
  @Field(() => String) carryInLeft!: string;
  @Field(() => String) carryInRight!: string;
  @Field(() => String) matched!: string;
  @Field(() => Int, { nullable: true }) cycles!: number | null;
  @Field(() => String) carryOutLeft!: string;
  @Field(() => String) carryOutRight!: string;
  @Field(() => Boolean, { description: "The bonus hit capPerPeriod." }) capped!: boolean;
}

@ObjectType("BoardExplanation", { description: "The board whose filling paid a BOARD line." })
export class BoardExplanation {
  @Field(() => Int, { description: "1-based stage of the board." }) stage!: number;
  @Field(() => Int, { description: "The board's number (numbered as boards are made)." }) board!: number;
  @Field(() => Int) seats!: number;
  @Field(() => Int, { nullable: true, description: "The stage the top moved to; null when they left the boards." }) movedTo!: number | null;
}

@ObjectType("CommissionExplanation", { description: "Why a line paid what it paid." })
export class CommissionExplanation {
  @Field(() => String) rule!: string;
  @Field(() => String, { description: "What the rate applies to." }) basis!: string;
  @Field(() => String, { description: "VOLUME (volume units) or MONEY (a matched bonus, in the currency)." }) basisKind!: string;
  @Field(() => String) rate!: string;
  @Field(() => String, { nullable: true, description: "The earner's paid-as rank in the period." }) rank!: string | null;
  @Field(() => Int) planVersion!: number;
  @Field(() => [ID], { description: "Inactive members compression skipped between source and earner." }) compressionPath!: string[];
  @Field(() => String, { nullable: true }) capFactor!: string | null;
  @Field(() => String, { description: "The amount before the payout cap." }) uncapped!: string;
  @Field(() => BinaryExplanation, { nullable: true }) binary!: BinaryExplanation | null;
  @Field(() => BoardExplanation, { nullable: true }) board!: BoardExplanation | null;
}

@ObjectType("CommissionLine")
export class CommissionLine {
  @Field(() => ID) id!: string;
  @Field(() => ID) runId!: string;
  @Field(() => ID) periodId!: string;
  @Field(() => Date) periodStartsAt!: Date;
  @Field(() => ID) memberId!: string;
  @Field(() => String) memberName!: string;
  @Field(() => String) bonusType!: string;
  @Field(() => CommissionLineKind) kind!: CommissionLineKind;
  @Field(() => ID, { nullable: true }) sourceMemberId!: string | null;
  @Field(() => String, { nullable: true }) sourceName!: string | null;
  @Field(() => Int, { description: "Level, generation or rank number; 0 when none applies." }) level!: number;
  @Field(() => String) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => CommissionExplanation) explanation!: CommissionExplanation;
}

export const CommissionLineConnection = connectionType("CommissionLine", CommissionLine);

@ObjectType("RankRef")
export class RankRef {
  @Field(() => String) name!: string;
}

@ObjectType("RankRequirement")
export class RankRequirement {
  @Field(() => String) rule!: string;
  @Field(() => String) required!: string;
  @Field(() => String) actual!: string;
  @Field(() => Boolean) met!: boolean;
}

@ObjectType("RankLeg", { description: "A first-level leg: its GV and how much of it counts for the next rank (maximum-leg rule)." })
export class RankLeg {
  @Field(() => ID) memberId!: string;
  @Field(() => String) name!: string;
  @Field(() => String) gv!: string;
  @Field(() => String) counted!: string;
}

@ObjectType("RankReport", { description: "A member's rank card for a period: where they stand and what the next rank still needs." })
export class RankReport {
  @Field(() => ID) memberId!: string;
  @Field(() => ID) periodId!: string;
  @Field(() => RankRef, { nullable: true }) paidAsRank!: RankRef | null;
  @Field(() => RankRef, { nullable: true }) achievedRank!: RankRef | null;
  @Field(() => RankRef, { nullable: true }) nextRank!: RankRef | null;
  @Field(() => String) qualifyingVolume!: string;
  @Field(() => [RankRequirement]) requirements!: RankRequirement[];
  @Field(() => [RankLeg]) legs!: RankLeg[];
}

@ObjectType("EstimatedEarnings", { description: "What a member would earn in a period if it were paid now." })
export class EstimatedEarnings {
  @Field(() => ID) periodId!: string;
  @Field(() => String) currency!: string;
  @Field(() => String) total!: string;
  @Field(() => [BonusTotal]) byBonus!: BonusTotal[];
  @Field(() => String, { nullable: true }) capFactor!: string | null;
  @Field(() => Boolean, { description: "Whether the member's PV makes them active in the period." }) active!: boolean;
  @Field(() => String) pv!: string;
  @Field(() => String) activeMinPv!: string;
}

@ObjectType("CommissionPeriodTotal")
export class CommissionPeriodTotal {
  @Field(() => ID) periodId!: string;
  @Field(() => Date) startsAt!: Date;
  @Field(() => String) currency!: string;
  @Field(() => String) total!: string;
  @Field(() => [BonusTotal]) byBonus!: BonusTotal[];
}
