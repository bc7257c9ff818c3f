import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";

export enum Role { ADMIN = "ADMIN", DISTRIBUTOR = "DISTRIBUTOR" }
export enum MemberStatus { ACTIVE = "ACTIVE", SUSPENDED = "SUSPENDED" }
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

@ObjectType("FieldError", { description: "Why an input was refused: the input field, a stable code, a message for people." })
export class FieldError {
  @Field(() => String) field!: string;
  @Field(() => String) code!: string;
  @Field(() => String) message!: string;
}

@ObjectType("RegisterMemberPayload")
export class RegisterMemberPayload {
  @Field(() => Member, { nullable: true }) member!: unknown;
  @Field(() => [FieldError]) errors!: FieldError[];
}

@ObjectType("UpdateProfilePayload")
export class UpdateProfilePayload {
  @Field(() => Member, { nullable: true }) member!: unknown;
  @Field(() => [FieldError]) errors!: FieldError[];
}

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

@ObjectType("PageInfo")
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType("MemberEdge")
export class MemberEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Int, { nullable: true, description: "Levels below the downline's root (downline only)." })
  depth!: number | null;
  @Field(() => Member) node!: unknown;
}

@ObjectType("MemberConnection")
export class MemberConnection {
  @Field(() => Int) totalCount!: number;
  @Field(() => [MemberEdge]) edges!: MemberEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
