import type { SqlDriver } from "../../src/server/db/driver";
import { ledgerService } from "../../src/server/domain/ledger/ledger.service";
import type { TransactionInput } from "../../src/server/domain/ledger/ledger.types";
import { commitPeriod } from "./commissions";
import type { LoyaltyTimeline } from "./loyalty";
import { rng } from "./network";

const DAY = 24 * 3600 * 1000;

interface Holder {
  id: number;
  firstName: string;
  lastName: string;
  country: string;
  sponsorId: number | null;
}

/** IBANs with valid check digits for a demo bank account number. */
function demoIban(n: number): string {
  const bban = `37040044${String(n).padStart(10, "0")}`;
  const digits = `${bban}131400`; // "DE00" moved to the end, D=13 E=14
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return `DE${String(98 - rest).padStart(2, "0")}${bban}`;
}

/**
 * A year of wallet history through the ledger: monthly commissions (a share of each
 * member's group volume of the month, paid on the 3rd of the next), welcome transfers
 * from sponsors to recruits, withdrawals in every state (paid in monthly payout batches,
 * a few rejected, the newest requested or approved, one batch still open), and a few
 * goodwill adjustments. Every debit is checked against a running balance first, so the
 * ledger's overdraft guard never fires; transactions are posted in time order.
 */
export async function seedWallets(db: SqlDriver, members: Holder[], now: Date, seed = 11, loyalty?: LoyaltyTimeline): Promise<{ transactions: number }> {
  const random = rng(seed);
  const byId = new Map(members.map((m) => [m.id, m]));
  // The demo company pays commissions in USD everywhere, so every wallet is in USD.
  const currencyOf = (_id: number) => "USD";
  type Move = { memberId: number; amount: number };
  // Every member's wallet in one statement (not one query per member as they come up).
  const wallets = new Map(
    (await ledgerService.accounts(members.map((m) => ({ ownerId: m.id, kind: "WALLET" as const, unit: currencyOf(m.id) })))).map((a) => [a.ownerId!, a.id]),
  );
  const wallet = (id: number) => wallets.get(id)!;
  const company = (kind: "COMMISSIONS_EXPENSE" | "FEES_INCOME" | "PAYOUTS_CLEARING" | "ADJUSTMENTS", currency: string) => ledgerService.accountId(null, kind, currency);

  // Commissions: each closed month's run is committed on the 3rd of the next (but the latest), in time order
  // with everything else (the run credits the wallets itself, as in production).
  type Marker = { at: Date; periodId: number };
  const runs: Marker[] = (
    await db.query<{ id: number; ends_at: Date }>(`SELECT id, ends_at FROM period WHERE status = 'CLOSED' AND ends_at <= $1 ORDER BY starts_at`, [now])
  ).map((p) => ({ periodId: p.id, at: new Date(new Date(p.ends_at).getTime() + 2 * DAY + 9 * 3600 * 1000) })).filter((m) => m.at < now)
    // The latest closed month waits for an admin to preview and commit it (as at the start of a month).
    .slice(0, -1);
  const events: { at: Date; tx: TransactionInput; debit?: Move; credit?: Move }[] = [];

  // Welcome transfers: some sponsors send a recruit a little, a week or two after a commission.
  const transfers: { id: number; from: number; to: number; currency: string; amount: number; at: Date; note: string }[] = [];
  const commissionDays = runs.map((r) => r.at.getTime());
  for (const m of members) {
    if (!m.sponsorId || !byId.has(m.sponsorId) || random() > 0.08) continue;
    if (currencyOf(m.sponsorId) !== currencyOf(m.id)) continue;
    const day = commissionDays[Math.floor(random() * commissionDays.length)];
    if (day == null) continue;
    const at = new Date(day + (3 + random() * 10) * DAY);
    if (at > now) continue;
    transfers.push({ id: transfers.length + 1, from: m.sponsorId, to: m.id, currency: currencyOf(m.id), amount: (10 + Math.floor(random() * 6) * 5) * 100, at, note: "Welcome to the team!" });
  }
  for (const t of transfers) {
    events.push({
      at: t.at, debit: { memberId: t.from, amount: t.amount }, credit: { memberId: t.to, amount: t.amount },
      tx: {
        kind: "POSTED", key: `transfer:${t.id}`, reason: "TRANSFER", reference: { type: "TRANSFER", id: String(t.id) }, actorId: t.from, memo: t.note, at: t.at,
        postings: [{ accountId: wallet(t.from), amount: -t.amount }, { accountId: wallet(t.to), amount: t.amount }],
      },
    });
  }

  // Goodwill adjustments.
  for (let i = 0; i < 12; i++) {
    const m = members[Math.floor(random() * members.length)]!;
    const at = new Date(now.getTime() - random() * 300 * DAY);
    const currency = currencyOf(m.id);
    events.push({
      at, credit: { memberId: m.id, amount: 1000 }, tx: {
        kind: "POSTED", key: `demo:adjustment:${i}`, reason: "ADJUSTMENT", memo: "Goodwill for a late delivery", actorId: 1, at,
        reference: { type: "MEMBER", id: String(m.id) },
        postings: [{ accountId: wallet(m.id), amount: 1000 }, { accountId: await company("ADJUSTMENTS", currency), amount: -1000 }],
      },
    });
  }

  // Withdrawals: earners take out part of their balance now and then (decided below, in time order).
  // Ava (id 3, the demo distributor) takes money out too, so her wallet shows every kind of line.
  const earners = (await db.query<{ member_id: number }>(`SELECT DISTINCT member_id FROM member_volume WHERE gv >= 500 ORDER BY member_id`)).map((v) => v.member_id)
    .filter((id) => byId.has(id) && (id === 3 || random() < 0.25));
  const candidates: { memberId: number; at: Date }[] = [];
  for (const id of earners) {
    for (let t = now.getTime() - 330 * DAY + random() * 60 * DAY; t < now.getTime() - DAY; t += (45 + random() * 60) * DAY) {
      candidates.push({ memberId: id, at: new Date(t) });
    }
  }

  // Replay everything in time order against running balances; withdrawals take 60 % of what
  // is there. The running balance never gets back what a rejected withdrawal held, so it is
  // never more than the ledger will see: no debit here can be refused there.
  const balance = new Map<number, number>();
  const all = [
    ...events.map((e) => ({ ...e, kind: "event" as const })),
    ...candidates.map((c) => ({ ...c, kind: "withdrawal" as const })),
    ...runs.map((r) => ({ ...r, kind: "commission" as const })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  let posted: TransactionInput[] = [];
  const withdrawals: { id: number; memberId: number; currency: string; amount: number; fee: number; at: Date; status: string; batchMonth: number | null }[] = [];
  const clearing = new Map<string, number>();
  /** Posts what happened up to `until`, in time order, up to 2,000 a call; a resolution goes in a later call than its pending transaction (a batch cannot see the rows it is inserting). */
  const flush = async (until: number) => {
    posted.sort((a, b) => a.at!.getTime() - b.at!.getTime());
    const ready = posted.filter((t) => t.at!.getTime() <= until);
    posted = posted.filter((t) => t.at!.getTime() > until);
    let chunk: TransactionInput[] = [];
    let keys = new Set<string>();
    for (const tx of ready) {
      if (chunk.length >= 2000 || ("pendingKey" in tx && keys.has(tx.pendingKey))) {
        await ledgerService.postBatch(chunk);
        chunk = [];
        keys = new Set();
      }
      chunk.push(tx);
      keys.add(tx.key);
    }
    await ledgerService.postBatch(chunk);
    return ready.length;
  };
  let count = 0;
  /** Posts what happened up to `until`, the loyalty programme's weeks (cashback to wallets) in between, in time order. */
  const catchUp = async (until: number) => {
    for (let week = loyalty?.nextWeek() ?? null; week !== null && week <= until; week = loyalty!.nextWeek()) {
      count += await flush(week);
      await loyalty!.advance(week);
    }
    count += await flush(until);
  };
  const kept = new Set<string>();
  for (const item of all) {
    if (item.kind === "commission") {
      await catchUp(item.at.getTime());
      const runId = await commitPeriod(db, item.periodId, item.at);
      // Wallets the run moved: their balance now, from the ledger (clawbacks may have taken some).
      const paid = await db.query<{ owner_id: number; available: string }>(
        `SELECT DISTINCT a.owner_id, (a.posted - a.pending_debits)::text AS available FROM ledger_transaction t
         JOIN ledger_posting p ON p.transaction_id = t.id JOIN ledger_account a ON a.id = p.account_id
         WHERE t.reference_type = 'COMMISSION_RUN' AND t.reference_id = $1 AND a.kind = 'WALLET'`,
        [String(runId)],
      );
      for (const w of paid) balance.set(w.owner_id, Number(w.available));
      continue;
    }
    if (item.kind === "event") {
      const { debit, credit } = item;
      if (debit && (balance.get(debit.memberId) ?? 0) < debit.amount) continue;
      if (debit) balance.set(debit.memberId, balance.get(debit.memberId)! - debit.amount);
      if (credit) balance.set(credit.memberId, (balance.get(credit.memberId) ?? 0) + credit.amount);
      posted.push(item.tx);
      kept.add(item.tx.key);
      continue;
    }
    const have = balance.get(item.memberId) ?? 0;
    const amount = Math.floor((have * 0.6) / 100) * 100;
    const fee = 150;
    if (amount < 2000) continue;
    balance.set(item.memberId, have - amount - fee);
    const ageDays = (now.getTime() - item.at.getTime()) / DAY;
    const status = ageDays < 4 ? "REQUESTED" : ageDays < 10 ? "APPROVED" : random() < 0.06 ? "REJECTED" : "PAID";
    const id = withdrawals.length + 1;
    const currency = currencyOf(item.memberId);
    withdrawals.push({ id, memberId: item.memberId, currency, amount, fee, at: item.at, status, batchMonth: status === "PAID" ? Math.floor(item.at.getTime() / (30 * DAY)) : null });
    if (!clearing.has(currency)) clearing.set(currency, await company("PAYOUTS_CLEARING", currency));
    posted.push({
      kind: "PENDING", key: `withdrawal:${id}`, reason: "WITHDRAWAL", reference: { type: "WITHDRAWAL", id: String(id) }, actorId: item.memberId, at: item.at,
      postings: [
        { accountId: wallet(item.memberId), amount: -(amount + fee) },
        { accountId: clearing.get(currency)!, amount },
        { accountId: await company("FEES_INCOME", currency), amount: fee },
      ],
    });
    if (status === "REJECTED" || status === "PAID") {
      const decided = new Date(item.at.getTime() + 3 * DAY);
      posted.push({
        kind: status === "PAID" ? "POST_PENDING" : "VOID_PENDING", key: `withdrawal:${id}:${status === "PAID" ? "paid" : "rejected"}`,
        pendingKey: `withdrawal:${id}`, reason: status === "PAID" ? "WITHDRAWAL_PAID" : "WITHDRAWAL_REJECTED", actorId: 1, at: decided,
        reference: { type: "WITHDRAWAL", id: String(id) },
      });
    }
  }

  // The descriptive rows first (ledger references point at them), then the ledger in time order.
  const batchIds = new Map<number, number>();
  for (const w of withdrawals) if (w.batchMonth != null && !batchIds.has(w.batchMonth)) batchIds.set(w.batchMonth, batchIds.size + 1);
  const openBatch = batchIds.size + 1;
  const approved = withdrawals.filter((w) => w.status === "APPROVED");
  for (const [month, id] of batchIds) {
    const at = new Date((month + 1) * 30 * DAY);
    await db.query(`INSERT INTO payout_batch (id, status, provider, created_by_id, created_at, paid_at, reference) VALUES ($1, 'PAID', 'manual', 1, $2, $2, $3)`, [id, at, `manual-payout-batch:${id}`]);
  }
  if (approved.length > 1) await db.query(`INSERT INTO payout_batch (id, status, provider, created_by_id, created_at) VALUES ($1, 'OPEN', 'manual', 1, $2)`, [openBatch, now]);
  await db.query(`SELECT setval('payout_batch_id_seq', $1)`, [openBatch]);

  const holders = [...new Set(withdrawals.map((w) => w.memberId))];
  await db.query(
    `INSERT INTO payout_method (member_id, holder, iban, updated_at) SELECT id, h, iban, now() FROM unnest($1::int[], $2::text[], $3::text[]) AS t(id, h, iban)`,
    [holders, holders.map((id) => `${byId.get(id)!.firstName} ${byId.get(id)!.lastName}`), holders.map((id) => demoIban(id))],
  );
  if (withdrawals.length > 0) {
    await db.query(
      `INSERT INTO withdrawal (id, member_id, currency, amount, fee, status, payout_holder, payout_iban, idempotency_key, reject_reason, decided_by_id, batch_id, requested_at, decided_at, paid_at)
       SELECT w.id, w.member_id, w.currency, w.amount, w.fee, w.status::"WithdrawalStatus", pm.holder, pm.iban, 'demo-' || w.id,
         CASE WHEN w.status = 'REJECTED' THEN 'The account holder does not match the member''s name.' END,
         CASE WHEN w.status IN ('REJECTED', 'PAID', 'APPROVED') THEN 1 END, w.batch_id, w.at,
         CASE WHEN w.status <> 'REQUESTED' THEN w.at + interval '2 days' END, CASE WHEN w.status = 'PAID' THEN w.at + interval '3 days' END
       FROM unnest($1::int[], $2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::int[], $8::timestamptz[])
         AS w(id, member_id, currency, amount, fee, status, batch_id, at)
       JOIN payout_method pm ON pm.member_id = w.member_id`,
      [
        withdrawals.map((w) => w.id), withdrawals.map((w) => w.memberId), withdrawals.map((w) => w.currency), withdrawals.map((w) => w.amount),
        withdrawals.map((w) => w.fee), withdrawals.map((w) => w.status),
        withdrawals.map((w) => (w.batchMonth != null ? batchIds.get(w.batchMonth)! : w.status === "APPROVED" && approved.length > 1 && w === approved[0] ? openBatch : null)),
        withdrawals.map((w) => w.at.toISOString()),
      ],
    );
    await db.query(`SELECT setval('withdrawal_id_seq', $1)`, [withdrawals.length]);
  }
  const keptTransfers = transfers.filter((t) => kept.has(`transfer:${t.id}`));
  if (keptTransfers.length > 0) {
    await db.query(
      `INSERT INTO wallet_transfer (id, from_member_id, to_member_id, currency, amount, fee, note, idempotency_key, created_at)
       SELECT id, f, t, c, a, 0, n, 'demo-' || id, at FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[]) AS x(id, f, t, c, a, n, at)`,
      [keptTransfers.map((t) => t.id), keptTransfers.map((t) => t.from), keptTransfers.map((t) => t.to), keptTransfers.map((t) => t.currency),
        keptTransfers.map((t) => t.amount), keptTransfers.map((t) => t.note), keptTransfers.map((t) => t.at.toISOString())],
    );
    await db.query(`SELECT setval('wallet_transfer_id_seq', $1)`, [transfers.length]);
  }
  await catchUp(Number.MAX_SAFE_INTEGER);
  return { transactions: count };
}
