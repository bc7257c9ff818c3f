/** A member's balance in one currency, decimal strings. available = settled − held. */
export interface WalletBalance {
  currency: string;
  available: string;
  /** Signed sum of pending movements: −held (withdrawals requested) + incoming. */
  pending: string;
  posted: string;
  held: string;
  revision: number;
}

/** One line of a wallet's history: why money moved, and the balance after it. */
export interface WalletLine {
  id: string;
  transactionId: string;
  currency: string;
  amount: string;
  /** Settled balance after this line; null while it is pending. */
  balanceAfter: string | null;
  status: "POSTED" | "PENDING" | "VOIDED";
  reason: string;
  description: string;
  reference: { type: string; id: string } | null;
  createdAt: Date;
}

export type WithdrawalStatusName = "REQUESTED" | "APPROVED" | "REJECTED" | "PAID";

export interface WithdrawalRecord {
  id: number;
  memberId: number;
  memberName: string;
  currency: string;
  amount: string;
  fee: string;
  status: WithdrawalStatusName;
  payoutHolder: string;
  payoutIban: string;
  payoutBic: string | null;
  rejectReason: string | null;
  batchId: number | null;
  requestedAt: Date;
  decidedAt: Date | null;
  paidAt: Date | null;
}

export interface WithdrawalFilter {
  status?: WithdrawalStatusName | null;
  memberId?: number | null;
  batchId?: number | null;
}

export interface PayoutBatchRecord {
  id: number;
  status: "OPEN" | "PAID";
  provider: string;
  createdAt: Date;
  paidAt: Date | null;
  reference: string | null;
  withdrawals: number;
  totals: { currency: string; amount: string }[];
}

export interface PayoutMethodRecord {
  holder: string;
  iban: string;
  bic: string | null;
}

export interface TransferRecord {
  id: number;
  fromMemberId: number;
  toMemberId: number;
  currency: string;
  amount: string;
  fee: string;
  note: string | null;
  createdAt: Date;
}
