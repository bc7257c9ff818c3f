import { jsonRows } from "@/server/db/json-rows";
import { db } from "@/server/db/unit-of-work";
import { toPage } from "@/server/domain/shared/page";
import type { AccountKind, AccountRecord, BalanceMismatch, PostingRecord, PostResult, TransactionRecord } from "./ledger.types";

// Balances are bigint in the database and safe integers here (9·10^15 minor units);
// raw reads cast them to text and Number() them.

const ACCOUNT_COLUMNS = `a.id, a.owner_id AS "ownerId", a.customer_id AS "customerId", a.kind, a.unit, a.no_negative AS "noNegative", a.posted::text,
  a.pending_debits::text AS "pendingDebits", a.pending_credits::text AS "pendingCredits", a.revision`;

interface AccountRow extends Omit<AccountRecord, "posted" | "pendingDebits" | "pendingCredits"> {
  posted: string;
  pendingDebits: string;
  pendingCredits: string;
}

/** A kind or unit that may be written into a statement as it is. */
const WORD = /^[A-Z][A-Z0-9_]*$/;

const toAccount = (r: AccountRow): AccountRecord => ({
  ...r, posted: Number(r.posted), pendingDebits: Number(r.pendingDebits), pendingCredits: Number(r.pendingCredits),
});

/** The accounts ledger_post() changed, one array per field (see its migration). */
interface AccountColumns {
  id: number[];
  ownerId: (number | null)[];
  customerId: (number | null)[];
  kind: AccountRecord["kind"][];
  unit: string[];
  noNegative: boolean[];
  posted: number[];
  pendingDebits: number[];
  pendingCredits: number[];
  revision: number[];
}

const TRANSACTION_COLUMNS = `t.id::text, t.idempotency_key AS key, t.kind::text, t.pending_id::text AS "pendingId", t.reason,
  t.reference_type AS "referenceType", t.reference_id AS "referenceId", t.actor_id AS "actorId", t.memo,
  t.timeout_at AS "timeoutAt", t.created_at AS "createdAt"`;

interface TransactionRow extends Omit<TransactionRecord, "reference"> {
  referenceType: string | null;
  referenceId: string | null;
}

const toTransaction = ({ referenceType, referenceId, ...t }: TransactionRow): TransactionRecord => ({
  ...t, reference: referenceType && referenceId ? { type: referenceType, id: referenceId } : null,
});

export interface AccountSpec {
  ownerId: number | null;
  /** A retail customer's account instead of a member's (ownerId null). */
  customerId?: number | null;
  kind: AccountKind;
  unit: string;
  noNegative: boolean;
}

export const ledgerRepository = {
  async personalData(memberId: number): Promise<Record<string, string>> {
    return {
      accounts: await jsonRows(`SELECT a.* FROM ledger_account a WHERE a.owner_id = $1 ORDER BY a.id`, [memberId]),
      postings: await jsonRows(
        `SELECT p.id, p.account_id, p.unit, p.amount, p.balance_after, t.id AS transaction_id, t.kind, t.reason,
           coalesce(p.reference_type, t.reference_type) AS reference_type, coalesce(p.reference_id, t.reference_id) AS reference_id, coalesce(p.memo, t.memo) AS memo, p.created_at
         FROM ledger_account a JOIN ledger_posting p ON p.account_id = a.id JOIN ledger_transaction t ON t.id = p.transaction_id
         WHERE a.owner_id = $1 ORDER BY p.id`, [memberId]),
    };
  },

  /** The accounts, created on first use (one per owner, kind and unit). */
  async ensureAccounts(specs: readonly AccountSpec[]): Promise<AccountRecord[]> {
    if (specs.length === 0) return [];
    const key = (a: { ownerId: number | null; customerId?: number | null; kind: string; unit: string }) => `${a.ownerId ?? 0}:${a.customerId ?? 0}:${a.kind}:${a.unit}`;
    const select = (list: readonly AccountSpec[]) => db().query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM ledger_account a
       JOIN unnest($1::int[], $2::int[], $3::text[], $4::text[]) AS s(owner_id, customer_id, kind, unit)
         ON coalesce(a.owner_id, 0) = coalesce(s.owner_id, 0) AND coalesce(a.customer_id, 0) = coalesce(s.customer_id, 0) AND a.kind = s.kind AND a.unit = s.unit`,
      [list.map((s) => s.ownerId), list.map((s) => s.customerId ?? null), list.map((s) => s.kind), list.map((s) => s.unit)],
    );
    // Most accounts exist already (a commission run's wallets, a loyalty batch's members):
    // read them, and insert only those that do not.
    const found = (await select(specs)).map(toAccount);
    const have = new Set(found.map(key));
    const missing = [...new Map(specs.filter((s) => !have.has(key(s))).map((s) => [key(s), s])).values()];
    if (missing.length === 0) return found;
    await db().query(
      `INSERT INTO ledger_account (owner_id, customer_id, kind, unit, no_negative)
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::boolean[])
       ON CONFLICT (coalesce(owner_id, 0), coalesce(customer_id, 0), kind, unit) DO NOTHING`,
      [missing.map((s) => s.ownerId), missing.map((s) => s.customerId ?? null), missing.map((s) => s.kind), missing.map((s) => s.unit), missing.map((s) => s.noNegative)],
    );
    return [...found, ...(await select(missing)).map(toAccount)];
  },

  async findAccounts(ids: readonly number[]): Promise<AccountRecord[]> {
    if (ids.length === 0) return [];
    return (await db().query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ledger_account a WHERE a.id = ANY($1::int[])`, [ids])).map(toAccount);
  },

  /** A member's (or, with null, the company's) accounts of a kind, every unit. */
  async accountsOf(ownerId: number | null, kind: AccountKind): Promise<AccountRecord[]> {
    return (
      await db().query<AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM ledger_account a WHERE coalesce(a.owner_id, 0) = coalesce($1::int, 0) AND a.customer_id IS NULL AND a.kind = $2 ORDER BY a.unit`,
        [ownerId, kind],
      )
    ).map(toAccount);
  },

  /** Existing accounts of these kinds held by these retail customers. */
  async customerAccounts(customerIds: readonly number[], kinds: readonly AccountKind[]): Promise<AccountRecord[]> {
    if (customerIds.length === 0) return [];
    return (
      await db().query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ledger_account a WHERE a.customer_id = ANY($1::int[]) AND a.kind = ANY($2::text[]) ORDER BY a.unit`, [customerIds, kinds])
    ).map(toAccount);
  },

  /** Existing accounts of a kind and unit owned by these members (none are created). */
  async ownedAccounts(ownerIds: readonly number[], kind: AccountKind, unit: string): Promise<AccountRecord[]> {
    if (ownerIds.length === 0) return [];
    return (
      await db().query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ledger_account a WHERE a.owner_id = ANY($1::int[]) AND a.kind = $2 AND a.unit = $3`, [ownerIds, kind, unit])
    ).map(toAccount);
  },

  /** The ids of existing accounts of these kinds in one unit owned by these members: by kind, owner id → account id. */
  async ownedAccountIds(ownerIds: readonly number[], kinds: readonly AccountKind[], unit: string): Promise<Map<AccountKind, Map<number, number>>> {
    const out = new Map(kinds.map((k) => [k, new Map<number, number>()]));
    if (ownerIds.length === 0) return out;
    const byPlace = kinds.map((k) => out.get(k)!);
    // Streamed as numbers where the database offers COPY (50,000 owners at a time for a
    // commission run: no row object each), the values written into the statement (COPY
    // takes no parameters: integers, and words checked to be words); else by query. The
    // kind as its place in `kinds` (a number, not a string a row).
    if (ownerIds.every(Number.isSafeInteger) && [...kinds, unit].every((w) => WORD.test(w))) {
      const copied = await db().copyOutNumbers(
        `SELECT a.owner_id, a.id, array_position(ARRAY[${kinds.map((k) => `'${k}'`).join(", ")}], a.kind) FROM ledger_account a
         WHERE a.owner_id = ANY('{${ownerIds.join(",")}}'::int[]) AND a.kind IN (${kinds.map((k) => `'${k}'`).join(", ")}) AND a.unit = '${unit}'`,
        3,
        (r) => byPlace[r[2]! - 1]!.set(r[0]!, r[1]!),
      );
      if (copied) return out;
    }
    const rows = await db().query<{ ownerId: number; id: number; k: number }>(
      `SELECT a.owner_id AS "ownerId", a.id, array_position($2::text[], a.kind) AS k FROM ledger_account a
       WHERE a.owner_id = ANY($1::int[]) AND a.kind = ANY($2::text[]) AND a.unit = $3`, [ownerIds, kinds, unit]);
    for (const r of rows) byPlace[r.k - 1]!.set(r.ownerId, r.id);
    return out;
  },

  async ownedAccountsOfKinds(ownerIds: readonly number[], kinds: readonly AccountKind[]): Promise<AccountRecord[]> {
    if (ownerIds.length === 0) return [];
    return (
      await db().query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ledger_account a WHERE a.owner_id = ANY($1::int[]) AND a.kind = ANY($2::text[])`, [ownerIds, kinds])
    ).map(toAccount);
  },

  /** Which of these idempotency keys have a transaction. */
  async existingKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await db().query<{ key: string }>(`SELECT idempotency_key AS key FROM ledger_transaction WHERE idempotency_key = ANY($1::text[])`, [keys]);
    return new Set(rows.map((r) => r.key));
  },

  /** Posts a batch through ledger_post() (migration SQL): one statement, all or nothing. */
  async post(batch: readonly object[]): Promise<PostResult> {
    const [row] = await db().query<{ result: { transactions: PostResult["transactions"]; accounts: AccountColumns } }>(
      `SELECT ledger_post($1::jsonb) AS result`, [JSON.stringify(batch)]);
    const { transactions, accounts: a } = row!.result;
    return {
      transactions,
      accounts: a.id.map((id, i) => ({
        id, ownerId: a.ownerId[i]!, customerId: a.customerId[i]!, kind: a.kind[i]!, unit: a.unit[i]!, noNegative: a.noNegative[i]!,
        posted: a.posted[i]!, pendingDebits: a.pendingDebits[i]!, pendingCredits: a.pendingCredits[i]!, revision: a.revision[i]!,
      })),
    };
  },

  /** Transactions by id, each with how its pending hold was resolved (null: not pending, or not yet). */
  async transactionsByIds(ids: readonly string[]): Promise<(TransactionRecord & { resolution: "POST_PENDING" | "VOID_PENDING" | null })[]> {
    if (ids.length === 0) return [];
    const rows = await db().query<TransactionRow & { resolution: "POST_PENDING" | "VOID_PENDING" | null }>(
      `SELECT ${TRANSACTION_COLUMNS}, r.kind::text AS resolution
       FROM ledger_transaction t LEFT JOIN ledger_transaction r ON r.pending_id = t.id
       WHERE t.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map((r) => ({ ...toTransaction(r), resolution: r.resolution }));
  },

  /** Accounts for the explorer: by owner, kind and unit, in id order. */
  async listAccounts(filter: { ownerId?: number | null; kind?: string | null; unit?: string | null }, limit: number, afterId: number | null) {
    const rows = await db().query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM ledger_account a
       WHERE ($1::int IS NULL OR a.owner_id = $1) AND ($2::text IS NULL OR a.kind = $2) AND ($3::text IS NULL OR a.unit = $3)
         AND ($4::int IS NULL OR a.id > $4)
       ORDER BY a.id LIMIT $5`,
      [filter.ownerId ?? null, filter.kind ?? null, filter.unit ?? null, afterId, limit + 1],
    );
    const [count] = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_account a
       WHERE ($1::int IS NULL OR a.owner_id = $1) AND ($2::text IS NULL OR a.kind = $2) AND ($3::text IS NULL OR a.unit = $3)`,
      [filter.ownerId ?? null, filter.kind ?? null, filter.unit ?? null],
    );
    return toPage(rows.map(toAccount), limit, count!.n);
  },

  /** Whether a pending transaction has been posted or voided. */
  async resolutionOf(pendingKey: string): Promise<TransactionRecord | null> {
    const [row] = await db().query<TransactionRow>(
      `SELECT ${TRANSACTION_COLUMNS} FROM ledger_transaction t JOIN ledger_transaction p ON p.id = t.pending_id WHERE p.idempotency_key = $1`,
      [pendingKey],
    );
    return row ? toTransaction(row) : null;
  },

  /** An account's legs, newest first, keyset on id. */
  async postings(accountId: number, limit: number, beforeId: string | null): Promise<PostingRecord[]> {
    type Row = Omit<PostingRecord, "amount" | "balanceAfter" | "reference"> & { amount: string; balanceAfter: string | null; referenceType: string | null; referenceId: string | null };
    const rows = await db().query<Row>(
      // Qualified: an unqualified "id" in ORDER BY would sort the text alias ("9" after "10").
      `SELECT q.id::text, q.transaction_id::text AS "transactionId", q.account_id AS "accountId", q.unit, q.amount::text,
         q.balance_after::text AS "balanceAfter", q.created_at AS "createdAt", q.memo, q.reference_type AS "referenceType", q.reference_id AS "referenceId"
       FROM ledger_posting q WHERE q.account_id = $1 AND ($2::bigint IS NULL OR q.id < $2::bigint)
       ORDER BY q.id DESC LIMIT $3`,
      [accountId, beforeId, limit],
    );
    return rows.map(({ referenceType, referenceId, ...r }) => ({
      ...r, amount: Number(r.amount), balanceAfter: r.balanceAfter == null ? null : Number(r.balanceAfter),
      reference: referenceType && referenceId ? { type: referenceType, id: referenceId } : null,
    }));
  },

  async postingCount(accountId: number): Promise<number> {
    const [row] = await db().sql<{ n: number }>`SELECT count(*)::int AS n FROM ledger_posting WHERE account_id = ${accountId}`;
    return row!.n;
  },

  /** Pending transactions whose timeout has passed and that nobody resolved yet. */
  async expiredPending(now: Date, limit: number): Promise<string[]> {
    const rows = await db().sql<{ key: string }>`
      SELECT p.idempotency_key AS key FROM ledger_transaction p
      WHERE p.kind = 'PENDING' AND p.timeout_at <= ${now}
        AND NOT EXISTS (SELECT 1 FROM ledger_transaction r WHERE r.pending_id = p.id)
      ORDER BY p.timeout_at LIMIT ${limit}`;
    return rows.map((r) => r.key);
  },

  /** Kept balances that differ from the sums of the postings (empty when all is well). */
  async mismatches(limit: number): Promise<BalanceMismatch[]> {
    const rows = await db().sql<{ accountId: number; field: BalanceMismatch["field"]; kept: string; fromPostings: string }>`
      WITH sums AS (
        SELECT q.account_id,
          coalesce(sum(q.amount) FILTER (WHERE t.kind IN ('POSTED', 'POST_PENDING')), 0) AS posted,
          coalesce(sum(-q.amount) FILTER (WHERE t.kind = 'PENDING' AND q.amount < 0 AND r.id IS NULL), 0) AS pd,
          coalesce(sum(q.amount) FILTER (WHERE t.kind = 'PENDING' AND q.amount > 0 AND r.id IS NULL), 0) AS pc
        FROM ledger_posting q JOIN ledger_transaction t ON t.id = q.transaction_id
        LEFT JOIN ledger_transaction r ON r.pending_id = t.id
        GROUP BY q.account_id
      )
      SELECT a.id AS "accountId", f.field, f.kept::text, f.sums::text AS "fromPostings"
      FROM ledger_account a LEFT JOIN sums s ON s.account_id = a.id
      CROSS JOIN LATERAL (VALUES ('posted', a.posted, coalesce(s.posted, 0)), ('pendingDebits', a.pending_debits, coalesce(s.pd, 0)),
        ('pendingCredits', a.pending_credits, coalesce(s.pc, 0))) AS f(field, kept, sums)
      WHERE f.kept <> f.sums
      ORDER BY a.id, f.field LIMIT ${limit}`;
    return rows.map((r) => ({ ...r, kept: Number(r.kept), fromPostings: Number(r.fromPostings) }));
  },

  /** Per unit: the settled and the pending total over all accounts, from the kept balances and from the postings. Every one is 0. */
  async trialBalance(): Promise<{ unit: string; posted: number; pending: number; postings: number }[]> {
    const rows = await db().sql<{ unit: string; posted: string; pending: string; postings: string }>`
      SELECT u.unit, coalesce(a.posted, 0)::text AS posted, coalesce(a.pending, 0)::text AS pending, coalesce(q.total, 0)::text AS postings
      FROM (SELECT DISTINCT unit FROM ledger_account) u
      LEFT JOIN (SELECT unit, sum(posted) AS posted, sum(pending_credits - pending_debits) AS pending FROM ledger_account GROUP BY unit) a ON a.unit = u.unit
      LEFT JOIN (SELECT unit, sum(amount) AS total FROM ledger_posting GROUP BY unit) q ON q.unit = u.unit
      ORDER BY u.unit`;
    return rows.map((r) => ({ unit: r.unit, posted: Number(r.posted), pending: Number(r.pending), postings: Number(r.postings) }));
  },
};
