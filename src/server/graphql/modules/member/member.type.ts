import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { MemberErrorCode } from "@/server/domain/member/member.errors";
import { connectionType, edgeBase } from "../../shared/connection";
import { fieldErrorType, payloadType } from "../../shared/field-error";

export enum Role { ADMIN = "ADMIN", DISTRIBUTOR = "DISTRIBUTOR" }
export enum MemberStatus { ACTIVE = "ACTIVE", SUSPENDED = "SUSPENDED", ERASED = "ERASED" }
export enum Leg { LEFT = "LEFT", RIGHT = "RIGHT" }
registerEnumType(Role, { name: "Role" });
registerEnumType(MemberStatus, { name: "MemberStatus" });
registerEnumType(Leg, { name: "Leg", description: "A binary placement leg." });

@ObjectType("Member", { description: "A distributor or admin. Contact fields are null unless you are the member or an admin." })
export class Member {
  @Field(() => ID) id!: string;
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
  @Field(() => String, { description: "ISO 3166-1 alpha-2." }) country!: string;
  @Field(() => String) referralCode!: string;
  @Field(() => Role) role!: Role;
  @Field(() => MemberStatus) status!: MemberStatus;
  @Field(() => Date) joinedAt!: Date;
  @Field(() => Leg, { description: "Leg new recruits go to under binary placement." }) preferredLeg!: Leg;
  @Field(() => Int, { nullable: true, description: "Position under the placement parent (binary: 0 left, 1 right)." })
  placementPosition!: number | null;
  @Field(() => Int, { description: "Levels below the top of the sponsor tree." }) sponsorDepth!: number;
  @Field(() => Int, { description: "Levels below the top of the placement tree." }) placementDepth!: number;
}

export const MemberError = fieldErrorType("MemberError", MemberErrorCode);

export const UpdateProfilePayload = payloadType("UpdateProfilePayload", "member", Member, MemberError);
export const SetMemberTagsPayload = payloadType("SetMemberTagsPayload", "member", Member, MemberError);

@ObjectType("ProfileChangeActor")
export class ProfileChangeActor {
  @Field(() => ID) id!: string;
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
}

@ObjectType("ProfileChange", { description: "One change of one profile field." })
export class ProfileChange {
  @Field(() => ID) id!: string;
  @Field(() => String) field!: string;
  @Field(() => String, { nullable: true }) oldValue!: string | null;
  @Field(() => String, { nullable: true }) newValue!: string | null;
  @Field(() => ProfileChangeActor, { nullable: true }) changedBy!: ProfileChangeActor | null;
  @Field(() => Date) changedAt!: Date;
}

@ObjectType("MemberEdge")
export class MemberEdge extends edgeBase("Member", Member) {
  @Field(() => Int, { nullable: true, description: "Levels below the downline's root (downline only)." })
  depth!: number | null;
}

export const MemberConnection = connectionType("Member", Member, { edge: MemberEdge });
