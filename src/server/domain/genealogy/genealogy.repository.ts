import type { Prisma } from "@/server/db/client";
import { db, queryRead, runRead, type Read } from "@/server/db/unit-of-work";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { RoleName } from "@/server/domain/shared/viewer";
import type { PlacementTreeView, Slot } from "./placement.rules";
import { subtreeUpperBound, type DownlineCursor } from "./genealogy.rules";
import type { LevelCount, TreeName, TreePosition } from "./genealogy.types";

const COLUMNS: Record<TreeName, { path: string; depth: string }> = {
  SPONSOR: { path: "sponsor_path", depth: "sponsor_depth" },
  PLACEMENT: { path: "placement_path", depth: "placement_depth" },
};
const PLACEMENT = COLUMNS.PLACEMENT;

const MEMBER_COLUMNS = `id, email, first_name AS "firstName", last_name AS "lastName", country, phone,
  referral_code AS "referralCode", role::text AS role, status::text AS status, preferred_leg::text AS "preferredLeg",
  sponsor_id AS "sponsorId", sponsor_path AS "sponsorPath", sponsor_depth AS "sponsorDepth",
  placement_parent_id AS "placementParentId", placement_position AS "placementPosition",
  placement_path AS "placementPath", placement_depth AS "placementDepth", joined_at AS "joinedAt"`;

/**
 * Levels from here down are indexed by the first KEY elements of the path and the id (a
 * whole longer path does not fit a B-tree entry); levels above it by the whole path. Each
 * half is a partial index (migration 20261205083000_deep_genealogy), so every query below
 * has one branch per half, each naming its half's depth condition literally.
 */
const KEY = 500;

/** What selects a root's descendants in either half. */
function subtreeBounds(root: TreePosition) {
  const key = root.path.slice(0, KEY);
  return { path: root.path, upper: subtreeUpperBound(root.path), key, upperKey: subtreeUpperBound(key), at: root.depth + 1, id: root.id };
}

type BranchOptions = { where?: string; shallowAfter?: string; deepAfter?: string };

/**
 * The members of `m` at level `lvl` below a root, in two halves: above KEY a
 * range of (depth, path) between $p0 and $p1; from KEY down a range of (depth, key, id)
 * from $p2 (exclusive pair `deepAfter` when given) below $p3, narrowed (for a root at
 * level KEY or below, whose key is an ancestor's; the OR stops early for the others, so
 * their long paths are not read) to paths whose element $p4 is the root $p5.
 * `shallowAfter` replaces the lower path bound. (The FROM … WHERE of each half.)
 */
function branchSources(c: { path: string; depth: string }, lvl: string, p: readonly string[], opts: BranchOptions): [string, string] {
  const where = opts.where ? `AND ${opts.where}` : "";
  return [
    `FROM member m
      WHERE m.${c.depth} = ${lvl} AND m.${c.depth} < ${KEY} ${where}
        AND m.${c.path} > ${opts.shallowAfter ?? `${p[0]}::int[]`} AND m.${c.path} < ${p[1]}::int[]`,
    `FROM member m
      WHERE m.${c.depth} = ${lvl} AND m.${c.depth} >= ${KEY} ${where}
        AND ${opts.deepAfter ?? `m.${c.path}[1:${KEY}] >= ${p[2]}::int[]`} AND m.${c.path}[1:${KEY}] < ${p[3]}::int[]
        AND (${p[4]}::int <= ${KEY} OR m.${c.path}[${p[4]}::int] = ${p[5]}::int)`,
  ];
}

/** Rows of both halves as one UNION ALL (each half ordered and limited on its own index when `limit` is given). */
function levelBranches(
  c: { path: string; depth: string },
  lvl: string,
  p: readonly string[],
  opts: BranchOptions & { select: string; limit?: string },
): string {
  const [shallow, deep] = branchSources(c, lvl, p, opts);
  const shallowOrder = opts.limit ? `ORDER BY m.${c.path} LIMIT ${opts.limit}` : "";
  const deepOrder = opts.limit ? `ORDER BY m.${c.path}[1:${KEY}], m.id LIMIT ${opts.limit}` : "";
  return `(SELECT ${opts.select} ${shallow} ${shallowOrder}) UNION ALL (SELECT ${opts.select} ${deep} ${deepOrder})`;
}

/**
 * Aggregates over both halves, each computed right on its index scan and then added (an
 * aggregate over a UNION ALL pays a node per row: ten times slower for a team of 100,000).
 * `aggregates` are `expression AS name` pairs of counts.
 */
function levelAggregates(c: { path: string; depth: string }, lvl: string, p: readonly string[], aggregates: [string, string][], opts: BranchOptions = {}): string {
  const [shallow, deep] = branchSources(c, lvl, p, opts);
  const list = aggregates.map(([e, n]) => `${e} AS ${n}`).join(", ");
  return `SELECT ${aggregates.map(([, n]) => `s.${n} + d.${n} AS ${n}`).join(", ")} FROM (SELECT ${list} ${shallow}) s, (SELECT ${list} ${deep}) d`;
}

const boundValues = (b: ReturnType<typeof subtreeBounds>) => [b.path, b.upper, b.key, b.upperKey, b.at, b.id];

/** Global lock that serialises placements: two sign-ups never race for one slot. */
const PLACEMENT_LOCK = 7_311_001;

/** The deepest level of a tree: one backward step in each half's index (a plain max() would read every member). */
const deepestSql = (depth: string) =>
  `SELECT coalesce(greatest((SELECT max(${depth}) FROM member WHERE ${depth} < ${KEY}), (SELECT max(${depth}) FROM member WHERE ${depth} >= ${KEY})), 0) AS d`;

/**
 * Members per level below root (and how many joined since `since`), `levels` deep or to
 * the deepest level there is (read in the same statement).
 */
function levelCountsRead(tree: TreeName, root: TreePosition, levels: number | null, since: Date): Read<LevelCount[]> {
  const c = COLUMNS[tree];
  // One index range scan per level over (depth, path) INCLUDE (joined_at): index-only
  // (from level KEY down, over (depth, key, id) with the root's path element checked).
  return queryRead<{ depth: number; count: number; fresh: number }, LevelCount[]>(
    `SELECT lvl AS depth, t.count, t.fresh
     FROM generate_series($1::int, coalesce($2::int, (${deepestSql(c.depth)}))) AS lvl
     CROSS JOIN LATERAL (${levelAggregates(c, "lvl", ["$4", "$5", "$6", "$7", "$8", "$9"], [["count(*)::int", "count"], ["(count(*) FILTER (WHERE m.joined_at >= $3))::int", "fresh"]])}) t
     WHERE t.count > 0
     ORDER BY lvl`,
    [root.depth + 1, levels == null ? null : root.depth + levels, since, ...boundValues(subtreeBounds(root))],
    (rows) => rows.map((r) => ({ level: r.depth - root.depth, count: r.count, newSince: r.fresh })),
  );
}

function sqlPlacementView(): PlacementTreeView {
  const tx = db();
  return {
    async childAt(parentId, position) {
      const [row] = await tx.sql<{ id: number }>`
        SELECT id FROM member WHERE placement_parent_id = ${parentId} AND placement_position = ${position}`;
      return row?.id ?? null;
    },
    async subtreeSize(nodeId) {
      const [row] = await tx.sql<{ path: number[]; depth: number }>`
        SELECT placement_path AS path, placement_depth AS depth FROM member WHERE id = ${nodeId}`;
      if (!row) return 0;
      const [deepest] = await tx.query<{ d: number }>(deepestSql(PLACEMENT.depth));
      const [size] = await tx.query<{ n: number }>(
        `SELECT 1 + COALESCE(sum(t.n), 0)::int AS n FROM generate_series($1::int, $2::int) AS lvl
         CROSS JOIN LATERAL (${levelAggregates(PLACEMENT, "lvl", ["$3", "$4", "$5", "$6", "$7", "$8"], [["count(*)", "n"]])}) t`,
        [row.depth + 1, deepest!.d, ...boundValues(subtreeBounds({ id: nodeId, ...row }))],
      );
      return size!.n;
    },
    async outerEnd(nodeId, position) {
      // One probe of the (parent, position) key per level, in one statement.
      const [row] = await tx.sql<{ id: number }>`
        WITH RECURSIVE edge(id, n) AS (
          SELECT ${nodeId}::int, 0
          UNION ALL
          SELECT m.id, edge.n + 1 FROM edge JOIN member m ON m.placement_parent_id = edge.id AND m.placement_position = ${position}::int
        )
        SELECT id FROM edge ORDER BY n DESC LIMIT 1`;
      return row!.id;
    },
    async nextPosition(parentId) {
      const [row] = await tx.sql<{ next: number }>`
        SELECT COALESCE(max(placement_position) + 1, 0)::int AS next FROM member WHERE placement_parent_id = ${parentId}`;
      return row!.next;
    },
    async firstOpenSlot(rootId, width) {
      const [root] = await tx.sql<{ path: number[]; depth: number; full: boolean }>`
        SELECT placement_path AS path, placement_depth AS depth, placement_full AS full FROM member WHERE id = ${rootId}`;
      if (!root || root.path.length === 0) throw new Error(`member ${rootId} is not placed`);
      let open: { id: number } | undefined = root.full ? undefined : { id: rootId };
      if (!open) {
        const [deepest] = await tx.query<{ d: number }>(deepestSql(PLACEMENT.depth));
        // The partial indexes hold only members with a free slot: one probe per level.
        [open] = await tx.query<{ id: number }>(
          `SELECT o.id FROM generate_series($1::int, $2::int) AS lvl
           CROSS JOIN LATERAL (
             SELECT x.id FROM (${levelBranches(PLACEMENT, "lvl", ["$3", "$4", "$5", "$6", "$7", "$8"], {
               select: `m.id, m.placement_path[1:${KEY}] AS k`, where: "NOT m.placement_full", limit: "1",
             })}) x ORDER BY x.k, x.id LIMIT 1
           ) o
           ORDER BY lvl LIMIT 1`,
          [root.depth + 1, deepest!.d, ...boundValues(subtreeBounds({ id: rootId, ...root }))],
        );
      }
      if (!open) throw new Error(`no open slot under member ${rootId}`);
      const taken = await tx.sql<{ p: number }>`
        SELECT placement_position AS p FROM member WHERE placement_parent_id = ${open.id}`;
      const used = new Set(taken.map((t) => t.p));
      const freePositions: number[] = [];
      for (let p = 0; p < width; p++) if (!used.has(p)) freePositions.push(p);
      return { nodeId: open.id, freePositions };
    },
  };
}

export interface NewMemberRow {
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
  country: string;
  phone: string;
  referralCode: string;
  role: RoleName;
}

const PLACEMENT_SETTING = "genealogy.placement";

export const genealogyRepository = {
  async placementSetting(): Promise<unknown> {
    const row = await db().orm.setting.findUnique({ where: { key: PLACEMENT_SETTING } });
    return row?.value ?? null;
  },

  async savePlacementSetting(value: Prisma.InputJsonValue): Promise<void> {
    await db().orm.setting.upsert({
      where: { key: PLACEMENT_SETTING },
      create: { key: PLACEMENT_SETTING, value },
      update: { value },
    });
  },

  levelCounts(tree: TreeName, root: TreePosition, levels: number | null, since: Date): Promise<LevelCount[]> {
    return runRead(levelCountsRead(tree, root, levels, since));
  },

  levelCountsRead,

  /**
   * One page of the downline in breadth-first order: (depth, path). `through` is the last
   * level worth reading (from the level counts: where the page must be full, or the last
   * level there is), so a long thin leg is not read to its end for one page.
   */
  async downlinePage(tree: TreeName, root: TreePosition, after: DownlineCursor | null, limit: number, through: number) {
    const c = COLUMNS[tree];
    const from = after ? after.depth : root.depth + 1;
    if (through < from) return [];
    // Per level, an index-only range scan that stops after `limit` paths (the first level
    // resumes after the cursor); only the rows of the page are then read from the table
    // (a member's id is the last element of its path).
    // From level KEY down the order within a level is (first KEY elements, id): the path
    // order wherever paths differ there, the id order below one deep ancestor.
    const cursor = after?.path ?? root.path;
    return db().query<MemberRecord & { depth: number; path: number[] }>(
      `WITH page AS (
         SELECT p.depth, p.path, p.k, p.id AS member_id FROM generate_series($1::int, $2::int) AS lvl
         CROSS JOIN LATERAL (
           SELECT * FROM (${levelBranches(c, "lvl", ["$5", "$6", "$7", "$8", "$9", "$10"], {
             select: `m.${c.depth} AS depth, m.${c.path} AS path, m.${c.path}[1:${KEY}] AS k, m.id`, limit: "$4",
             shallowAfter: "(CASE WHEN lvl = $1::int THEN $3::int[] ELSE $5::int[] END)",
             deepAfter: `(m.${c.path}[1:${KEY}], m.id) > (CASE WHEN lvl = $1::int THEN $11::int[] ELSE $7::int[] END, CASE WHEN lvl = $1::int THEN $12::int ELSE 0 END)`,
           })}) b ORDER BY b.k, b.id LIMIT $4
         ) p
         ORDER BY p.depth, p.k, p.id LIMIT $4
       )
       SELECT ${MEMBER_COLUMNS}, page.depth, page.path
       FROM page JOIN member ON member.id = page.member_id
       ORDER BY page.depth, page.k, page.member_id`,
      [from, through, cursor, limit, ...boundValues(subtreeBounds(root)), after ? cursor.slice(0, KEY) : root.path.slice(0, KEY), after ? cursor.at(-1)! : 0],
    );
  },

  /** The member and everyone on its path to the root, in one query (any order). */
  async pathMembers(tree: TreeName, id: number): Promise<MemberRecord[]> {
    return db().query<MemberRecord>(
      `SELECT ${MEMBER_COLUMNS} FROM member
       JOIN (SELECT unnest(${COLUMNS[tree].path}) AS pid FROM member WHERE id = $1 UNION SELECT $1::int) p ON member.id = p.pid`,
      [id],
    );
  },

  async findMembers(ids: number[]): Promise<MemberRecord[]> {
    if (ids.length === 0) return [];
    return db().query<MemberRecord>(`SELECT ${MEMBER_COLUMNS} FROM member WHERE id = ANY($1::int[])`, [ids]);
  },

  async findByReferralCode(code: string): Promise<MemberRecord | null> {
    const [m] = await db().query<MemberRecord>(`SELECT ${MEMBER_COLUMNS} FROM member WHERE referral_code = $1`, [code]);
    return m ?? null;
  },

  async emailExists(email: string): Promise<boolean> {
    return (await db().orm.member.count({ where: { email } })) > 0;
  },

  async referralCodeExists(code: string): Promise<boolean> {
    return (await db().orm.member.count({ where: { referralCode: code } })) > 0;
  },

  /** Placements take turns until the transaction ends (call inside one). */
  async lockPlacements(): Promise<void> {
    await db().execute`SELECT pg_advisory_xact_lock(${PLACEMENT_LOCK})`;
  },

  /**
   * Inserts a new member at the slot the placement rules choose. Call inside a
   * transaction after `lockPlacements`; the unique (parent, position) index is the last guard.
   */
  async insertPlaced(row: NewMemberRow, sponsorId: number, plan: (view: PlacementTreeView) => Promise<Slot>, width: number): Promise<MemberRecord> {
    const { orm } = db();
    const slot = await plan(sqlPlacementView());
    const [sponsor, parent] = await Promise.all([
      orm.member.findUniqueOrThrow({ where: { id: sponsorId }, select: { sponsorPath: true, sponsorDepth: true } }),
      orm.member.findUniqueOrThrow({ where: { id: slot.parentId }, select: { placementPath: true, placementDepth: true } }),
    ]);
    const id = await nextMemberId();
    await orm.member.create({
      data: {
        id,
        ...row,
        sponsorId,
        sponsorPath: [...sponsor.sponsorPath, id],
        sponsorDepth: sponsor.sponsorDepth + 1,
        placementParentId: slot.parentId,
        placementPosition: slot.position,
        placementPath: [...parent.placementPath, id],
        placementDepth: parent.placementDepth + 1,
      },
      select: { id: true },
    });
    if (Number.isFinite(width)) {
      await db().execute`
        UPDATE member SET placement_full = true
        WHERE id = ${slot.parentId} AND (SELECT count(*) FROM member WHERE placement_parent_id = ${slot.parentId}) >= ${width}`;
    }
    return (await this.findMembers([id]))[0]!;
  },

  /** A member at the top of both trees (the company's first distributor, or an admin outside them). */
  async insertRoot(row: NewMemberRow, inTree: boolean): Promise<MemberRecord> {
    const id = await nextMemberId();
    const path = inTree ? [id] : [];
    await db().orm.member.create({
      data: { id, ...row, sponsorPath: path, sponsorDepth: 0, placementPath: path, placementDepth: 0 },
    });
    return (await this.findMembers([id]))[0]!;
  },
};

/** The id a new member will get (its path ends with it, so it is known before the insert). */
async function nextMemberId(): Promise<number> {
  const [row] = await db().sql<{ id: number }>`SELECT nextval('member_id_seq')::int AS id`;
  return row!.id;
}
