import { Field, InputType } from "type-graphql";
import { Leg, MemberStatus, Role } from "./member.type";

// Inputs are checked by the domain rules (member.rules.ts) so that the web form and
// the API refuse the same things with the same field errors.

@InputType("RegisterMemberInput")
export class RegisterMemberInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
  @Field(() => String, { description: "ISO 3166-1 alpha-2, such as DE." }) country!: string;
  @Field(() => String, { description: "International format, such as +49 30 1234567." }) phone!: string;
  @Field(() => String, { description: "The sponsor's referral code." }) sponsorCode!: string;
}

@InputType("UpdateProfileInput", { description: "Fields left out stay as they are." })
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: "Whose profile; yours when left out (admins may name anyone)." })
  memberId?: string | null;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => Leg, { nullable: true }) preferredLeg?: Leg | null;
}

@InputType("MemberFilter")
export class MemberFilter {
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => Role, { nullable: true }) role?: Role | null;
  @Field(() => MemberStatus, { nullable: true }) status?: MemberStatus | null;
  @Field(() => Date, { nullable: true }) joinedAfter?: Date | null;
  @Field(() => Date, { nullable: true }) joinedBefore?: Date | null;
}
