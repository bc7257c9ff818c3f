import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { accessService } from "@/server/domain/access/access.service";
import type { ApiKeyRecord, AssignmentRecord, RoleRecord } from "@/server/domain/access/access.types";
import { auditService } from "@/server/domain/audit/audit.service";
import type { AuditRecord } from "@/server/domain/audit/audit.types";
import type { Context } from "../../context";
import { toConnection } from "../../shared/connection";
import { parseId, parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { ApiKeyInput, AssignmentScopeInput, AuditFilterInput, MemberSelectionInput, RoleInput } from "./access.input";
import {
  ApiKey, ApiKeyPayload, AuditConnection, CountPayload, DeletePayload, NewApiKeyPayload, PermissionInfo, PreviewPayload, Role, RoleAssignment,
  PasswordResetPayload, PasswordResetRequestPayload, RoleAssignmentPayload, RolePayload, RecoveryCodesPayload, SignInSession, SignOutPayload, TwoFactorOffPayload, TwoFactorSetupPayload, TwoFactorStatus,
} from "./access.type";
import { sessionService } from "@/server/domain/access/session.service";
import { passwordResetService } from "@/server/domain/access/password-reset.service";
import { normalizeEmail } from "@/server/domain/shared/contact.rules";
import { consume, reset as resetLimit } from "@/server/auth/rate-limit";
import { twoFactorService } from "@/server/domain/access/two-factor.service";
import { memberService } from "@/server/domain/member/member.service";
import { requireMember } from "@/server/domain/shared/access";

@ObjectType("Grant", { description: "A permission the viewer holds, with the limits of the assignment it comes from (null: none)." })
class GrantInfo {
  @Field(() => String) permission!: string;
  @Field(() => [String], { nullable: true }) countries!: string[] | null;
  @Field(() => ID, { nullable: true }) teamOf!: string | null;
}

const toRole = (r: RoleRecord) => ({ ...r, id: String(r.id) });
const toAssignment = (a: AssignmentRecord) => ({ ...a, id: String(a.id), memberId: String(a.memberId), roleId: String(a.roleId), teamOf: a.teamOf == null ? null : String(a.teamOf) });
const toKey = (k: ApiKeyRecord) => ({ ...k, id: String(k.id), rotatedToId: k.rotatedToId == null ? null : String(k.rotatedToId) });
const toAudit = (a: AuditRecord) => ({ ...a, actorId: a.actorId == null ? null : String(a.actorId), apiKeyId: a.apiKeyId == null ? null : String(a.apiKeyId) });
const scopeOf = (s: AssignmentScopeInput | MemberSelectionInput | null | undefined, field: string) => ({ countries: s?.countries ?? null, teamOf: parseMemberId(s?.teamOf, `${field}.teamOf`) });

@Resolver()
export class AccessResolver {
  @Query(() => [GrantInfo], { description: "What the caller may do beyond their own account: each permission and its limits." })
  viewerGrants(@Ctx() ctx: Context) {
    return requireViewer(ctx).grants.map((g) => ({ permission: g.permission, countries: g.countries ? [...g.countries] : null, teamOf: g.teamOf == null ? null : String(g.teamOf) }));
  }

  @Authorized("roles.manage")
  @Query(() => [PermissionInfo], { description: "Every permission a role can hold." })
  permissions() {
    return accessService.permissionCatalogue();
  }

  @Authorized("roles.manage")
  @Query(() => [Role])
  async roles(@Ctx() ctx: Context) {
    return (await accessService.roles(requireViewer(ctx))).map(toRole);
  }

  @Query(() => [RoleAssignment], { description: "Who holds which role (roles.manage); or, with your own memberId, your roles." })
  async roleAssignments(@Ctx() ctx: Context, @Arg("roleId", () => ID, { nullable: true }) roleId?: string | null, @Arg("memberId", () => ID, { nullable: true }) memberId?: string | null) {
    const rows = await accessService.assignments(requireViewer(ctx), { roleId: parseId(roleId, "roleId", "a role id"), memberId: parseMemberId(memberId, "memberId") });
    return rows.map(toAssignment);
  }

  @Authorized("roles.manage")
  @Mutation(() => RolePayload, { description: "Creates a custom role (id left out) or changes one. You can only hand out permissions you hold." })
  async saveRole(@Ctx() ctx: Context, @Arg("input", () => RoleInput) input: RoleInput, @Arg("id", () => ID, { nullable: true }) id?: string | null) {
    const viewer = requireViewer(ctx);
    return payload("role", async () => toRole(await accessService.saveRole(viewer, parseId(id, "id", "a role id"), input)));
  }

  @Authorized("roles.manage")
  @Mutation(() => DeletePayload, { description: "Deletes a custom role nobody holds." })
  deleteRole(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    const viewer = requireViewer(ctx);
    return payload("deleted", async () => {
      await accessService.deleteRole(viewer, parseId(id, "id", "a role id")!);
      return true;
    });
  }

  @Authorized("roles.manage")
  @Mutation(() => RoleAssignmentPayload, { description: "Gives a member a role, limited to countries and/or a team; again to change the limits." })
  assignRole(@Ctx() ctx: Context, @Arg("memberId", () => ID) memberId: string, @Arg("roleId", () => ID) roleId: string, @Arg("scope", () => AssignmentScopeInput, { nullable: true }) scope?: AssignmentScopeInput | null) {
    const viewer = requireViewer(ctx);
    return payload("assignment", async () => toAssignment(await accessService.assign(viewer, parseMemberId(memberId, "memberId")!, parseId(roleId, "roleId", "a role id")!, scopeOf(scope, "scope"))));
  }

  @Authorized("roles.manage")
  @Mutation(() => DeletePayload, { description: "Takes a role from a member (deleted: false when they did not hold it)." })
  revokeRole(@Ctx() ctx: Context, @Arg("memberId", () => ID) memberId: string, @Arg("roleId", () => ID) roleId: string) {
    const viewer = requireViewer(ctx);
    return payload("deleted", () => accessService.revoke(viewer, parseMemberId(memberId, "memberId")!, parseId(roleId, "roleId", "a role id")!));
  }

  @Authorized("roles.manage")
  @Mutation(() => PreviewPayload, { description: "Who a bulk assignment or revocation would reach, before doing it." })
  previewMemberSelection(@Ctx() ctx: Context, @Arg("selection", () => MemberSelectionInput) selection: MemberSelectionInput) {
    const viewer = requireViewer(ctx);
    return payload("preview", async () => {
      const p = await accessService.preview(viewer, scopeOf(selection, "selection"));
      return { count: p.count, sample: p.sample.map((m) => ({ ...m, id: String(m.id) })) };
    });
  }

  @Authorized("roles.manage")
  @Mutation(() => CountPayload, { description: "Gives a role to every active member of a country or team in one action; returns how many got it." })
  assignRoleToSelection(@Ctx() ctx: Context, @Arg("selection", () => MemberSelectionInput) selection: MemberSelectionInput, @Arg("roleId", () => ID) roleId: string, @Arg("scope", () => AssignmentScopeInput, { nullable: true }) scope?: AssignmentScopeInput | null) {
    const viewer = requireViewer(ctx);
    return payload("members", () => accessService.assignSelection(viewer, scopeOf(selection, "selection"), parseId(roleId, "roleId", "a role id")!, scopeOf(scope, "scope")));
  }

  @Authorized("roles.manage")
  @Mutation(() => CountPayload, { description: "Takes a role from every member of a country or team; returns how many lost it." })
  revokeRoleFromSelection(@Ctx() ctx: Context, @Arg("selection", () => MemberSelectionInput) selection: MemberSelectionInput, @Arg("roleId", () => ID) roleId: string) {
    const viewer = requireViewer(ctx);
    return payload("members", () => accessService.revokeSelection(viewer, scopeOf(selection, "selection"), parseId(roleId, "roleId", "a role id")!));
  }

  @Authorized("audit.read")
  @Query(() => AuditConnection, { description: "The audit log, newest first. /api/exports/audit gives the same as CSV." })
  async auditLog(
    @Ctx() ctx: Context,
    @Arg("filter", () => AuditFilterInput, { nullable: true }) f?: AuditFilterInput | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const filter = { ...f, actorId: parseMemberId(f?.actorId, "filter.actorId") };
    const page = await auditService.search(requireViewer(ctx), filter, first, after ?? null);
    return toConnection({ ...page, rows: page.rows.map(toAudit) }, (r) => r.id);
  }

  @Authorized("apikeys.manage")
  @Query(() => [ApiKey])
  async apiKeys(@Ctx() ctx: Context, @Arg("includeRevoked", () => Boolean, { nullable: true, defaultValue: false }) includeRevoked = false) {
    return (await accessService.apiKeys(requireViewer(ctx), includeRevoked)).map(toKey);
  }

  @Authorized("apikeys.manage")
  @Mutation(() => NewApiKeyPayload, { description: "Makes a key; its secret is in the answer and nowhere else." })
  createApiKey(@Ctx() ctx: Context, @Arg("input", () => ApiKeyInput) input: ApiKeyInput) {
    const viewer = requireViewer(ctx);
    return payload("created", async () => {
      const made = await accessService.createApiKey(viewer, input);
      return { key: toKey(made.key), secret: made.secret };
    });
  }

  @Authorized("apikeys.manage")
  @Mutation(() => NewApiKeyPayload, { description: "Replaces a key with a new one of the same name and scopes; the old one stops working at once." })
  rotateApiKey(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    const viewer = requireViewer(ctx);
    return payload("created", async () => {
      const made = await accessService.rotateApiKey(viewer, parseId(id, "id", "an API key id")!);
      return { key: toKey(made.key), secret: made.secret };
    });
  }

  @Authorized("apikeys.manage")
  @Mutation(() => ApiKeyPayload)
  revokeApiKey(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    const viewer = requireViewer(ctx);
    return payload("key", async () => toKey(await accessService.revokeApiKey(viewer, parseId(id, "id", "an API key id")!)));
  }

  @Query(() => TwoFactorStatus, { description: "Whether your two-factor sign-in is on." })
  twoFactorStatus(@Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    requireMember(viewer, "two-factor sign-in (it belongs to a person)");
    return twoFactorService.status(viewer.id);
  }

  @Mutation(() => TwoFactorSetupPayload, { description: "Starts two-factor sign-in: a new secret for your authenticator app." })
  beginTwoFactor(@Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("setup", async () => {
      const me = await memberService.findById(viewer.id);
      return twoFactorService.begin(viewer, me?.email ?? `member ${viewer.id}`);
    });
  }

  @Mutation(() => RecoveryCodesPayload, { description: "Turns two-factor sign-in on with a code from the app; returns ten one-time recovery codes (shown once)." })
  confirmTwoFactor(@Ctx() ctx: Context, @Arg("code", () => String) code: string) {
    const viewer = requireViewer(ctx);
    return payload("recoveryCodes", () => twoFactorService.confirm(viewer, code));
  }

  @Mutation(() => TwoFactorOffPayload, { description: "Turns two-factor sign-in off (with a current code or a recovery code)." })
  disableTwoFactor(@Ctx() ctx: Context, @Arg("code", () => String) code: string) {
    const viewer = requireViewer(ctx);
    return payload("disabled", async () => {
      await twoFactorService.disable(viewer, code);
      return true;
    });
  }

  @Query(() => [SignInSession], { description: "The browsers and devices you are signed in on, most recently used first." })
  mySessions(@Ctx() ctx: Context) {
    return sessionService.mine(requireViewer(ctx));
  }

  @Query(() => [SignInSession], { description: "A member's sessions (support; needs members.personal covering them)." })
  memberSessions(@Ctx() ctx: Context, @Arg("memberId", () => ID) memberId: string) {
    return sessionService.list(requireViewer(ctx), parseMemberId(memberId, "memberId")!);
  }

  @Mutation(() => SignOutPayload, { description: "Signs out one session (one of yours, or a member's with members.write)." })
  signOutSession(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    const viewer = requireViewer(ctx);
    return payload("signedOut", async () => {
      await sessionService.signOut(viewer, id.slice(0, 100));
      return 1;
    });
  }

  @Mutation(() => SignOutPayload, {
    description: "Signs out every session of a member (default: you; this one stays unless includingThis). Returns how many ended.",
  })
  signOutAllSessions(
    @Ctx() ctx: Context,
    @Arg("memberId", () => ID, { nullable: true }) memberId: string | null,
    @Arg("includingThis", () => Boolean, { defaultValue: false }) includingThis: boolean,
  ) {
    const viewer = requireViewer(ctx);
    return payload("signedOut", () => sessionService.signOutAll(viewer, memberId == null ? viewer.id : parseMemberId(memberId, "memberId")!, includingThis));
  }

  @Mutation(() => PasswordResetRequestPayload, {
    description: "Forgot password: mails a link valid for an hour to the address if it belongs to an account. The answer is the same either way.",
  })
  async requestPasswordReset(@Ctx() ctx: Context, @Arg("email", () => String) email: string) {
    await consume("resetPerIp", ctx.ip ?? "unknown", (wait) => `Too many reset requests from your network; try again in ${wait}.`);
    await consume("resetPerEmail", normalizeEmail(email).slice(0, 320), (wait) => `A reset link was sent to this address several times already; try again in ${wait}.`);
    return payload("requested", async () => {
      await passwordResetService.request(email, ctx.ip);
      return true;
    });
  }

  @Mutation(() => PasswordResetPayload, { description: "Sets a new password with the token from a reset link; signs out every session." })
  async resetPassword(@Ctx() ctx: Context, @Arg("token", () => String) token: string, @Arg("password", () => String) password: string) {
    return payload("reset", async () => {
      const email = await passwordResetService.reset(token, password, ctx.ip);
      await resetLimit("loginFailuresPerEmail", email); // a locked-out member may sign in with the new password at once
      return true;
    });
  }
}
