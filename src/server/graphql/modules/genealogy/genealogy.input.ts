import { Field, InputType } from "type-graphql";

// Checked by the enrolment rules (enrolment.rules.ts), so the join form and the API
// refuse the same things with the same field errors.

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
