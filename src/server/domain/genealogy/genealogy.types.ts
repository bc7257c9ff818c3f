export type TreeName = "SPONSOR" | "PLACEMENT";

/** A member's position in one tree: the path runs from the root to the member itself. */
export interface TreePosition {
  id: number;
  path: number[];
  depth: number;
}

export interface LevelCount {
  level: number;
  count: number;
  newSince: number;
}
