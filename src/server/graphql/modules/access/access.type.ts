import { Field, ID, Int, ObjectType } from "type-graphql";
import { AccessInputCode } from "@/server/domain/access/access.errors";
import { connectionType } from "../../shared/connection";
import { fieldErrorType, payloadType } from "../../shared/field-error";
import { JSONScalar } from "../../shared/json";

export const AccessError = fieldErrorType("AccessError", AccessInputCode);

@ObjectType("Permission", { description: "One thing a back-office role may do, e.g. members.personal or withdrawals.approve." })
export class PermissionInfo {
  @Field(() => String) key!: string;
  @Field(() => String) description!: string;
}

@ObjectType("AccessRole", { description: "A named set of permissions. Built-in roles are fixed; custom roles are made by admins." })
export class Role {
  @Field(() => ID) id!: string;
  @Field(() => String) key!: string;
  @Field(() => String) name!: string;
  @Field(() => String) description!: string;
  @Field(() => Boolean) builtIn!: boolean;
  @Field(() => [String]) permissions!: string[];
  @Field(() => Boolean, { description: "Assignments are always limited to the holder's own team (leaders)." }) ownTeam!: boolean;
  @Field(() => Int) holders!: number;
}

@ObjectType("RoleAssignment", { description: "A member holding a role, limited to countries (empty: all) and/or a team (null: all)." })
export class RoleAssignment {
  @Field(() => ID) id!: string;
  @Field(() => ID) memberId!: string;
  @Field(() => String) memberName!: string;
  @Field(() => String) memberCountry!: string;
  @Field(() => ID) roleId!: string;
  @Field(() => String) roleKey!: string;
  @Field(() => String) roleName!: string;
  @Field(() => [String]) countries!: string[];
  @Field(() => ID, { nullable: true }) teamOf!: string | null;
  @Field(() => String, { nullable: true }) teamOfName!: string | null;
  @Field(() => Date) grantedAt!: Date;
}

@ObjectType("SelectedMember")
export class SelectedMember {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) country!: string;
}

@ObjectType("MemberSelectionPreview", { description: "Who a bulk change would reach: how many, and the first few." })
export class MemberSelectionPreview {
  @Field(() => Int) count!: number;
  @Field(() => [SelectedMember]) sample!: SelectedMember[];
}

@ObjectType("AuditEntry", { description: "One line of the append-only audit log." })
export class AuditEntry {
  @Field(() => ID) id!: string;
  @Field(() => Date) at!: Date;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
  @Field(() => String, { nullable: true }) actorName!: string | null;
  @Field(() => ID, { nullable: true, description: "Set when an API key acted." }) apiKeyId!: string | null;
  @Field(() => String, { description: "e.g. role.assign, wallet.adjust, withdrawal.approve." }) action!: string;
  @Field(() => String) targetType!: string;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => JSONScalar, { nullable: true }) before!: unknown;
  @Field(() => JSONScalar, { nullable: true }) after!: unknown;
  @Field(() => String, { nullable: true }) ip!: string | null;
}

export const AuditConnection = connectionType("AuditEntry", AuditEntry);

@ObjectType("ApiKey", { description: "A key for another system. The secret is shown once, when it is made." })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "The key's visible part: mlm_<prefix>_…" }) prefix!: string;
  @Field(() => [String], { description: "Permissions the key holds (company-wide)." }) scopes!: string[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => ID, { nullable: true, description: "The key that replaced this one." }) rotatedToId!: string | null;
}

@ObjectType("NewApiKey")
export class NewApiKey {
  @Field(() => ApiKey) key!: ApiKey;
  @Field(() => String, { description: "Send as `Authorization: Bearer <secret>`. Shown only now: it is stored hashed." }) secret!: string;
}

export const RolePayload = payloadType("AccessRolePayload", "role", Role, AccessError);
export const RoleAssignmentPayload = payloadType("RoleAssignmentPayload", "assignment", RoleAssignment, AccessError);
export const DeletePayload = payloadType("DeleteRolePayload", "deleted", Boolean as never, AccessError);
export const CountPayload = payloadType("MemberCountPayload", "members", Int as never, AccessError);
export const PreviewPayload = payloadType("MemberSelectionPreviewPayload", "preview", MemberSelectionPreview, AccessError);
export const NewApiKeyPayload = payloadType("NewApiKeyPayload", "created", NewApiKey, AccessError);
export const ApiKeyPayload = payloadType("ApiKeyPayload", "key", ApiKey, AccessError);

@ObjectType("TwoFactorStatus")
export class TwoFactorStatus {
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => Int) recoveryCodesLeft!: number;
}

@ObjectType("TwoFactorSetup", { description: "Add the secret to an authenticator app (scan `uri` as a QR code), then confirm with a code." })
export class TwoFactorSetup {
  @Field(() => String) secret!: string;
  @Field(() => String, { description: "otpauth:// URI for a QR code." }) uri!: string;
}

export const TwoFactorSetupPayload = payloadType("TwoFactorSetupPayload", "setup", TwoFactorSetup, AccessError);
export const RecoveryCodesPayload = payloadType("RecoveryCodesPayload", "recoveryCodes", [String] as never, AccessError);
export const TwoFactorOffPayload = payloadType("TwoFactorOffPayload", "disabled", Boolean as never, AccessError);

@ObjectType("SignInSession", { description: "A browser or device you are signed in on." })
export class SignInSession {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "Browser and system, from the User-Agent: \"Safari 17 on iOS (mobile)\"." }) device!: string;
  @Field(() => String, { nullable: true, description: "The address it signed in from." }) ip!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { description: "Last request (to the minute)." }) lastSeenAt!: Date;
  @Field(() => Boolean, { description: "The session of this request." }) current!: boolean;
}

export const SignOutPayload = payloadType("SignOutPayload", "signedOut", Int as never, AccessError);

export const PasswordResetRequestPayload = payloadType("PasswordResetRequestPayload", "requested", Boolean as never, AccessError);
export const PasswordResetPayload = payloadType("PasswordResetPayload", "reset", Boolean as never, AccessError);
