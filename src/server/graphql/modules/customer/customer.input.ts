import { Field, ID, InputType } from "type-graphql";

// Checked by customer.rules.ts (the same contact rules as sign-up).

@InputType("CreateCustomerInput")
export class CreateCustomerInput {
  @Field(() => ID, { nullable: true, description: "Whose customer; you when left out (admins may name anyone)." }) distributorId?: string | null;
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String) country!: string;
}
