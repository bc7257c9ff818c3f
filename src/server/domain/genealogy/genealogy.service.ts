import type { MemberRecord, Viewer } from "@/server/domain/member/member.types";
import { forbidden, notFound } from "@/server/domain/shared/access.errors";
import { cached } from "@/server/domain/shared/cached";
import { genealogyRepository, type NewMemberRow } from "./genealogy.repository";
import {
  decodeCursor, encodeCursor, mayViewTeamOf, memberVisibility, type Visibility,
} from "./genealogy.rules";
import type { TreeName, TreePosition } from "./genealogy.types";
import {
  DEFAULT_PLACEMENT, placementConfigSchema, placementWidth, planPlacement, type PlacementConfig,
} from "./placement.rules";

export const MAX_PAGE = 200;
const WEEK_MS = 7 * 24 * 3600 * 1000;

export class GenealogyInputError extends Error {
  constructor(readonly field: string, readonly code: string, message: string) {
    super(message);
    this.name = "GenealogyInputError";
  }
}

async function loadMember(id: number): Promise<MemberRecord> {
  const [m] = await genealogyRepository.findMembers([id]);
  if (!m) throw notFound("Member");
  return m;
}

function positionOf(m: MemberRecord, tree: TreeName): TreePosition | null {
  const path = tree === "SPONSOR" ? m.sponsorPath : m.placementPath;
  if (path.length === 0) return null;
  return { id: m.id, path, depth: tree === "SPONSOR" ? m.sponsorDepth : m.placementDepth };
}

/** Loads the member whose team the viewer asks about, checking the viewer may see it. */
async function teamRoot(viewer: Viewer, memberId: number | null | undefined): Promise<MemberRecord> {
  const target = await loadMember(memberId ?? viewer.id);
  if (!mayViewTeamOf(viewer, target)) throw forbidden("this member's team");
  return target;
}

const placementSetting = cached(async (): Promise<PlacementConfig> => {
  const parsed = placementConfigSchema.safeParse(await genealogyRepository.placementSetting());
  return parsed.success ? parsed.data : DEFAULT_PLACEMENT;
}, 5_000);

export const genealogyService = {
  /** The company's placement plan (read at most every 5 s: every order and sign-up needs it). */
  placementConfig(): Promise<PlacementConfig> {
    return placementSetting.get();
  },

  async setPlacementConfig(config: PlacementConfig): Promise<PlacementConfig> {
    const valid = placementConfigSchema.parse(config);
    await genealogyRepository.savePlacementSetting(valid);
    placementSetting.clear();
    return valid;
  },

  /** Inserts a new member below `sponsor` in both trees (placement per company settings). */
  async place(row: NewMemberRow, sponsor: MemberRecord): Promise<MemberRecord> {
    const config = await this.placementConfig();
    return genealogyRepository.insertPlaced(
      row,
      sponsor.id,
      (view) => planPlacement(config, { id: sponsor.id, preferredLeg: sponsor.preferredLeg }, view),
      placementWidth(config),
    );
  },

  insertRoot(row: NewMemberRow, inTree: boolean): Promise<MemberRecord> {
    return genealogyRepository.insertRoot(row, inTree);
  },

  /** What `viewer` may see of `target`. */
  async visibility(viewer: Viewer, target: MemberRecord): Promise<Visibility> {
    if (viewer.role === "ADMIN" || viewer.id === target.id) return "FULL";
    return memberVisibility({ ...(await loadMember(viewer.id)), role: viewer.role }, target);
  },

  async downline(
    viewer: Viewer,
    args: { memberId?: number | null; tree: TreeName; maxDepth?: number | null; first?: number | null; after?: string | null },
  ) {
    if (args.maxDepth != null && args.maxDepth < 1) throw new GenealogyInputError("maxDepth", "INVALID", "maxDepth must be at least 1.");
    const first = args.first ?? 50;
    if (first < 1 || first > MAX_PAGE) throw new GenealogyInputError("first", "INVALID", `first must be between 1 and ${MAX_PAGE}.`);
    const target = await teamRoot(viewer, args.memberId);
    const root = positionOf(target, args.tree);
    if (!root) return { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    let after = null;
    if (args.after) {
      after = decodeCursor(args.after, root);
      if (!after) throw new GenealogyInputError("after", "INVALID", "This cursor does not belong to this downline.");
    }
    const [rows, levels] = await Promise.all([
      genealogyRepository.downlinePage(args.tree, root, args.maxDepth ?? null, after, first + 1),
      genealogyRepository.levelCounts(args.tree, root, args.maxDepth ?? null, new Date()),
    ]);
    const page = rows.slice(0, first);
    const edges = page.map((r) => ({
      depth: r.depth - root.depth,
      cursor: encodeCursor({ depth: r.depth, path: r.path }),
      node: r as MemberRecord,
    }));
    return {
      totalCount: levels.reduce((sum, l) => sum + l.count, 0),
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  },

  /** The path from the root down to the member's parent (the root first). */
  async upline(viewer: Viewer, memberId: number | null | undefined, tree: TreeName): Promise<MemberRecord[]> {
    const id = memberId ?? viewer.id;
    const onPath = await genealogyRepository.pathMembers(tree, id);
    const target = onPath.find((m) => m.id === id);
    if (!target) throw notFound("Member");
    if (!mayViewTeamOf(viewer, target)) throw forbidden("this member's team");
    const byId = new Map(onPath.map((m) => [m.id, m]));
    const path = tree === "SPONSOR" ? target.sponsorPath : target.placementPath;
    return path.slice(0, -1).map((a) => byId.get(a)!);
  },

  async teamStats(viewer: Viewer, memberId: number | null | undefined, tree: TreeName, now = new Date()) {
    const target = await teamRoot(viewer, memberId);
    const root = positionOf(target, tree);
    const since = new Date(now.getTime() - WEEK_MS);
    const [levels, directs] = root
      ? await Promise.all([
          genealogyRepository.levelCounts(tree, root, null, since),
          genealogyRepository.directCount(tree, target.id),
        ])
      : [[], 0];
    return {
      memberId: target.id,
      tree,
      teamSize: levels.reduce((s, l) => s + l.count, 0),
      directs,
      newThisWeek: levels.reduce((s, l) => s + l.newSince, 0),
      levels,
    };
  },

  /** Whether `viewer` may follow team events of `memberId`. */
  /** The member whose team the viewer asks about (throws when the viewer may not see it). */
  memberForTeam(viewer: Viewer, memberId: number): Promise<MemberRecord> {
    return teamRoot(viewer, memberId);
  },

  async mayWatchTeam(viewer: Viewer, memberId: number): Promise<boolean> {
    try {
      await teamRoot(viewer, memberId);
      return true;
    } catch {
      return false;
    }
  },
};
