import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { VolumeErrorCode } from "@/server/domain/volume/volume.errors";
import { connectionType, edgeBase } from "../../shared/connection";
import { fieldErrorType, payloadType } from "../../shared/field-error";

export enum PeriodStatus { OPEN = "OPEN", CLOSED = "CLOSED" }
export enum PeriodKind { MONTHLY = "MONTHLY", WEEKLY = "WEEKLY" }
registerEnumType(PeriodStatus, { name: "PeriodStatus" });
registerEnumType(PeriodKind, { name: "PeriodKind" });

@ObjectType("Period", { description: "A volume period: [startsAt, endsAt) in UTC. Volume belongs to the period of the payment date." })
export class Period {
  @Field(() => ID) id!: string;
  @Field(() => PeriodKind) kind!: PeriodKind;
  @Field(() => Date) startsAt!: Date;
  @Field(() => Date) endsAt!: Date;
  @Field(() => PeriodStatus) status!: PeriodStatus;
}

@ObjectType("VolumeSummary", { description: "A member's volume in one period (decimal strings)." })
export class VolumeSummary {
  @Field(() => ID) memberId!: string;
  @Field(() => ID) periodId!: string;
  @Field(() => String, { description: "Personal volume: the member's own paid orders and customers' orders." }) pv!: string;
  @Field(() => String, { description: "Business volume of the same orders." }) bv!: string;
  @Field(() => String, { description: "Group volume: PV of the member and the whole sponsor downline." }) gv!: string;
  @Field(() => String, { description: "PV of the left binary placement leg." }) leftLegVolume!: string;
  @Field(() => String, { description: "PV of the right binary placement leg." }) rightLegVolume!: string;
  @Field(() => Int, { description: "Grows with every change: drop an update older than the one you have." }) revision!: number;
}

@ObjectType("VolumeUpdate", { description: "New totals of one member after an order in their organisation changed them." })
export class VolumeUpdate extends VolumeSummary {
  @Field(() => ID, { nullable: true }) orderId!: string | null;
}

@ObjectType("PeriodEdge")
export class PeriodEdge extends edgeBase("Period", Period) {}

/** The standard connection, plus the flat fields it had before every list shared one shape. */
@ObjectType("PeriodConnection")
export class PeriodConnection extends connectionType("Period", Period, { edge: PeriodEdge, asBase: true }) {
  @Field(() => Boolean, { deprecationReason: "Use pageInfo.hasNextPage." }) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, deprecationReason: "Use pageInfo.endCursor." }) endCursor!: string | null;
}

export const VolumeError = fieldErrorType("VolumeError", VolumeErrorCode);

export const ClosePeriodPayload = payloadType("ClosePeriodPayload", "period", Period, VolumeError);
