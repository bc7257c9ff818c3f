/** What an account is for. Wallets belong to members; the others are the company's unless owned. */
export type AccountKind =
  | "WALLET"
  | "COMMISSIONS_EXPENSE"
  | "PAYOUTS_CLEARING"
  | "FEES_INCOME"
  | "ADJUSTMENTS"
  | "POINTS_LIABILITY"
  /** Where points come from when granted (and go back to when a refund takes them). */
  | "POINTS_EXPENSE"
  /** A member's active points of one type (unit = the point type). */
  | "POINTS"
  /** A member's points locked until an order's return window passes. */
  | "POINTS_PENDING"
  | "POINTS_REDEEMED"
  | "POINTS_EXPIRED"
  /** Cash the company pays out as loyalty cashback (a reward). */
  | "LOYALTY_CASHBACK"
  /** What a member owes the company after a clawback their wallet could not cover (balance ≤ 0). */
  | "COMMISSION_DEBT";

/** Every kind, in the order the admin pages list them (as a Record, the compiler checks that each is named). */
const KINDS: Record<AccountKind, true> = {
  WALLET: true, COMMISSIONS_EXPENSE: true, COMMISSION_DEBT: true, PAYOUTS_CLEARING: true, FEES_INCOME: true, ADJUSTMENTS: true, LOYALTY_CASHBACK: true,
  POINTS: true, POINTS_PENDING: true, POINTS_REDEEMED: true, POINTS_EXPIRED: true, POINTS_EXPENSE: true, POINTS_LIABILITY: true,
};
export const ACCOUNT_KINDS = Object.keys(KINDS) as AccountKind[];

/** An account with its kept balances, in minor units (cents; points are whole). */
export interface AccountRecord {
  id: number;
  ownerId: number | null;
  /** A retail customer's account (loyalty points); ownerId is then null. */
  customerId: number | null;
  kind: AccountKind;
  unit: string;
  noNegative: boolean;
  posted: number;
  pendingDebits: number;
  pendingCredits: number;
  revision: number;
}

/**
 * One leg: a signed amount in the account's minor units (credit +, debit −). A transaction
 * that moves many holders' parts at once (a batch of point grants) may give a leg its own
 * memo, reference and time; a leg without them shows its transaction's.
 */
export interface PostingInput {
  accountId: number;
  amount: number;
  /**
   * The account's unit, when the caller knows it (a commission run read its wallets by unit):
   * spares looking it up to check the legs balance per unit. The database checks the balance
   * against the accounts' own units whatever this says.
   */
  unit?: string;
  memo?: string | null;
  reference?: LedgerReference | null;
  at?: Date | null;
}

/** Where a transaction comes from (an order, a commission run line, a withdrawal, …). */
export interface LedgerReference {
  type: string;
  id: string;
}

interface TransactionBase {
  /** Unique per intended transaction: the same key again returns the first one. */
  key: string;
  reason: string;
  reference?: LedgerReference | null;
  actorId?: number | null;
  memo?: string | null;
  /** When it happened, for imports of earlier history (seeds, migrations from another system); now by default. */
  at?: Date | null;
}

/** Moves balances at once (POSTED) or holds them until posted or voided (PENDING, optional timeout). */
export interface NewTransaction extends TransactionBase {
  kind: "POSTED" | "PENDING";
  postings: PostingInput[];
  timeoutAt?: Date | null;
}

/** Settles (POST_PENDING) or releases (VOID_PENDING) a pending transaction, once. */
export interface Resolution extends TransactionBase {
  kind: "POST_PENDING" | "VOID_PENDING";
  pendingKey: string;
}

export type TransactionInput = NewTransaction | Resolution;

export function isResolution(tx: TransactionInput): tx is Resolution {
  return tx.kind === "POST_PENDING" || tx.kind === "VOID_PENDING";
}

export interface PostResult {
  transactions: { key: string; id: string; created: boolean }[];
  /** Accounts whose balances changed, as they are now. */
  accounts: AccountRecord[];
}

export interface TransactionRecord {
  id: string;
  key: string;
  kind: TransactionInput["kind"];
  pendingId: string | null;
  reason: string;
  reference: LedgerReference | null;
  actorId: number | null;
  memo: string | null;
  timeoutAt: Date | null;
  createdAt: Date;
}

/** A leg as stored; balanceAfter is the account's settled balance after it (settled legs only). */
export interface PostingRecord {
  id: string;
  transactionId: string;
  accountId: number;
  unit: string;
  amount: number;
  balanceAfter: number | null;
  createdAt: Date;
  /** The leg's own memo and reference (null: its transaction's apply). */
  memo: string | null;
  reference: LedgerReference | null;
}

/** A kept balance that differs from what the postings say. */
export interface BalanceMismatch {
  accountId: number;
  field: "posted" | "pendingDebits" | "pendingCredits";
  kept: number;
  fromPostings: number;
}
