import { Field, InputType } from "type-graphql";
import { JSONScalar } from "../../shared/json";

// Checked by the compensation domain's plan rules (plan.rules.ts).

@InputType("SavePlanVersionInput")
export class SavePlanVersionInput {
  @Field(() => JSONScalar, { description: "The plan document (see the plan format in the README)." }) plan!: unknown;
  @Field(() => String, { defaultValue: "", description: "Why this version: shown in the version history." }) comment!: string;
}
