import type { FieldError } from "@/server/domain/shared/input.errors";
import { LedgerErrorCode } from "./ledger.errors";
import { fromMinor } from "@/server/domain/shared/units";
import { isResolution, type NewTransaction, type TransactionInput } from "./ledger.types";

/**
 * What is wrong with a new transaction before it reaches the database (which checks the
 * same again under its locks): a key, a reason, at least two legs of whole non-zero
 * amounts, and legs that sum to zero in every unit. `unitOf` gives each account's unit.
 */
export function checkTransaction(tx: NewTransaction, unitOf: (accountId: number) => string | undefined): FieldError<LedgerErrorCode>[] {
  const errors: FieldError<LedgerErrorCode>[] = [];
  if (!tx.key.trim()) errors.push({ field: "key", code: LedgerErrorCode.REQUIRED, message: "A transaction needs an idempotency key." });
  else if (tx.key.length > 200) errors.push({ field: "key", code: LedgerErrorCode.TOO_LONG, message: "At most 200 characters." });
  if (!tx.reason.trim()) errors.push({ field: "reason", code: LedgerErrorCode.REQUIRED, message: "Say why money or points move." });
  if (tx.postings.length < 2) errors.push({ field: "postings", code: LedgerErrorCode.INVALID, message: "A transaction has at least two legs." });
  const sums = new Map<string, number>();
  tx.postings.forEach((p, i) => {
    const unit = p.unit ?? unitOf(p.accountId);
    if (!unit) errors.push({ field: `postings.${i}.accountId`, code: LedgerErrorCode.ACCOUNT_NOT_FOUND, message: "No such account." });
    if (!Number.isSafeInteger(p.amount) || p.amount === 0) {
      errors.push({ field: `postings.${i}.amount`, code: LedgerErrorCode.INVALID, message: "A whole, non-zero number of minor units." });
    } else if (unit) sums.set(unit, (sums.get(unit) ?? 0) + p.amount);
    if (p.memo != null && p.memo.length > 500) errors.push({ field: `postings.${i}.memo`, code: LedgerErrorCode.TOO_LONG, message: "At most 500 characters." });
  });
  for (const [unit, sum] of sums) {
    if (sum !== 0) errors.push({ field: "postings", code: LedgerErrorCode.UNBALANCED, message: `The legs in ${unit} sum to ${fromMinor(sum, unit)}, not 0.` });
  }
  return errors;
}

/** The parts of a transaction that make it the same request (for a repeated idempotency key). */
export function canonicalRequest(tx: TransactionInput): string {
  const common = [tx.kind, tx.key, tx.reason, tx.reference?.type ?? null, tx.reference?.id ?? null];
  return JSON.stringify(
    isResolution(tx)
      ? [...common, tx.pendingKey]
      // As for the transaction, a leg's reference counts and its memo and time do not (a leg without one hashes as before legs had them).
      : [...common, tx.postings.map((p) => (p.reference ? [p.accountId, p.amount, p.reference.type, p.reference.id] : [p.accountId, p.amount])), tx.timeoutAt?.toISOString() ?? null],
  );
}

export interface ModelAccount {
  posted: number;
  pendingDebits: number;
  pendingCredits: number;
}

/**
 * The ledger as a reference model: what the kept balances must be after a sequence of
 * accepted transactions. Tests compare the database with it.
 */
export class LedgerModel {
  readonly accounts = new Map<number, ModelAccount>();
  private readonly pending = new Map<string, NewTransaction>();
  private readonly seen = new Set<string>();

  at(id: number): ModelAccount {
    let a = this.accounts.get(id);
    if (!a) this.accounts.set(id, (a = { posted: 0, pendingDebits: 0, pendingCredits: 0 }));
    return a;
  }

  /** Applies a transaction the ledger accepted (a repeated key changes nothing). */
  apply(tx: TransactionInput): void {
    if (this.seen.has(tx.key)) return;
    this.seen.add(tx.key);
    if (!isResolution(tx)) {
      if (tx.kind === "POSTED") {
        for (const p of tx.postings) this.at(p.accountId).posted += p.amount;
        return;
      }
      this.pending.set(tx.key, tx);
      for (const p of tx.postings) this.hold(p.accountId, p.amount, 1);
    } else {
      const held = this.pending.get(tx.pendingKey)!;
      this.pending.delete(tx.pendingKey);
      for (const p of held.postings) {
        this.hold(p.accountId, p.amount, -1);
        if (tx.kind === "POST_PENDING") this.at(p.accountId).posted += p.amount;
      }
    }
  }

  /** What an account may still give: settled less held. */
  available(id: number): number {
    const a = this.at(id);
    return a.posted - a.pendingDebits;
  }

  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  private hold(accountId: number, amount: number, sign: 1 | -1): void {
    const a = this.at(accountId);
    if (amount < 0) a.pendingDebits += sign * -amount;
    else a.pendingCredits += sign * amount;
  }
}
