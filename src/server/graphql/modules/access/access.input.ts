import { Field, ID, InputType } from "type-graphql";

@InputType("RoleInput")
export class RoleInput {
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { description: "Permission keys (see `permissions`)." }) permissions!: string[];
}

@InputType("AssignmentScopeInput", { description: "Limits of an assignment: countries (empty or left out: all) and a team (left out: all)." })
export class AssignmentScopeInput {
  @Field(() => [String], { nullable: true, description: "ISO 3166-1 alpha-2 codes." }) countries?: string[] | null;
  @Field(() => ID, { nullable: true, description: "The member whose team (them and everyone below) the role covers." }) teamOf?: string | null;
}

@InputType("MemberSelectionInput", { description: "Members of a bulk change: everyone in these countries and/or this team." })
export class MemberSelectionInput {
  @Field(() => [String], { nullable: true }) countries?: string[] | null;
  @Field(() => ID, { nullable: true }) teamOf?: string | null;
}

@InputType("AuditFilter")
export class AuditFilterInput {
  @Field(() => ID, { nullable: true }) actorId?: string | null;
  @Field(() => String, { nullable: true }) action?: string | null;
  @Field(() => String, { nullable: true }) targetType?: string | null;
  @Field(() => String, { nullable: true }) targetId?: string | null;
  @Field(() => Date, { nullable: true }) from?: Date | null;
  @Field(() => Date, { nullable: true }) until?: Date | null;
  @Field(() => String, { nullable: true, description: "Words matched in the action, target and the before/after documents." }) search?: string | null;
}

@InputType("ApiKeyInput")
export class ApiKeyInput {
  @Field(() => String, { description: "Who uses it, e.g. \"Shop integration\"." }) name!: string;
  @Field(() => [String], { description: "Permission keys the key holds, company-wide (not roles.manage or apikeys.manage)." }) scopes!: string[];
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
}
