import { randomBytes } from "node:crypto";
import { hashPassword } from "@/server/auth/password";
import { isUniqueViolation, mapRead, queryRead, runRead, transaction, type Read } from "@/server/db/unit-of-work";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import {
  can, forbidden, isAccessError, isSelfOr, mayViewTeamOf, memberVisibility, notFound, type Visibility,
} from "@/server/domain/shared/access";
import { cached } from "@/server/domain/shared/cached";
import { FieldErrors, fieldError } from "@/server/domain/shared/input.errors";
import { MAX_PAGE_SIZE, toPage, type Page } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { publish } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { emailTaken, normalizeRegistration, referralCodeFromBytes, sponsorNotFound, validateRegistration, type RegistrationInput } from "./enrolment.rules";
import { GenealogyErrorCode } from "./genealogy.errors";
import { genealogyRepository, type NewMemberRow } from "./genealogy.repository";
import { decodeCursor, encodeCursor } from "./genealogy.rules";
import type { DownlineEdge, LevelCount, TeamStatsRecord, TreeName, TreePosition } from "./genealogy.types";
import {
  DEFAULT_PLACEMENT, placementConfigSchema, placementWidth, planPlacement, type PlacementConfig,
} from "./placement.rules";

const WEEK_MS = 7 * 24 * 3600 * 1000;

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

/**
 * The viewer's own record when they ask about themselves and the caller has it (read with
 * their session): no need to read it again.
 */
function ownRecord(viewer: Viewer, memberId: number | null | undefined, self: MemberRecord | null | undefined): MemberRecord | null {
  return self && viewer.apiKeyId == null && self.id === viewer.id && (memberId ?? viewer.id) === self.id ? self : null;
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
}, 5_000, "genealogy.placementSetting");

/**
 * The deepest level (absolute depth) a page of `limit` starting at level `from` can need:
 * where the levels after the first hold `limit` members (the first may be partly paged).
 */
function pageReach(levels: readonly LevelCount[], rootDepth: number, from: number, limit: number): number {
  let sum = 0;
  for (const l of levels) {
    const depth = rootDepth + l.level;
    if (depth <= from) continue;
    sum += l.count;
    if (sum >= limit) return depth;
  }
  return Infinity;
}

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

  /**
   * Signs up a distributor under the sponsor with `sponsorCode`: validates, hashes the
   * password, places the member in both trees, then announces them to the sponsor's
   * upline. Throws InputError (GenealogyErrorCode) for bad input; writes nothing then.
   */
  async enrol(raw: RegistrationInput): Promise<MemberRecord> {
    const input = normalizeRegistration(raw);
    const errors = new FieldErrors<GenealogyErrorCode>().addAll(validateRegistration(input));
    const sponsor = errors.has("sponsorCode") ? null : await genealogyRepository.findByReferralCode(input.sponsorCode);
    if (!errors.has("sponsorCode")) {
      if (!sponsor || sponsor.placementPath.length === 0) errors.addAll([sponsorNotFound()]);
      else if (sponsor.status !== "ACTIVE") errors.add("sponsorCode", GenealogyErrorCode.SPONSOR_INACTIVE, "This sponsor cannot recruit at the moment.");
    }
    if (!errors.has("email") && (await genealogyRepository.emailExists(input.email))) errors.addAll([emailTaken()]);
    errors.throwIfAny();
    const row: NewMemberRow = {
      email: input.email,
      passwordHash: await hashPassword(input.password),
      firstName: input.firstName,
      lastName: input.lastName,
      country: input.country,
      phone: input.phone,
      referralCode: await newReferralCode(),
      role: "DISTRIBUTOR",
    };
    let member: MemberRecord;
    try {
      member = await this.place(row, sponsor!);
    } catch (err) {
      // Two sign-ups with one e-mail at once: the unique index decides.
      if (isUniqueViolation(err, "email")) throw fieldError("email", GenealogyErrorCode.EMAIL_TAKEN, emailTaken().message);
      throw err;
    }
    const { email: _email, phone: _phone, ...publicFields } = member;
    publish(Topic.TeamChanged, { kind: "JOINED", member: { ...publicFields, joinedAt: member.joinedAt.toISOString() } });
    return member;
  },

  /** The name shown on a referral link's join page (public: first and last name only). */
  async sponsorPreview(code: string): Promise<{ firstName: string; lastName: string } | null> {
    const sponsor = await genealogyRepository.findByReferralCode(code.trim().toUpperCase());
    return sponsor && sponsor.status === "ACTIVE" && sponsor.placementPath.length > 0
      ? { firstName: sponsor.firstName, lastName: sponsor.lastName }
      : null;
  },

  /** Inserts a new member below `sponsor` in both trees (placement per company settings), under the placement lock. */
  async place(row: NewMemberRow, sponsor: MemberRecord): Promise<MemberRecord> {
    const config = await this.placementConfig();
    return transaction(
      async () => {
        await genealogyRepository.lockPlacements();
        const member = await genealogyRepository.insertPlaced(
          row,
          sponsor.id,
          (view) => planPlacement(config, { id: sponsor.id, preferredLeg: sponsor.preferredLeg }, view),
          placementWidth(config),
        );
        await loyaltyService.signedUp(member.id, member.joinedAt);
        await webhookService.emit("member.joined", `member.joined:${member.id}`, {
          memberId: member.id, firstName: member.firstName, lastName: member.lastName, country: member.country,
          sponsorId: member.sponsorId, placementParentId: member.placementParentId, joinedAt: member.joinedAt,
        });
        return member;
      },
      { timeout: 20_000, maxWait: 60_000 },
    );
  },

  insertRoot(row: NewMemberRow, inTree: boolean): Promise<MemberRecord> {
    return transaction(() => genealogyRepository.insertRoot(row, inTree));
  },

  /** What `viewer` may see of `target`. */
  async visibility(viewer: Viewer, target: MemberRecord): Promise<Visibility> {
    if (isSelfOr(viewer, "members.personal", target)) return "FULL";
    if (can(viewer, "members.read", target)) return "PUBLIC";
    if (viewer.apiKeyId != null) return "NONE"; // a key has no place in the tree
    return memberVisibility({ ...(await loadMember(viewer.id)), ...viewer }, target);
  },

  async downline(
    viewer: Viewer,
    args: { memberId?: number | null; tree: TreeName; maxDepth?: number | null; first?: number | null; after?: string | null },
    self?: MemberRecord | null,
  ): Promise<Page<DownlineEdge>> {
    if (args.maxDepth != null && args.maxDepth < 1) throw fieldError("maxDepth", GenealogyErrorCode.INVALID, "maxDepth must be at least 1.");
    const first = args.first ?? 50;
    if (first < 1 || first > MAX_PAGE_SIZE) throw fieldError("first", GenealogyErrorCode.INVALID, `first must be between 1 and ${MAX_PAGE_SIZE}.`);
    const target = ownRecord(viewer, args.memberId, self) ?? (await teamRoot(viewer, args.memberId));
    const root = positionOf(target, args.tree);
    if (!root) return { totalCount: 0, rows: [], hasNextPage: false };
    let after = null;
    if (args.after) {
      after = decodeCursor(args.after, root);
      if (!after) throw fieldError("after", GenealogyErrorCode.INVALID, "This cursor does not belong to this downline.");
    }
    // Counts first: they say down to which level the page can reach.
    const levels = await genealogyRepository.levelCounts(args.tree, root, args.maxDepth ?? null, new Date());
    const reach = Math.min(pageReach(levels, root.depth, after?.depth ?? root.depth + 1, first + 1), root.depth + (levels.at(-1)?.level ?? 0));
    const rows = await genealogyRepository.downlinePage(args.tree, root, after, first + 1, reach);
    // Edges carry their own cursors: a downline is paged by (depth, path), not by id.
    const edges = rows.map((r) => ({
      depth: r.depth - root.depth,
      cursor: encodeCursor({ depth: r.depth, path: r.path }),
      node: r as MemberRecord,
    }));
    return toPage(edges, first, levels.reduce((sum, l) => sum + l.count, 0));
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
    return runRead(genealogyService.teamStatsRead(await teamRoot(viewer, memberId), tree, now));
  },

  /**
   * A member's team in a tree (size, per-level counts, who joined this week) as one read,
   * for a member the caller has already been allowed to see. Directs are level 1.
   */
  teamStatsRead(target: MemberRecord, tree: TreeName, now = new Date()): Read<TeamStatsRecord> {
    const root = positionOf(target, tree);
    const stats = (levels: LevelCount[]): TeamStatsRecord => ({
      memberId: target.id,
      tree,
      teamSize: levels.reduce((s, l) => s + l.count, 0),
      directs: levels.find((l) => l.level === 1)?.count ?? 0,
      newThisWeek: levels.reduce((s, l) => s + l.newSince, 0),
      levels,
    });
    if (!root) return queryRead("SELECT 1 WHERE false", [], () => stats([]));
    return mapRead(genealogyRepository.levelCountsRead(tree, root, null, new Date(now.getTime() - WEEK_MS)), stats);
  },

  /**
   * The member whose team the viewer asks about (FORBIDDEN when the viewer may not see it,
   * NOT_FOUND when there is none); `self`, the viewer's own record read with their
   * session, answers for themselves without reading it again.
   */
  async memberForTeam(viewer: Viewer, memberId: number, self?: MemberRecord | null): Promise<MemberRecord> {
    return ownRecord(viewer, memberId, self) ?? teamRoot(viewer, memberId);
  },

  /** Whether `viewer` may follow the team (and volume) of `memberId`. A database failure is an error, not a "no". */
  async mayWatchTeam(viewer: Viewer, memberId: number): Promise<boolean> {
    try {
      await teamRoot(viewer, memberId);
      return true;
    } catch (err) {
      if (isAccessError(err)) return false;
      throw err;
    }
  },
};

async function newReferralCode(): Promise<string> {
  for (;;) {
    const code = referralCodeFromBytes(randomBytes(8));
    if (!(await genealogyRepository.referralCodeExists(code))) return code;
  }
}
