import { prisma, type Prisma } from "@/server/db/client";
import type { MemberRecord, MemberStatusName, RoleName } from "./member.types";

const memberSelect = {
  id: true, email: true, firstName: true, lastName: true, country: true, phone: true,
  referralCode: true, role: true, status: true, preferredLeg: true, sponsorId: true,
  sponsorPath: true, sponsorDepth: true, placementParentId: true, placementPosition: true,
  placementPath: true, placementDepth: true, joinedAt: true,
} satisfies Prisma.MemberSelect;

export interface MemberListFilter {
  country?: string | null;
  role?: RoleName | null;
  status?: MemberStatusName | null;
  joinedAfter?: Date | null;
  joinedBefore?: Date | null;
}

export const memberRepository = {
  findById(id: number): Promise<MemberRecord | null> {
    return prisma().member.findUnique({ where: { id }, select: memberSelect });
  },

  findManyByIds(ids: readonly number[]): Promise<MemberRecord[]> {
    return prisma().member.findMany({ where: { id: { in: [...ids] } }, select: memberSelect });
  },

  findByReferralCode(code: string): Promise<MemberRecord | null> {
    return prisma().member.findUnique({ where: { referralCode: code }, select: memberSelect });
  },

  async findCredentials(email: string): Promise<{ id: number; role: RoleName; status: MemberStatusName; passwordHash: string } | null> {
    return prisma().member.findUnique({
      where: { email },
      select: { id: true, role: true, status: true, passwordHash: true },
    });
  },

  async emailExists(email: string): Promise<boolean> {
    return (await prisma().member.count({ where: { email } })) > 0;
  },

  async referralCodeExists(code: string): Promise<boolean> {
    return (await prisma().member.count({ where: { referralCode: code } })) > 0;
  },

  /** Applies the changes and records each one in the profile history, atomically. */
  async updateWithHistory(
    memberId: number,
    changedById: number,
    changes: { field: string; oldValue: string; newValue: string }[],
    data: Prisma.MemberUpdateInput,
  ): Promise<MemberRecord> {
    return prisma().$transaction(async (tx) => {
      const updated = await tx.member.update({ where: { id: memberId }, data, select: memberSelect });
      await tx.profileChange.createMany({
        data: changes.map((c) => ({ memberId, changedById, field: c.field, oldValue: c.oldValue, newValue: c.newValue })),
      });
      return updated;
    });
  },

  async profileChanges(memberId: number, limit: number) {
    const rows = await prisma().profileChange.findMany({
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

  /** Admin list: newest first, keyset-paginated on id. */
  async list(filter: MemberListFilter, search: string | null, first: number, afterId: number | null) {
    const where: Prisma.MemberWhereInput = {
      country: filter.country ?? undefined,
      role: filter.role ?? undefined,
      status: filter.status ?? undefined,
      joinedAt: { gte: filter.joinedAfter ?? undefined, lt: filter.joinedBefore ?? undefined },
    };
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
    const [rows, totalCount] = await Promise.all([
      prisma().member.findMany({
        where: afterId ? { AND: [where, { id: { lt: afterId } }] } : where,
        orderBy: { id: "desc" },
        take: first + 1,
        select: memberSelect,
      }),
      prisma().member.count({ where }),
    ]);
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  },
};
