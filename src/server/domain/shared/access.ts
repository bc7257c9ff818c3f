import type { Grant, Permission } from "./permissions";
import type { Viewer } from "./viewer";

// The one place that decides who may see and do what. Services call these with the
// records they loaded; the GraphQL layer checks only that someone is signed in.
//
// Every member may act on their own account and see their team. Everything else needs a
// permission (domain/shared/permissions.ts) from a role assignment, which may be limited
// to countries or to a team: such a grant covers a member only when the member matches.

export enum AccessErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
}

/** The caller may not do this (or the thing is not there); maps to a top-level GraphQL error. */
export class AccessError extends Error {
  constructor(readonly code: AccessErrorCode, message: string) {
    super(message);
    this.name = "AccessError";
  }
}

export const unauthenticated = () => new AccessError(AccessErrorCode.UNAUTHENTICATED, "Sign in first.");
export const forbidden = (what = "this") => new AccessError(AccessErrorCode.FORBIDDEN, `You may not see or change ${what}.`);
export const notFound = (what: string) => new AccessError(AccessErrorCode.NOT_FOUND, `${what} was not found.`);

/** Whether err is an AccessError (by name: Next may load this module in more than one graph). */
export function isAccessError(err: unknown): err is AccessError {
  return (err as Error)?.name === "AccessError";
}

/** A member's positions in both trees: each path runs from the root to the member. */
export interface TreePaths {
  id: number;
  sponsorPath: readonly number[];
  placementPath: readonly number[];
}

/** What a grant's limits are checked against. */
export interface ScopeTarget extends TreePaths {
  country: string;
}

/** Whether `member` is `ancestorId` or lies below it in either tree. */
export function inTeamOf(member: Omit<TreePaths, "id">, ancestorId: number): boolean {
  return member.placementPath.includes(ancestorId) || member.sponsorPath.includes(ancestorId);
}

function unlimited(g: Grant): boolean {
  return g.countries == null && g.teamOf == null;
}

function covers(g: Grant, target: ScopeTarget): boolean {
  return (g.countries == null || g.countries.includes(target.country)) && (g.teamOf == null || inTeamOf(target, g.teamOf));
}

/**
 * Whether the viewer holds `permission` for `target`, or without a target for the whole
 * company (only a grant with no limits counts then).
 */
export function can(viewer: Viewer | null | undefined, permission: Permission, target?: ScopeTarget): boolean {
  if (!viewer) return false;
  return viewer.grants.some((g) => g.permission === permission && (target ? covers(g, target) : unlimited(g)));
}

/** Whether the viewer holds `permission` for at least some members. */
export function canSome(viewer: Viewer | null | undefined, permission: Permission): boolean {
  return !!viewer && viewer.grants.some((g) => g.permission === permission);
}

/** Whether the viewer has any back-office permission (and so a back office to go to). */
export function isStaff(viewer: Viewer | null | undefined): boolean {
  return !!viewer && viewer.grants.length > 0;
}

/** Acting on one's own account (a transfer, a withdrawal): a signed-in member, never an API key. */
export function requireMember(viewer: Viewer, what: string): void {
  if (viewer.apiKeyId != null || viewer.id <= 0) throw forbidden(what);
}

/** `permission` for the whole company, or FORBIDDEN. */
export function requirePermission(viewer: Viewer, permission: Permission, what: string, target?: ScopeTarget): void {
  if (!can(viewer, permission, target)) throw forbidden(what);
}

/** The member themselves (never an API key), or a holder of `permission` covering them. */
export function isSelfOr(viewer: Viewer | null | undefined, permission: Permission, target: ScopeTarget): boolean {
  return !!viewer && ((viewer.id === target.id && viewer.apiKeyId == null) || can(viewer, permission, target));
}

/** One limit of a list: members in `countries` (null: any) and in the team of `teamOf` (null: any). */
export interface ListScope {
  countries: readonly string[] | null;
  teamOf: number | null;
}

/**
 * Which members a company-wide list may show for `permission`: "ALL", or the union of
 * the viewer's limited grants (empty: none).
 */
export function listScopes(viewer: Viewer, permission: Permission): "ALL" | ListScope[] {
  const grants = viewer.grants.filter((g) => g.permission === permission);
  if (grants.some(unlimited)) return "ALL";
  return grants.map((g) => ({ countries: g.countries, teamOf: g.teamOf }));
}

export type Visibility = "FULL" | "PUBLIC" | "NONE";

/**
 * What a viewer may see of a member.
 * 1. the member sees all of their own record; so does a holder of members.personal covering them
 * 2. a holder of members.read covering them sees the non-private fields
 * 3. a distributor sees the non-private fields of their downline (placement or sponsor
 *    tree: every sponsored member is placed below the sponsor, so these coincide for
 *    recruits) and of their upline  4. nothing of other lines
 */
export function memberVisibility(viewer: Viewer & Omit<TreePaths, "id">, target: ScopeTarget): Visibility {
  if (isSelfOr(viewer, "members.personal", target)) return "FULL";
  if (can(viewer, "members.read", target)) return "PUBLIC";
  if (viewer.apiKeyId == null && (inTeamOf(target, viewer.id) || inTeamOf(viewer, target.id))) return "PUBLIC";
  return "NONE";
}

/**
 * Whether the viewer may look at the team of `target`: its downline, team stats,
 * volume and their live events.
 * 1. holders of members.read or volumes.read covering it  2. the member itself and its upline  3. nobody else
 */
export function mayViewTeamOf(viewer: Viewer, target: ScopeTarget): boolean {
  return can(viewer, "members.read", target) || can(viewer, "volumes.read", target) || (viewer.apiKeyId == null && inTeamOf(target, viewer.id));
}
