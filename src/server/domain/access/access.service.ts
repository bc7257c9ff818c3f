import { createHash, randomBytes } from "node:crypto";
import { afterCommit, db, transaction } from "@/server/db/unit-of-work";
import { auditService } from "@/server/domain/audit/audit.service";
import { can, canSome, forbidden, notFound, requirePermission } from "@/server/domain/shared/access";
import { fieldError, InputError } from "@/server/domain/shared/input.errors";
import { BUILT_IN_ROLES, isPermission, NOT_FOR_KEYS, PERMISSIONS, type BuiltInRoleKey, type Grant, type Permission } from "@/server/domain/shared/permissions";
import type { RoleName, Viewer } from "@/server/domain/shared/viewer";
import { publish } from "@/server/events/bus";
import { Topic, type AccessChangedEvent } from "@/server/events/topics";
import { AccessInputCode } from "./access.errors";
import { accessRepository, type HeldRole } from "./access.repository";
import { apiKeyPrefix, normalizeScope, roleKey, validateRole } from "./access.rules";
import type { ApiKeyInput, ApiKeyRecord, AssignmentRecord, AssignmentScope, MemberSelection, RoleInput, RoleRecord, SelectionPreview } from "./access.types";

const builtIn = new Map(BUILT_IN_ROLES.map((r) => [r.key as string, r]));

function grantsFrom(memberId: number, held: readonly HeldRole[]): Grant[] {
  const grants: Grant[] = [];
  for (const h of held) {
    const spec = h.builtIn ? builtIn.get(h.key) : undefined;
    const permissions = spec ? spec.permissions : h.permissions.filter(isPermission);
    const countries = h.countries.length ? h.countries : null;
    const teamOf = spec?.ownTeam ? memberId : h.teamOf;
    for (const permission of permissions) grants.push({ permission, countries, teamOf });
  }
  return grants;
}

function withOwnTeam(r: Omit<RoleRecord, "ownTeam">): RoleRecord {
  const spec = r.builtIn ? builtIn.get(r.key) : undefined;
  return { ...r, permissions: spec ? [...spec.permissions] : r.permissions.filter(isPermission), ownTeam: spec?.ownTeam ?? false };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Whether back-office roles need two-factor sign-in: REQUIRE_STAFF_2FA=1/0, by default in production. */
export function staffNeedTwoFactor(): boolean {
  const flag = process.env.REQUIRE_STAFF_2FA;
  return flag != null && flag !== "" ? flag === "1" || flag === "true" : process.env.NODE_ENV === "production";
}

/** The viewer may hand out only what they hold themselves, for the whole company. */
function requireGrantable(viewer: Viewer, permissions: readonly Permission[]): void {
  const missing = permissions.filter((p) => !can(viewer, p));
  if (missing.length) throw fieldError("permissions", AccessInputCode.NOT_YOURS_TO_GRANT, `You cannot hand out permissions you do not hold: ${missing.slice(0, 3).join(", ")}.`);
}

async function loadRole(roleId: number): Promise<RoleRecord> {
  const role = await accessRepository.role(roleId);
  if (!role) throw notFound("The role");
  return withOwnTeam(role);
}

/**
 * Tells every instance, once the change commits, that sessions, keys or permissions
 * changed: their live connections close (and reconnect with what now holds).
 */
export function announceAccessChange(e: AccessChangedEvent): void {
  if (!e.staff && !e.sessionIds?.length && !e.apiKeyIds?.length && !e.memberIds?.length) return;
  afterCommit(() => publish(Topic.AccessChanged, e));
}

/**
 * Roles, their assignments and API keys: who holds which permissions, where. Every
 * change is audited in its own transaction.
 */
export const accessService = {
  /** The member's roles, sessions, two-factor state and reset links, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return accessRepository.personalData(memberId);
  },

  /** Erasure (inside the caller's transaction): no way to sign in is left, and no role. */
  async forgetAccess(memberId: number): Promise<void> {
    announceAccessChange({ sessionIds: await accessRepository.forgetAccess(memberId), memberIds: [memberId] });
  },

  /** The back-office permissions a member holds. */
  async grants(memberId: number): Promise<Grant[]> {
    return grantsFrom(memberId, await accessRepository.heldRoles(memberId));
  },

  /**
   * The viewer for a member account, with their grants. Where staff must use two-factor
   * sign-in (REQUIRE_STAFF_2FA; on in production), back-office grants count only once it is on.
   */
  async viewer(member: { id: number; role: RoleName }, ip?: string | null): Promise<Viewer> {
    const [held, twoFactor] = await db().all(accessService.viewerReads(member.id));
    return accessService.viewerFrom(member, held, twoFactor, ip);
  },

  /**
   * What makes a member's viewer, as reads to run with others in one round trip: the
   * roles they hold and their two-factor state. `viewerFrom` turns the answers into the viewer.
   */
  viewerReads(memberId: number) {
    return [accessRepository.heldRolesRead(memberId), accessRepository.twoFactorRead(memberId)] as const;
  },

  viewerFrom(member: { id: number; role: RoleName }, held: readonly HeldRole[], twoFactor: { enabledAt: Date | null } | null, ip?: string | null): Viewer {
    const grants = grantsFrom(member.id, held);
    if (grants.length > 0 && staffNeedTwoFactor() && !twoFactor?.enabledAt) {
      return { id: member.id, role: member.role, grants: [], ip: ip ?? null, twoFactorRequired: true };
    }
    return { id: member.id, role: member.role, grants, ip: ip ?? null };
  },

  /**
   * Whether the viewer is the member themselves or holds `permission` covering them
   * (loading the member only when the viewer's grant is limited).
   */
  async isSelfOr(viewer: Viewer, memberId: number, permission: Permission): Promise<boolean> {
    return (viewer.id === memberId && viewer.apiKeyId == null) || accessService.covers(viewer, memberId, permission);
  },

  /**
   * The viewer is the member, or holds `permission` covering them. Staff who may ask about
   * a member who does not exist learn so (NOT_FOUND: a mistyped id should not read as an
   * empty wallet or no commissions); anyone else is FORBIDDEN either way.
   */
  async requireSelfOr(viewer: Viewer, memberId: number, permission: Permission, what: string): Promise<void> {
    if (viewer.id === memberId && viewer.apiKeyId == null) return;
    if (!canSome(viewer, permission)) throw forbidden(what);
    const target = await accessRepository.scopeTarget(memberId);
    if (!target) throw notFound("Member");
    if (!can(viewer, permission, target)) throw forbidden(what);
  },

  /** Whether the viewer holds `permission` covering the member (being them does not count). */
  async covers(viewer: Viewer, memberId: number, permission: Permission): Promise<boolean> {
    if (can(viewer, permission)) return true;
    const target = canSome(viewer, permission) ? await accessRepository.scopeTarget(memberId) : null;
    return target != null && can(viewer, permission, target);
  },

  /** `permission` covering one member (for admin actions on a member by a scoped sub-admin). */
  async requireFor(viewer: Viewer, memberId: number, permission: Permission, what: string): Promise<void> {
    if (!(await accessService.covers(viewer, memberId, permission))) throw forbidden(what);
  },

  permissionCatalogue(): { key: Permission; description: string }[] {
    return (Object.keys(PERMISSIONS) as Permission[]).map((key) => ({ key, description: PERMISSIONS[key] }));
  },

  async roles(viewer: Viewer): Promise<RoleRecord[]> {
    requirePermission(viewer, "roles.manage", "roles");
    return (await accessRepository.roles()).map(withOwnTeam);
  },

  async role(viewer: Viewer, id: number): Promise<RoleRecord> {
    requirePermission(viewer, "roles.manage", "roles");
    return loadRole(id);
  },

  /** Creates (id null) or changes a custom role. */
  async saveRole(viewer: Viewer, id: number | null, input: RoleInput): Promise<RoleRecord> {
    requirePermission(viewer, "roles.manage", "roles");
    const { errors, permissions } = validateRole(input);
    if (errors.length) throw new InputError(errors);
    requireGrantable(viewer, permissions);
    const name = input.name.trim();
    const description = (input.description ?? "").trim();
    return transaction(async () => {
      if (id == null) {
        let key = roleKey(name);
        if (builtIn.has(key) || (await accessRepository.roleIdByKey(key)) != null) key = `${key}_${randomBytes(3).toString("hex")}`;
        const newId = await accessRepository.insertRole(key, name, description, permissions);
        await auditService.record(viewer, { action: "role.create", targetType: "role", targetId: newId, after: { key, name, description, permissions } });
        return loadRole(newId);
      }
      const before = await loadRole(id);
      if (before.builtIn) throw fieldError("id", AccessInputCode.BUILT_IN, "Built-in roles cannot be changed; make a custom role instead.");
      await accessRepository.updateRole(id, name, description, permissions);
      announceAccessChange({ staff: true });
      await auditService.record(viewer, {
        action: "role.update", targetType: "role", targetId: id,
        before: { name: before.name, description: before.description, permissions: before.permissions }, after: { name, description, permissions },
      });
      return loadRole(id);
    });
  },

  async deleteRole(viewer: Viewer, id: number): Promise<void> {
    requirePermission(viewer, "roles.manage", "roles");
    await transaction(async () => {
      const role = await loadRole(id);
      if (role.builtIn) throw fieldError("id", AccessInputCode.BUILT_IN, "Built-in roles cannot be deleted.");
      if (role.holders > 0) throw fieldError("id", AccessInputCode.IN_USE, `${role.holders} member(s) hold this role; revoke it first.`);
      await accessRepository.deleteRole(id);
      await auditService.record(viewer, { action: "role.delete", targetType: "role", targetId: id, before: { key: role.key, name: role.name, permissions: role.permissions } });
    });
  },

  async assignments(viewer: Viewer, filter: { roleId?: number | null; memberId?: number | null }, limit = 200): Promise<AssignmentRecord[]> {
    if (filter.memberId != null && filter.memberId === viewer.id && viewer.apiKeyId == null) return accessRepository.assignments(filter, Math.min(limit, 500));
    requirePermission(viewer, "roles.manage", "role assignments");
    return accessRepository.assignments(filter, Math.min(limit, 500));
  },

  /** Gives a member a role (or changes the limits of one they hold). */
  async assign(viewer: Viewer, memberId: number, roleId: number, scope: AssignmentScope): Promise<AssignmentRecord> {
    requirePermission(viewer, "roles.manage", "role assignments");
    const s = normalizeScope(scope);
    if (s.errors.length) throw new InputError(s.errors);
    return transaction(async () => {
      const role = await loadRole(roleId);
      requireGrantable(viewer, role.permissions);
      if (!(await accessRepository.scopeTarget(memberId))) throw fieldError("memberId", AccessInputCode.NOT_FOUND, "No such member.");
      if (s.teamOf != null && !(await accessRepository.scopeTarget(s.teamOf))) throw fieldError("teamOf", AccessInputCode.NOT_FOUND, "No such member to limit the team to.");
      const teamOf = role.ownTeam ? memberId : s.teamOf;
      const before = await accessRepository.assignment(memberId, roleId);
      await accessRepository.upsertAssignment(memberId, roleId, s.countries, teamOf, viewer.id > 0 ? viewer.id : null);
      announceAccessChange({ memberIds: [memberId] });
      await auditService.record(viewer, {
        action: "role.assign", targetType: "member", targetId: memberId,
        before: before && { role: role.key, countries: before.countries, teamOf: before.teamOf },
        after: { role: role.key, countries: s.countries, teamOf },
      });
      return (await accessRepository.assignment(memberId, roleId))!;
    });
  },

  async revoke(viewer: Viewer, memberId: number, roleId: number): Promise<boolean> {
    requirePermission(viewer, "roles.manage", "role assignments");
    return transaction(async () => {
      const role = await loadRole(roleId);
      requireGrantable(viewer, role.permissions);
      const before = await accessRepository.assignment(memberId, roleId);
      if (!before) return false;
      if (role.key === "super_admin" && (await accessRepository.holdersOf(roleId)) <= 1) {
        throw fieldError("roleId", AccessInputCode.LAST_SUPER_ADMIN, "This is the last super admin; assign another one first.");
      }
      await accessRepository.deleteAssignment(memberId, roleId);
      announceAccessChange({ memberIds: [memberId] });
      await auditService.record(viewer, { action: "role.revoke", targetType: "member", targetId: memberId, before: { role: role.key, countries: before.countries, teamOf: before.teamOf } });
      return true;
    });
  },

  /** Who a bulk change would reach. */
  async preview(viewer: Viewer, selection: MemberSelection): Promise<SelectionPreview> {
    requirePermission(viewer, "roles.manage", "role assignments");
    const s = normalizeScope(selection, "selection.countries");
    if (s.errors.length) throw new InputError(s.errors);
    if (s.countries.length === 0 && s.teamOf == null) throw fieldError("selection", AccessInputCode.EMPTY_SELECTION, "Pick countries or a team.");
    return accessRepository.preview({ countries: s.countries, teamOf: s.teamOf }, 20);
  },

  /** Gives the role to every active member of the selection (limited as `scope` says); how many got it. */
  async assignSelection(viewer: Viewer, selection: MemberSelection, roleId: number, scope: AssignmentScope): Promise<number> {
    requirePermission(viewer, "roles.manage", "role assignments");
    const sel = normalizeScope(selection, "selection.countries");
    const s = normalizeScope(scope);
    if (sel.errors.length || s.errors.length) throw new InputError([...sel.errors, ...s.errors]);
    if (sel.countries.length === 0 && sel.teamOf == null) throw fieldError("selection", AccessInputCode.EMPTY_SELECTION, "Pick countries or a team.");
    return transaction(async () => {
      const role = await loadRole(roleId);
      requireGrantable(viewer, role.permissions);
      const n = await accessRepository.assignSelection({ countries: sel.countries, teamOf: sel.teamOf }, roleId, s.countries, s.teamOf, role.ownTeam, viewer.id > 0 ? viewer.id : null);
      announceAccessChange({ staff: true });
      await auditService.record(viewer, {
        action: "role.bulk_assign", targetType: "selection", targetId: null,
        after: { role: role.key, selection: { countries: sel.countries, teamOf: sel.teamOf }, countries: s.countries, teamOf: s.teamOf, members: n },
      });
      return n;
    });
  },

  async revokeSelection(viewer: Viewer, selection: MemberSelection, roleId: number): Promise<number> {
    requirePermission(viewer, "roles.manage", "role assignments");
    const sel = normalizeScope(selection, "selection.countries");
    if (sel.errors.length) throw new InputError(sel.errors);
    if (sel.countries.length === 0 && sel.teamOf == null) throw fieldError("selection", AccessInputCode.EMPTY_SELECTION, "Pick countries or a team.");
    return transaction(async () => {
      const role = await loadRole(roleId);
      requireGrantable(viewer, role.permissions);
      if (role.key === "super_admin") throw fieldError("roleId", AccessInputCode.LAST_SUPER_ADMIN, "Super admins are revoked one at a time.");
      const n = await accessRepository.revokeSelection({ countries: sel.countries, teamOf: sel.teamOf }, roleId);
      announceAccessChange({ staff: true });
      await auditService.record(viewer, {
        action: "role.bulk_revoke", targetType: "selection", targetId: null,
        before: { role: role.key, selection: { countries: sel.countries, teamOf: sel.teamOf }, members: n },
      });
      return n;
    });
  },

  /** Gives a built-in role without a viewer: the first admin of a new install, seeds and tests. */
  async grantBuiltIn(memberId: number, key: BuiltInRoleKey, scope: { countries?: string[]; teamOf?: number | null } = {}): Promise<void> {
    const roleId = await accessRepository.roleIdByKey(key);
    if (roleId == null) throw new Error(`built-in role ${key} is missing`);
    await accessRepository.upsertAssignment(memberId, roleId, scope.countries ?? [], scope.teamOf ?? null, null);
  },

  // API keys

  async apiKeys(viewer: Viewer, includeRevoked = false): Promise<ApiKeyRecord[]> {
    requirePermission(viewer, "apikeys.manage", "API keys");
    return accessRepository.keys(includeRevoked);
  },

  /** A new key: the secret is returned once and only its hash is kept. */
  async createApiKey(viewer: Viewer, input: ApiKeyInput): Promise<{ key: ApiKeyRecord; secret: string }> {
    requirePermission(viewer, "apikeys.manage", "API keys");
    const name = input.name.trim();
    const errors = [];
    if (!name) errors.push({ field: "name", code: AccessInputCode.REQUIRED, message: "Name the key after who uses it." });
    if (name.length > 80) errors.push({ field: "name", code: AccessInputCode.TOO_LONG, message: "At most 80 characters." });
    const unknown = input.scopes.filter((s) => !isPermission(s));
    if (unknown.length) errors.push({ field: "scopes", code: AccessInputCode.UNKNOWN_PERMISSION, message: `Unknown scope: ${unknown.slice(0, 3).join(", ")}.` });
    if (input.scopes.length === 0) errors.push({ field: "scopes", code: AccessInputCode.REQUIRED, message: "Pick at least one scope." });
    if (input.scopes.some((s) => (NOT_FOR_KEYS as readonly string[]).includes(s))) {
      errors.push({ field: "scopes", code: AccessInputCode.INVALID, message: "Keys cannot manage roles, keys or webhooks." });
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) errors.push({ field: "expiresAt", code: AccessInputCode.INVALID, message: "The expiry must be in the future." });
    if (errors.length) throw new InputError(errors);
    const scopes = [...new Set(input.scopes.filter(isPermission))];
    requireGrantable(viewer, scopes);
    return transaction(async () => {
      const prefix = randomBytes(6).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "0").slice(0, 8);
      const secret = `mlm_${prefix}_${randomBytes(32).toString("base64url")}`;
      const key = await accessRepository.insertKey(name, prefix, sha256(secret), scopes, viewer.id, input.expiresAt ?? null);
      await auditService.record(viewer, { action: "apikey.create", targetType: "api_key", targetId: key.id, after: { name, prefix, scopes, expiresAt: key.expiresAt } });
      return { key, secret };
    });
  },

  /** A new key with the same name and scopes; the old one stops working now. */
  async rotateApiKey(viewer: Viewer, id: number): Promise<{ key: ApiKeyRecord; secret: string }> {
    requirePermission(viewer, "apikeys.manage", "API keys");
    const old = await accessRepository.key(id);
    if (!old) throw notFound("The API key");
    if (old.revokedAt) throw fieldError("id", AccessInputCode.INVALID, "This key is revoked; create a new one.");
    return transaction(async () => {
      const made = await accessService.createApiKey(viewer, { name: old.name, scopes: old.scopes, expiresAt: old.expiresAt && old.expiresAt > new Date() ? old.expiresAt : null });
      await accessRepository.revokeKey(id, made.key.id);
      announceAccessChange({ apiKeyIds: [id] });
      await auditService.record(viewer, { action: "apikey.rotate", targetType: "api_key", targetId: id, after: { rotatedTo: made.key.id } });
      return made;
    });
  },

  async revokeApiKey(viewer: Viewer, id: number): Promise<ApiKeyRecord> {
    requirePermission(viewer, "apikeys.manage", "API keys");
    return transaction(async () => {
      const old = await accessRepository.key(id);
      if (!old) throw notFound("The API key");
      if (await accessRepository.revokeKey(id, null)) {
        announceAccessChange({ apiKeyIds: [id] });
        await auditService.record(viewer, { action: "apikey.revoke", targetType: "api_key", targetId: id, before: { name: old.name, prefix: old.prefix } });
      }
      return (await accessRepository.key(id))!;
    });
  },

  /** The viewer for a presented key, or null (unknown, malformed, revoked, expired, or its creator suspended). */
  async viewerForApiKey(secret: string, ip?: string | null): Promise<Viewer | null> {
    if (!apiKeyPrefix(secret)) return null;
    const key = await accessRepository.keyByHash(sha256(secret));
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date()) || !key.creatorActive) return null;
    await accessRepository.touchKey(key.id);
    return { id: 0, role: "DISTRIBUTOR", grants: key.scopes.filter(isPermission).map((permission) => ({ permission, countries: null, teamOf: null })), apiKeyId: key.id, ip: ip ?? null };
  },
};
