import { Field, ID, ObjectType } from "type-graphql";
import { TeamStats } from "../genealogy/genealogy.type";
import { Member } from "../member/member.type";
import { Order } from "../order/order.type";
import { Period, VolumeSummary } from "../volume/volume.type";

@ObjectType("VolumeSoFar", { description: "Where a member's volume in a period stood at some moment (decimal strings)." })
export class VolumeSoFar {
  @Field(() => String) pv!: string;
  @Field(() => String) gv!: string;
  @Field(() => String) leftLegVolume!: string;
  @Field(() => String) rightLegVolume!: string;
}

@ObjectType("PeriodVolume", { description: "A member's PV and GV in one period." })
export class PeriodVolume {
  @Field(() => Date) startsAt!: Date;
  @Field(() => String) pv!: string;
  @Field(() => String) gv!: string;
}

@ObjectType("DayVolume", { description: "PV entered on one UTC day by a member and their whole sponsor downline." })
export class DayVolume {
  @Field(() => Date, { description: "The day's start (UTC)." }) day!: Date;
  @Field(() => String, { description: "Added by paid orders." }) added!: string;
  @Field(() => String, { description: "Taken back by refunds and cancellations (a positive number, never negative volume)." }) refunded!: string;
  @Field(() => String, { description: "What the member's own orders added." }) own!: string;
}

@ObjectType("DirectVolume", { description: "A personally sponsored member with their volume this period." })
export class DirectVolume {
  @Field(() => ID) memberId!: number;
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
  @Field(() => String) country!: string;
  @Field(() => Date) joinedAt!: Date;
  @Field(() => String) pv!: string;
  @Field(() => String) gv!: string;
}

@ObjectType("Dashboard", {
  description: "A distributor's dashboard. The parts a query selects are read together, in one round trip to the database.",
})
export class Dashboard {
  @Field(() => Member) member!: unknown;
  @Field(() => Period, { description: "The open period." }) period!: unknown;
  @Field(() => Period, { nullable: true, description: "The period before it, if there was one." }) previousPeriod!: unknown;
  @Field(() => VolumeSummary, { description: "This period's totals so far." }) volume!: unknown;
  @Field(() => VolumeSoFar, { nullable: true, description: "Where the previous period stood after as long as this one has run (its whole days before that moment, and that moment's day pro rata to the hour, from the per-day totals): compare with this, not with the whole previous period." })
  lastPeriodSoFar!: unknown;
  @Field(() => [PeriodVolume], { description: "Totals in the last 12 periods, oldest first." }) history!: unknown;
  @Field(() => [DayVolume], { description: "Team PV per UTC day over this and the previous period and at least 12 weeks, refunds apart." }) daily!: unknown;
  @Field(() => [DirectVolume], { description: "Personally sponsored members by group volume this period, best 5." }) topLegs!: unknown;
  @Field(() => [DirectVolume], { description: "Personally sponsored members by their own volume this period, best 5." }) topRecruits!: unknown;
  @Field(() => TeamStats, { description: "The sponsor team." }) team!: unknown;
  @Field(() => [Order], { nullable: true, description: "The latest 5 orders; null unless you are the member or hold orders.read covering them." })
  recentOrders!: unknown;
}
