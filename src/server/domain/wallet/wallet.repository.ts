import { jsonRows } from "@/server/db/json-rows";
import type { Prisma } from "@/server/db/client";
import { db } from "@/server/db/unit-of-work";
import { toPage, type Page } from "@/server/domain/shared/page";
import type { PayoutMethodRecord, WithdrawalFilter, WithdrawalStatusName } from "./wallet.types";

const WALLET_SETTING = "wallet.config";

/** A withdrawal as stored: amounts in minor units. */
export interface WithdrawalRow {
  id: number;
  memberId: number;
  memberName: string;
  currency: string;
  amount: number;
  fee: number;
  status: WithdrawalStatusName;
  payoutHolder: string;
  payoutIban: string;
  payoutBic: string | null;
  idempotencyKey: string;
  rejectReason: string | null;
  batchId: number | null;
  requestedAt: Date;
  decidedAt: Date | null;
  paidAt: Date | null;
}

const withdrawalInclude = { member: { select: { firstName: true, lastName: true } } } satisfies Prisma.WithdrawalInclude;

function toWithdrawal(w: Prisma.WithdrawalGetPayload<{ include: typeof withdrawalInclude }>): WithdrawalRow {
  const { member, amount, fee, ...rest } = w;
  return { ...rest, amount: Number(amount), fee: Number(fee), memberName: `${member.firstName} ${member.lastName}` };
}

export const walletRepository = {
  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      payoutMethod: await jsonRows(`SELECT kind, holder, iban, bic, updated_at FROM payout_method WHERE member_id = $1`, [memberId]),
      withdrawals: await jsonRows(`SELECT * FROM withdrawal WHERE member_id = $1 ORDER BY id`, [memberId]),
      transfers: await jsonRows(`SELECT * FROM wallet_transfer WHERE from_member_id = $1 OR to_member_id = $1 ORDER BY id`, [memberId]),
    };
  },

  /** Erasure: the bank details go; withdrawals keep the amounts and the IBAN's last four characters. */
  async erasePayoutDetails(memberId: number): Promise<void> {
    await db().execute`DELETE FROM payout_method WHERE member_id = ${memberId}`;
    await db().execute`
      UPDATE withdrawal SET payout_holder = 'Erased member', payout_iban = '••••' || right(payout_iban, 4)
      WHERE member_id = ${memberId}`;
  },

  /** Withdrawals still on their way (requested or approved, not paid or rejected). */
  async openWithdrawals(memberId: number): Promise<number> {
    const [row] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM withdrawal WHERE member_id = ${memberId} AND status IN ('REQUESTED', 'APPROVED')`;
    return row!.n;
  },

  async configSetting(): Promise<unknown> {
    const row = await db().orm.setting.findUnique({ where: { key: WALLET_SETTING } });
    return row?.value ?? null;
  },

  payoutMethod(memberId: number): Promise<PayoutMethodRecord | null> {
    return db().orm.payoutMethod.findUnique({ where: { memberId }, select: { holder: true, iban: true, bic: true } });
  },

  async savePayoutMethod(memberId: number, m: PayoutMethodRecord): Promise<PayoutMethodRecord> {
    await db().orm.payoutMethod.upsert({ where: { memberId }, create: { memberId, ...m }, update: { ...m, updatedAt: new Date() } });
    return m;
  },

  /** Records a transfer, or returns null when the sender used the key before (the caller reads that one). */
  async insertTransfer(t: { fromMemberId: number; toMemberId: number; currency: string; amount: number; fee: number; note: string | null; idempotencyKey: string }) {
    const rows = await db().sql<{ id: number }>`
      INSERT INTO wallet_transfer (from_member_id, to_member_id, currency, amount, fee, note, idempotency_key)
      VALUES (${t.fromMemberId}, ${t.toMemberId}, ${t.currency}, ${t.amount}, ${t.fee}, ${t.note}, ${t.idempotencyKey})
      ON CONFLICT (from_member_id, idempotency_key) DO NOTHING RETURNING id`;
    return rows[0]?.id ?? null;
  },

  async findTransferByKey(fromMemberId: number, idempotencyKey: string) {
    const t = await db().orm.walletTransfer.findUnique({ where: { fromMemberId_idempotencyKey: { fromMemberId, idempotencyKey } } });
    return t && { ...t, amount: Number(t.amount), fee: Number(t.fee) };
  },

  async transfersByIds(ids: readonly number[]) {
    if (ids.length === 0) return [];
    const rows = await db().orm.walletTransfer.findMany({
      where: { id: { in: [...ids] } },
      include: { from: { select: { firstName: true, lastName: true } }, to: { select: { firstName: true, lastName: true } } },
    });
    return rows.map((t) => ({
      id: t.id, fromMemberId: t.fromMemberId, toMemberId: t.toMemberId, currency: t.currency, amount: Number(t.amount), fee: Number(t.fee),
      note: t.note, fromName: `${t.from.firstName} ${t.from.lastName}`, toName: `${t.to.firstName} ${t.to.lastName}`,
    }));
  },

  async insertWithdrawal(w: { memberId: number; currency: string; amount: number; fee: number; payout: PayoutMethodRecord; idempotencyKey: string }) {
    const rows = await db().sql<{ id: number }>`
      INSERT INTO withdrawal (member_id, currency, amount, fee, payout_holder, payout_iban, payout_bic, idempotency_key)
      VALUES (${w.memberId}, ${w.currency}, ${w.amount}, ${w.fee}, ${w.payout.holder}, ${w.payout.iban}, ${w.payout.bic}, ${w.idempotencyKey})
      ON CONFLICT (member_id, idempotency_key) DO NOTHING RETURNING id`;
    return rows[0]?.id ?? null;
  },

  async findWithdrawalByKey(memberId: number, idempotencyKey: string): Promise<WithdrawalRow | null> {
    const w = await db().orm.withdrawal.findUnique({ where: { memberId_idempotencyKey: { memberId, idempotencyKey } }, include: withdrawalInclude });
    return w && toWithdrawal(w);
  },

  async withdrawalsByIds(ids: readonly number[]): Promise<WithdrawalRow[]> {
    if (ids.length === 0) return [];
    const rows = await db().orm.withdrawal.findMany({ where: { id: { in: [...ids] } }, include: withdrawalInclude });
    return rows.map(toWithdrawal);
  },

  /** The withdrawals, their rows locked until the transaction ends, in id order. */
  async lockWithdrawals(ids: readonly number[]): Promise<WithdrawalRow[]> {
    await db().sql`SELECT id FROM withdrawal WHERE id = ANY(${[...ids]}::int[]) ORDER BY id FOR UPDATE`;
    const rows = await db().orm.withdrawal.findMany({ where: { id: { in: [...ids] } }, include: withdrawalInclude, orderBy: { id: "asc" } });
    return rows.map(toWithdrawal);
  },

  async updateWithdrawals(
    ids: readonly number[],
    patch: { status?: WithdrawalStatusName; rejectReason?: string; decidedById?: number; decidedAt?: Date; batchId?: number; paidAt?: Date },
  ): Promise<void> {
    await db().orm.withdrawal.updateMany({ where: { id: { in: [...ids] } }, data: patch });
  },

  /** Newest first, keyset on id. */
  async withdrawals(filter: WithdrawalFilter, limit: number, beforeId: number | null): Promise<Page<WithdrawalRow>> {
    const where: Prisma.WithdrawalWhereInput = {
      status: filter.status ?? undefined, memberId: filter.memberId ?? undefined, batchId: filter.batchId ?? undefined,
    };
    const { orm } = db();
    const [rows, totalCount] = await Promise.all([
      orm.withdrawal.findMany({
        where: beforeId ? { AND: [where, { id: { lt: beforeId } }] } : where,
        include: withdrawalInclude, orderBy: { id: "desc" }, take: limit + 1,
      }),
      orm.withdrawal.count({ where }),
    ]);
    return toPage(rows.map(toWithdrawal), limit, totalCount);
  },

  async createBatch(createdById: number, provider: string): Promise<number> {
    return (await db().orm.payoutBatch.create({ data: { createdById, provider }, select: { id: true } })).id;
  },

  /** The batch, its row locked until the transaction ends. */
  async lockBatch(id: number) {
    const rows = await db().sql<{ id: number; status: "OPEN" | "PAID"; provider: string }>`
      SELECT id, status::text, provider FROM payout_batch WHERE id = ${id} FOR UPDATE`;
    return rows[0] ?? null;
  },

  async markBatchPaid(id: number, reference: string, paidAt: Date): Promise<void> {
    await db().orm.payoutBatch.update({ where: { id }, data: { status: "PAID", reference, paidAt } });
  },

  async batches(limit: number, beforeId: number | null) {
    const rows = await db().sql<{ id: number; status: "OPEN" | "PAID"; provider: string; createdAt: Date; paidAt: Date | null; reference: string | null; withdrawals: number; totals: { currency: string; amount: number }[] | null }>`
      SELECT b.id, b.status::text, b.provider, b.created_at AS "createdAt", b.paid_at AS "paidAt", b.reference,
        (SELECT count(*)::int FROM withdrawal w WHERE w.batch_id = b.id) AS withdrawals,
        (SELECT json_agg(json_build_object('currency', t.currency, 'amount', t.amount)) FROM (
          SELECT currency, sum(amount) AS amount FROM withdrawal w WHERE w.batch_id = b.id GROUP BY currency ORDER BY currency) t) AS totals
      FROM payout_batch b WHERE (${beforeId}::int IS NULL OR b.id < ${beforeId}::int) ORDER BY b.id DESC LIMIT ${limit + 1}`;
    const [{ n }] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM payout_batch`;
    return toPage(rows.map((r) => ({ ...r, totals: (r.totals ?? []).map((t) => ({ currency: t.currency, amount: Number(t.amount) })) })), limit, n!);
  },
};
