import type { MemberRecord } from "@/server/domain/member/member.types";

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

/** A member's team in one tree. */
export interface TeamStatsRecord {
  memberId: number;
  tree: TreeName;
  teamSize: number;
  directs: number;
  newThisWeek: number;
  levels: LevelCount[];
}

/** One member of a downline page, with its level below the root and its cursor. */
export interface DownlineEdge {
  depth: number;
  cursor: string;
  node: MemberRecord;
}
