import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GenealogyErrorCode } from "@/server/domain/genealogy/genealogy.errors";
import { fieldErrorType, payloadType } from "../../shared/field-error";
import { Member } from "../member/member.type";

export enum GenealogyTree { SPONSOR = "SPONSOR", PLACEMENT = "PLACEMENT" }
registerEnumType(GenealogyTree, {
  name: "GenealogyTree",
  description: "SPONSOR: who recruited whom. PLACEMENT: where members sit for the compensation plan.",
});

export enum TeamEventKind { JOINED = "JOINED" }
registerEnumType(TeamEventKind, { name: "TeamEventKind" });

@ObjectType("LevelCount")
export class LevelCount {
  @Field(() => Int, { description: "1 = directly below." }) level!: number;
  @Field(() => Int) count!: number;
  @Field(() => Int, { description: "Joined in the last 7 days." }) newThisWeek!: number;
}

@ObjectType("TeamStats")
export class TeamStats {
  @Field(() => ID) memberId!: number;
  @Field(() => GenealogyTree) tree!: GenealogyTree;
  @Field(() => Int, { description: "Everyone below the member." }) teamSize!: number;
  @Field(() => Int, { description: "Members directly below (SPONSOR: personally recruited)." }) directs!: number;
  @Field(() => Int) newThisWeek!: number;
  @Field(() => [LevelCount]) levels!: LevelCount[];
}

@ObjectType("TeamEvent", { description: "Something happened in a member's team." })
export class TeamEvent {
  @Field(() => TeamEventKind) kind!: TeamEventKind;
  @Field(() => ID, { description: "The member whose team changed (the one subscribed to)." }) memberId!: number;
  @Field(() => Member, { description: "The member who joined." }) member!: unknown;
  @Field(() => Int, { nullable: true, description: "Levels below memberId in the sponsor tree." }) sponsorLevel!: number | null;
  @Field(() => Int, { nullable: true, description: "Levels below memberId in the placement tree." }) placementLevel!: number | null;
  @Field(() => Date) occurredAt!: Date;
}

export const GenealogyError = fieldErrorType("GenealogyError", GenealogyErrorCode);

export const RegisterMemberPayload = payloadType("RegisterMemberPayload", "member", Member, GenealogyError);
