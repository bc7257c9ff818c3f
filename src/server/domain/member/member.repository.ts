import { jsonRows } from "@/server/db/json-rows";
import type { Prisma } from "@/server/db/client";
import { db, queryRead, runRead, type Read } from "@/server/db/unit-of-work";
import type { ListScope } from "@/server/domain/shared/access";
import { toPage, type Page } from "@/server/domain/shared/page";
import type { RoleName } from "@/server/domain/shared/viewer";
import type { MemberListFilter, MemberRecord, MemberStatusName, ProfileChangeRecord } from "./member.types";

/** A MemberRecord's columns, for SQL reads. */
const MEMBER_COLUMNS = `id, email, first_name AS "firstName", last_name AS "lastName", country, phone, referral_code AS "referralCode",
  role::text AS role, status::text AS status, preferred_leg::text AS "preferredLeg", sponsor_id AS "sponsorId",
  sponsor_path AS "sponsorPath", sponsor_depth AS "sponsorDepth", placement_parent_id AS "placementParentId",
  placement_position AS "placementPosition", placement_path AS "placementPath", placement_depth AS "placementDepth",
  joined_at AS "joinedAt", birth_date::timestamp AT TIME ZONE 'UTC' AS "birthDate", tags`;

const memberSelect = {
  id: true, email: true, firstName: true, lastName: true, country: true, phone: true,
  referralCode: true, role: true, status: true, preferredLeg: true, sponsorId: true,
  sponsorPath: true, sponsorDepth: true, placementParentId: true, placementPosition: true,
  placementPath: true, placementDepth: true, joinedAt: true, birthDate: true, tags: true,
} satisfies Prisma.MemberSelect;

export const memberRepository = {
  /** A member's own rows for their data download (JSON text, numbers exact). */
  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      profile: await jsonRows(
        `SELECT id, email, first_name, last_name, country, phone, birth_date, referral_code, role, status, preferred_leg, sponsor_id,
                placement_parent_id, placement_position, joined_at, updated_at FROM member WHERE id = $1`, [memberId]),
      profileChanges: await jsonRows(`SELECT field, old_value, new_value, changed_by_id, changed_at FROM profile_change WHERE member_id = $1 ORDER BY id`, [memberId]),
    };
  },

  /** Erasure: name, contact and password go; the row (and its id in every tree) stays. */
  async erase(memberId: number, placeholderEmail: string, unusableHash: string): Promise<boolean> {
    const n = await db().execute`
      UPDATE member SET email = ${placeholderEmail}, first_name = 'Erased', last_name = 'member', phone = '',
        birth_date = NULL, tags = '{}', password_hash = ${unusableHash}, status = 'ERASED', erased_at = now(), updated_at = now()
      WHERE id = ${memberId} AND status <> 'ERASED'`;
    await db().execute`UPDATE profile_change SET old_value = NULL, new_value = NULL WHERE member_id = ${memberId}`;
    return n > 0;
  },

  /** SQL (not the ORM): read on every order and sign-up, also inside lean transactions. */
  findById(id: number): Promise<MemberRecord | null> {
    return runRead(memberRepository.findByIdRead(id));
  },

  findByIdRead(id: number): Read<MemberRecord | null> {
    return queryRead<MemberRecord, MemberRecord | null>(`SELECT ${MEMBER_COLUMNS} FROM member WHERE id = $1`, [id], ([m]) => m ?? null);
  },

  /** SQL too: the member loader reads a page's sponsors and uplines through it. */
  findManyByIds(ids: readonly number[]): Promise<MemberRecord[]> {
    return db().query<MemberRecord>(`SELECT ${MEMBER_COLUMNS} FROM member WHERE id = ANY($1::int[])`, [[...ids]]);
  },

  findCredentials(email: string): Promise<{ id: number; role: RoleName; status: MemberStatusName; passwordHash: string } | null> {
    return db().orm.member.findUnique({ where: { email }, select: { id: true, role: true, status: true, passwordHash: true } });
  },

  update(memberId: number, data: Prisma.MemberUpdateInput): Promise<MemberRecord> {
    return db().orm.member.update({ where: { id: memberId }, data, select: memberSelect });
  },

  async addProfileChanges(memberId: number, changedById: number, changes: readonly { field: string; oldValue: string; newValue: string }[]) {
    await db().orm.profileChange.createMany({ data: changes.map((c) => ({ memberId, changedById, ...c })) });
  },

  async profileChanges(memberId: number, limit: number): Promise<ProfileChangeRecord[]> {
    const rows = await db().orm.profileChange.findMany({
      where: { memberId },
      orderBy: [{ changedAt: "desc" }, { id: "desc" }],
      take: limit,
      select: {
        id: true, field: true, oldValue: true, newValue: true, changedAt: true,
        changedBy: { select: { id: true, firstName: true, lastName: true } },
      },
    });
    return rows.map((r) => ({ ...r, id: r.id.toString() }));
  },

  /** Admin list: newest first, keyset-paginated on id, limited to the members `scopes` cover. */
  async list(filter: MemberListFilter, search: string | null, first: number, afterId: number | null, scopes: "ALL" | readonly ListScope[] = "ALL"): Promise<Page<MemberRecord>> {
    const where: Prisma.MemberWhereInput = {
      country: filter.country ?? undefined,
      role: filter.role ?? undefined,
      status: filter.status ?? undefined,
      joinedAt: { gte: filter.joinedAfter ?? undefined, lt: filter.joinedBefore ?? undefined },
    };
    if (scopes !== "ALL") {
      where.OR = scopes.map((sc) => ({
        AND: [
          sc.countries ? { country: { in: [...sc.countries] } } : {},
          sc.teamOf != null ? { OR: [{ placementPath: { has: sc.teamOf } }, { sponsorPath: { has: sc.teamOf } }] } : {},
        ],
      }));
    }
    if (search) {
      const words = search.trim().split(/\s+/).slice(0, 4);
      where.AND = words.map((w) => ({
        OR: [
          { firstName: { contains: w, mode: "insensitive" as const } },
          { lastName: { contains: w, mode: "insensitive" as const } },
          { email: { contains: w.toLowerCase() } },
          { referralCode: { equals: w.toUpperCase() } },
        ],
      }));
    }
    const orm = db().orm;
    const [rows, totalCount] = await Promise.all([
      orm.member.findMany({
        where: afterId ? { AND: [where, { id: { lt: afterId } }] } : where,
        orderBy: { id: "desc" },
        take: first + 1,
        select: memberSelect,
      }),
      orm.member.count({ where }),
    ]);
    return toPage(rows, first, totalCount);
  },
};
