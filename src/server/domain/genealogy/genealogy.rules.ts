import type { TreePosition } from "./genealogy.types";

/**
 * Descendants of a member with path P are the paths strictly between P and P with its
 * last element plus one (arrays compare element by element, ids are positive).
 */
export function subtreeUpperBound(path: readonly number[]): number[] {
  if (path.length === 0) throw new Error("a member outside the tree has no subtree");
  const upper = path.slice();
  upper[upper.length - 1]! += 1;
  return upper;
}

/** Whether `member` lies in the subtree of `ancestorId` (the ancestor itself included). */
export function isInSubtree(memberPath: readonly number[], ancestorId: number): boolean {
  return memberPath.includes(ancestorId);
}

/** Levels below `ancestor` at which `memberPath` sits, or null when it is not a descendant. */
export function relativeLevel(memberPath: readonly number[], ancestorId: number): number | null {
  const at = memberPath.indexOf(ancestorId);
  return at < 0 || at === memberPath.length - 1 ? null : memberPath.length - 1 - at;
}

export interface DownlineCursor {
  depth: number;
  path: number[];
}

/** Cursors are opaque to clients: base64url of "depth:id.id.id". */
export function encodeCursor(c: DownlineCursor): string {
  return Buffer.from(`${c.depth}:${c.path.join(".")}`).toString("base64url");
}

export function decodeCursor(cursor: string, root: TreePosition): DownlineCursor | null {
  const m = /^(\d+):(\d+(?:\.\d+)*)$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) return null;
  const depth = Number(m[1]);
  const path = m[2]!.split(".").map(Number);
  // A cursor from another member's downline would leak nothing, but is a client bug.
  if (path.length !== depth + 1 || path[root.depth] !== root.id) return null;
  return { depth, path };
}

export type Visibility = "FULL" | "PUBLIC" | "NONE";

/**
 * What a viewer may see of a member.
 * 1. admins see everything  2. members see all of their own record
 * 3. a distributor sees the non-private fields of their downline (placement or sponsor
 *    tree: every sponsored member is placed below the sponsor, so these coincide for
 *    recruits) and of their upline  4. nothing of other lines
 */
export function memberVisibility(
  viewer: { id: number; role: string; sponsorPath: readonly number[]; placementPath: readonly number[] },
  target: { id: number; sponsorPath: readonly number[]; placementPath: readonly number[] },
): Visibility {
  if (viewer.role === "ADMIN") return "FULL";
  if (viewer.id === target.id) return "FULL";
  if (isInSubtree(target.placementPath, viewer.id) || isInSubtree(target.sponsorPath, viewer.id)) return "PUBLIC";
  if (isInSubtree(viewer.placementPath, target.id) || isInSubtree(viewer.sponsorPath, target.id)) return "PUBLIC";
  return "NONE";
}

/** Whether the viewer may look at the team of `target` (its downline, stats, events). */
export function mayViewTeamOf(
  viewer: { id: number; role: string },
  target: { sponsorPath: readonly number[]; placementPath: readonly number[] },
): boolean {
  return viewer.role === "ADMIN" || isInSubtree(target.placementPath, viewer.id) || isInSubtree(target.sponsorPath, viewer.id);
}
