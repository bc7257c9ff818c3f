import { createHash } from "node:crypto";
import { afterCommit } from "@/server/db/unit-of-work";
import { BoundedCache } from "@/server/domain/shared/bounded-cache";
import { InputError, fieldError } from "@/server/domain/shared/input.errors";
import { publish } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { LedgerErrorCode } from "./ledger.errors";
import { ledgerRepository, type AccountSpec } from "./ledger.repository";
import { canonicalRequest, checkTransaction } from "./ledger.rules";
import { isResolution, type AccountKind, type AccountRecord, type PostingInput, type PostResult, type TransactionInput } from "./ledger.types";

/** Accounts that may never go negative: members' wallets and points (the company's own accounts may). */
const NO_NEGATIVE: ReadonlySet<AccountKind> = new Set(["WALLET", "POINTS", "POINTS_PENDING"]);

// Account ids and units never change once created: the most recent are kept per process
// (kept without a bound, they grew with every account the process ever touched).
const accountIds = new BoundedCache<string, number>(200_000);
const unitsById = new BoundedCache<number, string>(200_000);

/** The unit of each account (read once, then while this process remembers it); unknown ids are left out. */
async function unitsOf(ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const missing: number[] = [];
  for (const id of ids) {
    const unit = unitsById.get(id);
    if (unit === undefined) missing.push(id);
    else out.set(id, unit);
  }
  if (missing.length > 0) {
    for (const a of await ledgerRepository.findAccounts(missing)) {
      out.set(a.id, a.unit);
      unitsById.set(a.id, a.unit);
    }
  }
  return out;
}

/** A leg as ledger_post() reads it (its own memo, reference and time only when given). */
const postingJson = (p: PostingInput) => (p.memo != null || p.reference != null || p.at != null
  ? { accountId: p.accountId, amount: p.amount, memo: p.memo ?? null, referenceType: p.reference?.type ?? null, referenceId: p.reference?.id ?? null, at: p.at?.toISOString() ?? null }
  : { accountId: p.accountId, amount: p.amount });

/**
 * Accounts read or made through this service teach it their units (an account's unit never
 * changes): a commission credit reads its 5,000 wallets and then posts to them, and asked for
 * their units again. An id of a row a rollback took back is never given out again, and
 * ledger_post() refuses an account that does not exist whatever this map says.
 */
function learn(accounts: AccountRecord[]): AccountRecord[] {
  for (const a of accounts) unitsById.set(a.id, a.unit);
  return accounts;
}
/** The key `accountIds` answers by: owner (member or retail customer), kind and unit. */
export const accountKey = (s: { ownerId: number | null; customerId?: number | null; kind: string; unit: string }) => `${s.ownerId ?? 0}:${s.customerId ?? 0}:${s.kind}:${s.unit}`;

/** Turns the database's refusals into input errors a caller can act on; anything else propagates. */
function refusal(err: unknown): InputError<LedgerErrorCode> | null {
  const message = String((err as Error)?.message ?? "");
  if (message.includes("ledger_account_no_negative")) {
    return fieldError("amount", LedgerErrorCode.INSUFFICIENT_FUNDS, "Not enough funds: the balance would go below zero.");
  }
  if (message.includes("ledger_transaction_pending_id_key")) return fieldError("pendingKey", LedgerErrorCode.ALREADY_RESOLVED, "This pending transaction was posted or voided already.");
  if (message.includes("ledger_transaction_resolution")) return fieldError("pendingKey", LedgerErrorCode.PENDING_NOT_FOUND, "No pending transaction has this key.");
  const m = /LEDGER:([A-Z_]+):(.*)/.exec(message);
  if (m && m[1]! in LedgerErrorCode) {
    const code = m[1] as LedgerErrorCode;
    const field = code === "PENDING_NOT_FOUND" || code === "PENDING_EXPIRED" ? "pendingKey" : code === "UNBALANCED" ? "postings" : "key";
    return fieldError(field, code, `${code.toLowerCase().replace(/_/g, " ")}: ${m[2]!.split("\n")[0]}`);
  }
  return null;
}

/**
 * The double-entry ledger every domain moves money and points through. Transactions are
 * immutable and idempotent by key; a batch is one database statement, all or nothing;
 * balances are kept in the same statement and checked against the postings by `check()`.
 */
export const ledgerService = {
  /** The member's accounts and every posting to them, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return ledgerRepository.personalData(memberId);
  },

  /** The accounts, created on first use. */
  async accounts(specs: readonly Omit<AccountSpec, "noNegative">[]): Promise<AccountRecord[]> {
    return learn(await ledgerRepository.ensureAccounts(specs.map((s) => ({ ...s, noNegative: NO_NEGATIVE.has(s.kind) }))));
  },

  /**
   * Ids of many accounts by spec (created on first use). Ids are remembered by this process
   * once the transaction that created or read them commits, so a batch that touches the
   * same accounts again costs no query.
   */
  async accountIds(specs: readonly Omit<AccountSpec, "noNegative">[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: Omit<AccountSpec, "noNegative">[] = [];
    for (const s of specs) {
      const id = accountIds.get(accountKey(s));
      if (id == null) missing.push(s);
      else out.set(accountKey(s), id);
    }
    if (missing.length > 0) {
      const found = await this.accounts(missing);
      for (const a of found) out.set(accountKey(a), a.id);
      afterCommit(() => {
        for (const a of found) accountIds.set(accountKey(a), a.id);
      });
    }
    return out;
  },

  /** The id of one account (created on first use; remembered by this process). */
  async accountId(ownerId: number | null, kind: AccountKind, unit: string): Promise<number> {
    const key = accountKey({ ownerId, kind, unit });
    let id = accountIds.get(key);
    if (id == null) {
      id = (await this.accounts([{ ownerId, kind, unit }]))[0]!.id;
      accountIds.set(key, id);
    }
    return id;
  },

  async findAccounts(ids: readonly number[]) {
    return learn(await ledgerRepository.findAccounts(ids));
  },

  async accountsOf(ownerId: number | null, kind: AccountKind) {
    return learn(await ledgerRepository.accountsOf(ownerId, kind));
  },

  /** Retail customers' accounts of these kinds (their loyalty points); none are created. */
  async customerAccounts(customerIds: readonly number[], kinds: readonly AccountKind[]) {
    return learn(await ledgerRepository.customerAccounts(customerIds, kinds));
  },

  /** Existing accounts of a kind and unit owned by these members (none are created). */
  async ownedAccounts(ownerIds: readonly number[], kind: AccountKind, unit: string) {
    return learn(await ledgerRepository.ownedAccounts(ownerIds, kind, unit));
  },

  /**
   * The ids of existing accounts of these kinds in one unit owned by these members (by kind,
   * owner id → account id; none are created), without their balances: for a caller that
   * posts to many accounts whose balances it does not need (a commission run's wallets,
   * 50,000 at a time: a record each, with its text fields, was most of what the credits'
   * look-ups cost this process).
   */
  ownedAccountIds(ownerIds: readonly number[], kinds: readonly AccountKind[], unit: string): Promise<Map<AccountKind, Map<number, number>>> {
    // Not taught to the units the service remembers: the caller knows them and says so on
    // each leg it posts (PostingInput.unit). A run's 426,613 wallets through that cache, and
    // looked up in it again for each batch, were about a third of the credits' CPU in this
    // process (credits alone on the kept bench database: 3.8–4.0 s, now 2.4–3.1 s).
    return ledgerRepository.ownedAccountIds(ownerIds, kinds, unit);
  },

  /** Existing accounts of these kinds owned by these members, in any unit (none are created). */
  async ownedAccountsOfKinds(ownerIds: readonly number[], kinds: readonly AccountKind[]) {
    return learn(await ledgerRepository.ownedAccountsOfKinds(ownerIds, kinds));
  },

  /** Which of these idempotency keys were posted already (to resume a long series of batches). */
  existingKeys(keys: readonly string[]) {
    return ledgerRepository.existingKeys(keys);
  },

  /** Posts one transaction (see postBatch). */
  async post(tx: TransactionInput): Promise<PostResult> {
    return this.postBatch([tx]);
  },

  /**
   * Posts many transactions in one database round trip, all or nothing: each balanced per
   * unit, a repeated key skipped (the same request) or refused (IDEMPOTENCY_KEY_REUSED), an
   * overdraft of a no-negative account refused (INSUFFICIENT_FUNDS) with nothing written.
   * Joins the caller's transaction; changed balances are announced after it commits.
   */
  async postBatch(txs: readonly TransactionInput[]): Promise<PostResult> {
    if (txs.length === 0) return { transactions: [], accounts: [] };
    // One key once per batch: the statement would apply a repeated key's legs twice.
    const seen = new Map<string, string>();
    const unique: TransactionInput[] = [];
    for (const t of txs) {
      const request = canonicalRequest(t);
      const earlier = seen.get(t.key);
      if (earlier == null) {
        seen.set(t.key, request);
        unique.push(t);
      } else if (earlier !== request) {
        throw fieldError("key", LedgerErrorCode.IDEMPOTENCY_KEY_REUSED, `The key ${t.key} stands for two different transactions in this batch.`);
      }
    }
    if (unique.length < txs.length) {
      const result = await this.postBatch(unique);
      const byKey = new Map(result.transactions.map((r) => [r.key, r]));
      return { ...result, transactions: txs.map((t) => byKey.get(t.key)!) };
    }
    // Units looked up for the legs that do not say theirs.
    const accountIdsUsed = [...new Set(txs.flatMap((t) => (isResolution(t) ? [] : t.postings.filter((p) => p.unit == null).map((p) => p.accountId))))];
    const units = await unitsOf(accountIdsUsed);
    const errors = txs.flatMap((t, i) => {
      const found = isResolution(t) ? [] : checkTransaction(t, (id) => units.get(id));
      return (txs.length === 1 ? found : found.map((e) => ({ ...e, field: `${i}.${e.field}` })));
    });
    if (errors.length > 0) throw new InputError(errors);
    const batch = txs.map((t) => ({
      key: t.key,
      hash: createHash("sha256").update(canonicalRequest(t)).digest("hex"),
      kind: t.kind,
      reason: t.reason,
      referenceType: t.reference?.type ?? null,
      referenceId: t.reference?.id ?? null,
      actorId: t.actorId ?? null,
      memo: t.memo ?? null,
      at: t.at?.toISOString() ?? null,
      ...(isResolution(t)
        ? { pendingKey: t.pendingKey, postings: [] }
        : { postings: t.postings.map(postingJson), timeoutAt: t.kind === "PENDING" ? t.timeoutAt?.toISOString() ?? null : null }),
    }));
    let result: PostResult;
    try {
      result = await ledgerRepository.post(batch);
    } catch (err) {
      throw refusal(err) ?? err;
    }
    if (result.accounts.length > 0) afterCommit(() => publish(Topic.LedgerChanged, { accounts: result.accounts }));
    return result;
  },

  /** Voids pending transactions whose timeout has passed (withdrawal holds, pending points); returns how many. */
  async voidExpired(now = new Date(), limit = 1000): Promise<number> {
    const keys = await ledgerRepository.expiredPending(now, limit);
    if (keys.length === 0) return 0;
    await this.postBatch(keys.map((key) => ({ kind: "VOID_PENDING", key: `${key}:expired`, pendingKey: key, reason: "PENDING_EXPIRED" })));
    return keys.length;
  },

  transactionsByIds(ids: readonly string[]) {
    return ledgerRepository.transactionsByIds(ids);
  },

  listAccounts(filter: { ownerId?: number | null; kind?: string | null; unit?: string | null }, limit: number, afterId: number | null) {
    return ledgerRepository.listAccounts(filter, limit, afterId);
  },

  resolutionOf(pendingKey: string) {
    return ledgerRepository.resolutionOf(pendingKey);
  },

  /** An account's legs, newest first (`limit` of them before `beforeId`), and how many it has in all. */
  async postings(accountId: number, limit: number, beforeId: string | null) {
    const [rows, totalCount] = await Promise.all([ledgerRepository.postings(accountId, limit, beforeId), ledgerRepository.postingCount(accountId)]);
    return Object.assign(rows, { totalCount });
  },

  /** Kept balances that differ from their postings (empty when all is well). */
  check(limit = 100) {
    return ledgerRepository.mismatches(limit);
  },

  /** Per unit, settled and pending totals over all accounts and the sum of all postings: each is 0. */
  trialBalance() {
    return ledgerRepository.trialBalance();
  },
};
