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
