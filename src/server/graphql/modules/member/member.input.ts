import { Field, InputType } from "type-graphql";
import { Leg, MemberStatus, Role } from "./member.type";

// Inputs are checked by the domain rules (member.rules.ts), not by decorators, so that
// the web forms and the API refuse the same things with the same field errors.

@InputType("UpdateProfileInput", { description: "Fields left out stay as they are." })
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: "Whose profile; yours when left out (admins may name anyone)." })
  memberId?: string | null;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => Leg, { nullable: true }) preferredLeg?: Leg | null;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD (the loyalty programme's birthday gift); an empty string takes it away." })
  birthDate?: string | null;
}

@InputType("MemberFilter")
export class MemberFilter {
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => Role, { nullable: true }) role?: Role | null;
  @Field(() => MemberStatus, { nullable: true }) status?: MemberStatus | null;
  @Field(() => Date, { nullable: true }) joinedAfter?: Date | null;
  @Field(() => Date, { nullable: true }) joinedBefore?: Date | null;
}
