import type { Viewer } from "./viewer";

// The one place that decides who may see and do what. Services call these with the
// records they loaded; the GraphQL layer checks only that someone is signed in.

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

export function hasRole(viewer: Viewer | null | undefined, role: string): boolean {
  return viewer?.role === role;
}

export function isAdmin(viewer: Viewer | null | undefined): boolean {
  return hasRole(viewer, "ADMIN");
}

/** Admins only. */
export function requireAdmin(viewer: Viewer, what: string): void {
  if (!isAdmin(viewer)) throw forbidden(what);
}

/** The member themselves, or an admin. */
export function isSelfOrAdmin(viewer: Viewer | null | undefined, memberId: number): boolean {
  return viewer != null && (isAdmin(viewer) || viewer.id === memberId);
}

export function requireSelfOrAdmin(viewer: Viewer, memberId: number, what: string): void {
  if (!isSelfOrAdmin(viewer, memberId)) throw forbidden(what);
}

/** A member's positions in both trees: each path runs from the root to the member. */
export interface TreePaths {
  id: number;
  sponsorPath: readonly number[];
  placementPath: readonly number[];
}

/** Whether `member` is `ancestorId` or lies below it in either tree. */
export function inTeamOf(member: Omit<TreePaths, "id">, ancestorId: number): boolean {
  return member.placementPath.includes(ancestorId) || member.sponsorPath.includes(ancestorId);
}

export type Visibility = "FULL" | "PUBLIC" | "NONE";

/**
 * What a viewer may see of a member.
 * 1. admins see everything  2. members see all of their own record
 * 3. a distributor sees the non-private fields of their downline (placement or sponsor
 *    tree: every sponsored member is placed below the sponsor, so these coincide for
 *    recruits) and of their upline  4. nothing of other lines
 */
export function memberVisibility(viewer: Viewer & Omit<TreePaths, "id">, target: TreePaths): Visibility {
  if (isAdmin(viewer)) return "FULL";
  if (viewer.id === target.id) return "FULL";
  if (inTeamOf(target, viewer.id) || inTeamOf(viewer, target.id)) return "PUBLIC";
  return "NONE";
}

/**
 * Whether the viewer may look at the team of `target`: its downline, team stats,
 * volume and their live events.
 * 1. admins: anyone  2. the member itself and its upline  3. nobody else
 */
export function mayViewTeamOf(viewer: Viewer, target: TreePaths): boolean {
  return isAdmin(viewer) || inTeamOf(target, viewer.id);
}
