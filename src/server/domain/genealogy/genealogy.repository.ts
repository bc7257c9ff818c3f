import type { Prisma } from "@/server/db/client";
import { db } from "@/server/db/unit-of-work";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { RoleName } from "@/server/domain/shared/viewer";
import type { PlacementTreeView, Slot } from "./placement.rules";
import { subtreeUpperBound, type DownlineCursor } from "./genealogy.rules";
import type { LevelCount, TreeName, TreePosition } from "./genealogy.types";

const COLUMNS: Record<TreeName, { path: string; depth: string }> = {
  SPONSOR: { path: "sponsor_path", depth: "sponsor_depth" },
  PLACEMENT: { path: "placement_path", depth: "placement_depth" },
};

const MEMBER_COLUMNS = `id, email, first_name AS "firstName", last_name AS "lastName", country, phone,
  referral_code AS "referralCode", role::text AS role, status::text AS status, preferred_leg::text AS "preferredLeg",
  sponsor_id AS "sponsorId", sponsor_path AS "sponsorPath", sponsor_depth AS "sponsorDepth",
  placement_parent_id AS "placementParentId", placement_position AS "placementPosition",
  placement_path AS "placementPath", placement_depth AS "placementDepth", joined_at AS "joinedAt"`;

/** Global lock that serialises placements: two sign-ups never race for one slot. */
const PLACEMENT_LOCK = 7_311_001;

async function deepestLevel(tree: TreeName): Promise<number> {
  const [row] = await db().query<{ d: number | null }>(`SELECT max(${COLUMNS[tree].depth}) AS d FROM member`);
  return row?.d ?? 0;
}

/** The last level to look at below root: root.depth + levels, or the deepest level there is. */
async function lastLevel(tree: TreeName, root: TreePosition, levels: number | null): Promise<number> {
  return levels == null ? deepestLevel(tree) : root.depth + levels;
}

async function levelCounts(tree: TreeName, root: TreePosition, levels: number | null, since: Date): Promise<LevelCount[]> {
  const c = COLUMNS[tree];
  const to = await lastLevel(tree, root, levels);
  if (to <= root.depth) return [];
  // One index range scan per level over (depth, path) INCLUDE (joined_at): index-only.
  const rows = await db().query<{ depth: number; count: number; fresh: number }>(
    `SELECT lvl AS depth, t.count, t.fresh
     FROM generate_series($1::int, $2::int) AS lvl
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS count, (count(*) FILTER (WHERE joined_at >= $5))::int AS fresh
       FROM member m WHERE m.${c.depth} = lvl AND m.${c.path} > $3::int[] AND m.${c.path} < $4::int[]
     ) t
     WHERE t.count > 0
     ORDER BY lvl`,
    [root.depth + 1, to, root.path, subtreeUpperBound(root.path), since],
  );
  return rows.map((r) => ({ level: r.depth - root.depth, count: r.count, newSince: r.fresh }));
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
      const [deepest] = await tx.sql<{ d: number }>`SELECT max(placement_depth) AS d FROM member`;
      const [size] = await tx.sql<{ n: number }>`
        SELECT COALESCE(sum(t.n), 0)::int AS n FROM generate_series(${row.depth}::int, ${deepest!.d}::int) AS lvl
        CROSS JOIN LATERAL (
          SELECT count(*) AS n FROM member
          WHERE placement_depth = lvl AND placement_path >= ${row.path}::int[] AND placement_path < ${subtreeUpperBound(row.path)}::int[]
        ) t`;
      return size!.n;
    },
    async nextPosition(parentId) {
      const [row] = await tx.sql<{ next: number }>`
        SELECT COALESCE(max(placement_position) + 1, 0)::int AS next FROM member WHERE placement_parent_id = ${parentId}`;
      return row!.next;
    },
    async firstOpenSlot(rootId, width) {
      const [root] = await tx.sql<{ path: number[]; depth: number }>`
        SELECT placement_path AS path, placement_depth AS depth FROM member WHERE id = ${rootId}`;
      if (!root || root.path.length === 0) throw new Error(`member ${rootId} is not placed`);
      const [deepest] = await tx.sql<{ d: number }>`SELECT max(placement_depth) AS d FROM member`;
      // The partial index holds only members with a free slot: one probe per level.
      const [open] = await tx.sql<{ id: number }>`
        SELECT o.id FROM generate_series(${root.depth}::int, ${deepest!.d}::int) AS lvl
        CROSS JOIN LATERAL (
          SELECT id FROM member
          WHERE placement_depth = lvl AND NOT placement_full
            AND placement_path >= ${root.path}::int[] AND placement_path < ${subtreeUpperBound(root.path)}::int[]
          ORDER BY placement_path LIMIT 1
        ) o
        ORDER BY lvl LIMIT 1`;
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

  levelCounts,

  async directCount(tree: TreeName, id: number): Promise<number> {
    const column = tree === "SPONSOR" ? "sponsor_id" : "placement_parent_id";
    const [row] = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM member WHERE ${column} = $1`, [id]);
    return row!.n;
  },

  /** One page of the downline in breadth-first order: (depth, path). */
  async downlinePage(tree: TreeName, root: TreePosition, levels: number | null, after: DownlineCursor | null, limit: number) {
    const c = COLUMNS[tree];
    const to = await lastLevel(tree, root, levels);
    const from = after ? after.depth : root.depth + 1;
    if (to < from) return [];
    // Per level, an index-only range scan that stops after `limit` paths (the first level
    // resumes after the cursor); only the rows of the page are then read from the table
    // (a member's id is the last element of its path).
    return db().query<MemberRecord & { depth: number; path: number[] }>(
      `WITH page AS (
         SELECT p.depth, p.path FROM generate_series($1::int, $2::int) AS lvl
         CROSS JOIN LATERAL (
           SELECT m.${c.depth} AS depth, m.${c.path} AS path FROM member m
           WHERE m.${c.depth} = lvl
             AND m.${c.path} > (CASE WHEN lvl = $1::int THEN $3::int[] ELSE $4::int[] END)
             AND m.${c.path} < $5::int[]
           ORDER BY m.${c.path} LIMIT $6
         ) p
         ORDER BY p.depth, p.path LIMIT $6
       )
       SELECT ${MEMBER_COLUMNS}, page.depth, page.path
       FROM page JOIN member ON member.id = page.path[cardinality(page.path)]
       ORDER BY page.depth, page.path`,
      [from, to, after?.path ?? root.path, root.path, subtreeUpperBound(root.path), limit],
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
