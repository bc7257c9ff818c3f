import { transaction } from "@/server/db/unit-of-work";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import type { AccountRecord, PostingInput, TransactionInput } from "@/server/domain/ledger/ledger.types";
import { memberService } from "@/server/domain/member/member.service";
import { accessService } from "@/server/domain/access/access.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { inTeamOf, listScopes, notFound, requireMember, requirePermission } from "@/server/domain/shared/access";
import { cached } from "@/server/domain/shared/cached";
import { FieldErrors, fieldError, InputError, isInputError } from "@/server/domain/shared/input.errors";
import { pageSize, type Page } from "@/server/domain/shared/page";
import { fromMinor, isUnit, toMinor } from "@/server/domain/shared/units";
import type { Viewer } from "@/server/domain/shared/viewer";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { payoutProvider } from "./payout-providers";
import { WalletErrorCode } from "./wallet.errors";
import { walletRepository, type WithdrawalRow } from "./wallet.repository";
import {
  checkAmount, DEFAULT_WALLET_CONFIG, describeLine, feeFor, validatePayoutMethod, walletConfigSchema, type WalletConfig,
} from "./wallet.rules";
import type {
  PayoutBatchRecord, PayoutMethodRecord, TransferRecord, WalletBalance, WalletLine, WithdrawalFilter, WithdrawalRecord,
} from "./wallet.types";

const settings = cached(async (): Promise<WalletConfig> => {
  const parsed = walletConfigSchema.safeParse(await walletRepository.configSetting());
  return parsed.success ? parsed.data : DEFAULT_WALLET_CONFIG;
}, 5_000, "wallet.settings");

const CURRENCY = /^[A-Z]{3}$/;

function balanceOf(a: Pick<AccountRecord, "unit" | "posted" | "pendingDebits" | "pendingCredits" | "revision">): WalletBalance {
  return {
    currency: a.unit,
    available: fromMinor(a.posted - a.pendingDebits, a.unit),
    pending: fromMinor(a.pendingCredits - a.pendingDebits, a.unit),
    posted: fromMinor(a.posted, a.unit),
    held: fromMinor(a.pendingDebits, a.unit),
    revision: a.revision,
  };
}

function withdrawalRecord(w: WithdrawalRow): WithdrawalRecord {
  const { amount, fee, idempotencyKey: _key, ...rest } = w;
  return { ...rest, amount: fromMinor(amount, w.currency), fee: fromMinor(fee, w.currency) };
}

/** A currency code the ledger knows, upper-cased, or a field error. */
function currencyOf(raw: string, errors: FieldErrors<WalletErrorCode>): string {
  const currency = raw.trim().toUpperCase();
  if (!CURRENCY.test(currency) || !isUnit(currency)) errors.add("currency", WalletErrorCode.INVALID, "A three-letter ISO 4217 currency code.");
  return currency;
}

function checkKey(key: string, errors: FieldErrors<WalletErrorCode>): string {
  const k = key.trim();
  if (!k) errors.add("idempotencyKey", WalletErrorCode.REQUIRED, "Send a key that is unique per request you mean to make.");
  else if (k.length > 100) errors.add("idempotencyKey", WalletErrorCode.TOO_LONG, "At most 100 characters.");
  return k;
}

/** Posts through the ledger; its refusals become wallet errors (an overdraft is INSUFFICIENT_FUNDS). */
async function post(txs: TransactionInput[]) {
  try {
    return await ledgerService.postBatch(txs);
  } catch (err) {
    if (isInputError(err) && err.errors.every((e) => e.code in WalletErrorCode)) {
      throw new InputError(err.errors.map((e) => ({ ...e, code: e.code as WalletErrorCode })));
    }
    throw err;
  }
}

const walletAccount = (memberId: number, currency: string) => ledgerService.accountId(memberId, "WALLET", currency);
const companyAccount = (kind: "FEES_INCOME" | "PAYOUTS_CLEARING" | "ADJUSTMENTS", currency: string) => ledgerService.accountId(null, kind, currency);

/** Legs of a debit of amount + fee from a wallet to `to`, the fee to fees income. */
async function debitLegs(memberId: number, currency: string, amount: number, fee: number, to: number): Promise<PostingInput[]> {
  const legs: PostingInput[] = [{ accountId: await walletAccount(memberId, currency), amount: -(amount + fee) }, { accountId: to, amount }];
  if (fee > 0) legs.push({ accountId: await companyAccount("FEES_INCOME", currency), amount: fee });
  return legs;
}

/** A member's e-wallet: balances, history, transfers, withdrawals and payouts, all moved through the ledger. */
export const walletService = {
  /** The member's payout method, withdrawals and transfers, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return walletRepository.personalData(memberId);
  },

  /** How many of the member's withdrawals are still on their way (erasure waits for them). */
  openWithdrawals(memberId: number): Promise<number> {
    return walletRepository.openWithdrawals(memberId);
  },

  /** Erasure (inside the caller's transaction): bank details go, amounts stay. */
  erasePayoutDetails(memberId: number): Promise<void> {
    return walletRepository.erasePayoutDetails(memberId);
  },

  config(): Promise<WalletConfig> {
    return settings.get();
  },

  /** Balances per currency (a wallet is private: the member and admins only). */
  async balances(viewer: Viewer, memberId: number): Promise<WalletBalance[]> {
    await accessService.requireSelfOr(viewer, memberId, "wallets.read", "this wallet");
    return (await ledgerService.accountsOf(memberId, "WALLET")).map(balanceOf);
  },

  /** A balance as a ledger event carried it (for live updates). */
  balanceFromSnapshot: balanceOf,

  /** Wallet lines newest first, each saying why, with the balance after it (settled lines). */
  async history(viewer: Viewer, memberId: number, currency: string, first: number, before: string | null): Promise<Page<WalletLine>> {
    await accessService.requireSelfOr(viewer, memberId, "wallets.read", "this wallet");
    const account = (await ledgerService.accountsOf(memberId, "WALLET")).find((a) => a.unit === currency.toUpperCase());
    if (!account) return { rows: [], hasNextPage: false, totalCount: 0 };
    const limit = pageSize(first);
    const postings = await ledgerService.postings(account.id, limit + 1, before);
    const page = postings.slice(0, limit);
    const txs = await transactionsOf(page);
    const refIds = (type: string) => [...new Set([...txs.values()].filter((t) => t.reference?.type === type).map((t) => Number(t.reference!.id)))];
    const [transfers, withdrawals] = await Promise.all([
      walletRepository.transfersByIds(refIds("TRANSFER")),
      walletRepository.withdrawalsByIds(refIds("WITHDRAWAL")),
    ]);
    const transferById = new Map(transfers.map((t) => [String(t.id), t]));
    const withdrawalById = new Map(withdrawals.map((w) => [String(w.id), w]));
    // A hold that was paid out shows once, as the settled line of its payout.
    const rows = page.filter((p) => !(txs.get(p.transactionId)!.kind === "PENDING" && txs.get(p.transactionId)!.resolution === "POST_PENDING")).map((p) => {
      const tx = txs.get(p.transactionId)!;
      const transfer = tx.reference?.type === "TRANSFER" ? transferById.get(tx.reference.id) : undefined;
      const withdrawal = tx.reference?.type === "WITHDRAWAL" ? withdrawalById.get(tx.reference.id) : undefined;
      return lineOf(p, tx, {
        counterparty: transfer ? (p.amount < 0 ? transfer.toName : transfer.fromName) : null,
        fee: transfer && p.amount < 0 ? transfer.fee : withdrawal ? withdrawal.fee : null,
      });
    });
    return { rows, hasNextPage: postings.length > limit, totalCount: postings.totalCount };
  },

  async payoutMethod(viewer: Viewer, memberId: number): Promise<PayoutMethodRecord | null> {
    await accessService.requireSelfOr(viewer, memberId, "wallets.read", "this payout method");
    return walletRepository.payoutMethod(memberId);
  },

  async setPayoutMethod(viewer: Viewer, memberId: number, input: { holder: string; iban: string; bic?: string | null }): Promise<PayoutMethodRecord> {
    await accessService.requireSelfOr(viewer, memberId, "members.write", "this payout method");
    const { data, errors } = validatePayoutMethod(input);
    if (errors.length > 0) throw new InputError(errors);
    if (viewer.id === memberId && viewer.apiKeyId == null) return walletRepository.savePayoutMethod(memberId, data);
    return transaction(async () => {
      const before = await walletRepository.payoutMethod(memberId);
      const saved = await walletRepository.savePayoutMethod(memberId, data);
      await auditService.record(viewer, { action: "member.payout_method", targetType: "member", targetId: memberId, before: before && { holder: before.holder, iban: before.iban }, after: { holder: saved.holder, iban: saved.iban } });
      return saved;
    });
  },

  /**
   * Sends money from the viewer's wallet to another member's, as the settings allow
   * (on/off, min, max, fee, anyone or only the own upline and downline). The same
   * idempotency key again returns the first transfer.
   */
  async transfer(viewer: Viewer, input: { toMemberId: number; amount: string; currency: string; note?: string | null; idempotencyKey: string }): Promise<TransferRecord> {
    requireMember(viewer, "transfers (they are made by members themselves)");
    const cfg = (await settings.get()).transfers;
    if (!cfg.enabled) throw fieldError("amount", WalletErrorCode.TRANSFERS_DISABLED, "Transfers between members are switched off.");
    const errors = new FieldErrors<WalletErrorCode>();
    const currency = currencyOf(input.currency, errors);
    const key = checkKey(input.idempotencyKey, errors);
    const note = input.note?.trim() || null;
    if (note && note.length > 200) errors.add("note", WalletErrorCode.TOO_LONG, "At most 200 characters.");
    const amount = errors.has("currency") ? null : toMinor(input.amount, currency);
    if (!errors.has("currency")) {
      errors.addAll(checkAmount(amount, { min: toMinor(cfg.min, currency)!, max: toMinor(cfg.max, currency)! }, (n) => `${fromMinor(n, currency)} ${currency}`));
    }
    const [from, to] = await Promise.all([memberService.findById(viewer.id), memberService.findById(input.toMemberId)]);
    if (!to || to.id === viewer.id || to.status !== "ACTIVE") errors.add("toMemberId", WalletErrorCode.NOT_FOUND, "No other active member has this id.");
    else if (cfg.scope === "UPLINE_DOWNLINE" && from && !inTeamOf(to, from.id) && !inTeamOf(from, to.id)) {
      errors.add("toMemberId", WalletErrorCode.RECIPIENT_NOT_ALLOWED, "You can send money to members of your own upline and downline only.");
    }
    errors.throwIfAny();
    const fee = feeFor(amount!, { fixed: toMinor(cfg.feeFixed, currency)!, basisPoints: cfg.feeBasisPoints });

    const same = (t: { toMemberId: number; amount: number; currency: string }) => t.toMemberId === to!.id && t.amount === amount && t.currency === currency;
    const earlier = await walletRepository.findTransferByKey(viewer.id, key);
    if (earlier) {
      if (!same(earlier)) throw fieldError("idempotencyKey", WalletErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was used for a different transfer.");
      return { ...earlier, amount: fromMinor(earlier.amount, currency), fee: fromMinor(earlier.fee, currency) };
    }
    const recipientWallet = await walletAccount(to!.id, currency);
    const legs = await debitLegs(viewer.id, currency, amount!, fee, recipientWallet);
    const id = await transaction(async () => {
      const created = await walletRepository.insertTransfer({ fromMemberId: viewer.id, toMemberId: to!.id, currency, amount: amount!, fee, note, idempotencyKey: key });
      if (created == null) return null; // the same key at the same moment: the other request made it
      await post([{ kind: "POSTED", key: `transfer:${created}`, reason: "TRANSFER", reference: { type: "TRANSFER", id: String(created) }, actorId: viewer.id, memo: note, postings: legs }]);
      return created;
    });
    const stored = await walletRepository.findTransferByKey(viewer.id, key);
    if (!stored || (id == null && !same(stored))) throw fieldError("idempotencyKey", WalletErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was used for a different transfer.");
    return { ...stored, amount: fromMinor(stored.amount, currency), fee: fromMinor(stored.fee, currency) };
  },

  /**
   * Asks for a payout to the member's payout method: amount and fee are held at once by
   * a pending ledger transaction until the payout is paid (posted) or rejected (voided).
   */
  async requestWithdrawal(viewer: Viewer, input: { amount: string; currency: string; idempotencyKey: string }): Promise<WithdrawalRecord> {
    requireMember(viewer, "withdrawals (they are requested by members themselves)");
    const cfg = (await settings.get()).withdrawals;
    if (!cfg.enabled) throw fieldError("amount", WalletErrorCode.WITHDRAWALS_DISABLED, "Withdrawals are switched off.");
    const errors = new FieldErrors<WalletErrorCode>();
    const currency = currencyOf(input.currency, errors);
    const key = checkKey(input.idempotencyKey, errors);
    const amount = errors.has("currency") ? null : toMinor(input.amount, currency);
    if (!errors.has("currency")) errors.addAll(checkAmount(amount, { min: toMinor(cfg.min, currency)! }, (n) => `${fromMinor(n, currency)} ${currency}`));
    const payout = await walletRepository.payoutMethod(viewer.id);
    if (!payout) errors.add("payoutMethod", WalletErrorCode.PAYOUT_METHOD_MISSING, "Add the bank account to pay out to first.");
    errors.throwIfAny();
    const fee = feeFor(amount!, { fixed: toMinor(cfg.feeFixed, currency)!, basisPoints: cfg.feeBasisPoints });

    const earlier = await walletRepository.findWithdrawalByKey(viewer.id, key);
    if (earlier) {
      if (earlier.amount !== amount || earlier.currency !== currency) throw fieldError("idempotencyKey", WalletErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was used for a different withdrawal.");
      return withdrawalRecord(earlier);
    }
    const legs = await debitLegs(viewer.id, currency, amount!, fee, await companyAccount("PAYOUTS_CLEARING", currency));
    await transaction(async () => {
      const id = await walletRepository.insertWithdrawal({ memberId: viewer.id, currency, amount: amount!, fee, payout: payout!, idempotencyKey: key });
      if (id == null) return;
      await post([{ kind: "PENDING", key: `withdrawal:${id}`, reason: "WITHDRAWAL", reference: { type: "WITHDRAWAL", id: String(id) }, actorId: viewer.id, postings: legs }]);
    });
    const stored = (await walletRepository.findWithdrawalByKey(viewer.id, key))!;
    if (stored.amount !== amount || stored.currency !== currency) throw fieldError("idempotencyKey", WalletErrorCode.IDEMPOTENCY_KEY_REUSED, "This key was used for a different withdrawal.");
    return withdrawalRecord(stored);
  },

  /** The viewer's withdrawals (admins: everyone's, filtered), newest first. */
  async withdrawals(viewer: Viewer, filter: WithdrawalFilter, first: number, beforeId: number | null): Promise<Page<WithdrawalRecord>> {
    const f = listScopes(viewer, "wallets.read") === "ALL" ? filter : { ...filter, memberId: viewer.id };
    const page = await walletRepository.withdrawals(f, pageSize(first), beforeId);
    return { ...page, rows: page.rows.map(withdrawalRecord) };
  },

  /** Approves requested withdrawals (admins); approving an approved one again changes nothing. */
  async approveWithdrawals(viewer: Viewer, ids: readonly number[]): Promise<WithdrawalRecord[]> {
    requirePermission(viewer, "withdrawals.approve", "withdrawals");
    return transaction(async () => {
      const rows = await lockedWithdrawals(ids);
      refuseUnless(rows, (w) => w.status === "REQUESTED" || w.status === "APPROVED", "approved");
      const todo = rows.filter((w) => w.status === "REQUESTED").map((w) => w.id);
      if (todo.length > 0) {
        await walletRepository.updateWithdrawals(todo, { status: "APPROVED", decidedById: viewer.id, decidedAt: new Date() });
        await auditService.record(viewer, ...rows.filter((w) => w.status === "REQUESTED").map((w) => ({
          action: "withdrawal.approve", targetType: "withdrawal", targetId: w.id, before: { status: w.status }, after: { status: "APPROVED", memberId: w.memberId, amount: w.amount, currency: w.currency },
        })));
      }
      return (await walletRepository.lockWithdrawals(ids)).map(withdrawalRecord);
    });
  },

  /** Rejects withdrawals not yet in a payout batch (admins), with a reason: their holds are voided. */
  async rejectWithdrawals(viewer: Viewer, ids: readonly number[], reason: string): Promise<WithdrawalRecord[]> {
    requirePermission(viewer, "withdrawals.approve", "withdrawals");
    const why = reason.trim();
    if (!why) throw fieldError("reason", WalletErrorCode.REQUIRED, "Say why, so the member knows.");
    if (why.length > 500) throw fieldError("reason", WalletErrorCode.TOO_LONG, "At most 500 characters.");
    return transaction(async () => {
      const rows = await lockedWithdrawals(ids);
      refuseUnless(rows, (w) => w.status === "REJECTED" || ((w.status === "REQUESTED" || w.status === "APPROVED") && w.batchId == null), "rejected");
      const todo = rows.filter((w) => w.status !== "REJECTED");
      if (todo.length > 0) {
        await walletRepository.updateWithdrawals(todo.map((w) => w.id), { status: "REJECTED", rejectReason: why, decidedById: viewer.id, decidedAt: new Date() });
        await auditService.record(viewer, ...todo.map((w) => ({
          action: "withdrawal.reject", targetType: "withdrawal", targetId: w.id, before: { status: w.status }, after: { status: "REJECTED", reason: why, memberId: w.memberId },
        })));
        await post(todo.map((w) => ({ kind: "VOID_PENDING", key: `withdrawal:${w.id}:rejected`, pendingKey: `withdrawal:${w.id}`, reason: "WITHDRAWAL_REJECTED", reference: { type: "WITHDRAWAL", id: String(w.id) }, actorId: viewer.id })));
      }
      return (await walletRepository.lockWithdrawals(ids)).map(withdrawalRecord);
    });
  },

  /** Puts approved withdrawals into a new payout batch (admins). */
  async createPayoutBatch(viewer: Viewer, ids: readonly number[]): Promise<PayoutBatchRecord> {
    requirePermission(viewer, "payouts.manage", "payouts");
    if (ids.length === 0) throw fieldError("withdrawalIds", WalletErrorCode.REQUIRED, "Choose the approved withdrawals to pay.");
    const id = await transaction(async () => {
      const rows = await lockedWithdrawals(ids);
      refuseUnless(rows, (w) => w.status === "APPROVED" && w.batchId == null, "batched (approve it first; each goes into one batch)");
      const batchId = await walletRepository.createBatch(viewer.id, "manual");
      await walletRepository.updateWithdrawals(ids, { batchId });
      return batchId;
    });
    return (await this.batch(viewer, id))!;
  },

  async batch(viewer: Viewer, id: number): Promise<PayoutBatchRecord | null> {
    requirePermission(viewer, "payouts.manage", "payouts");
    const b = (await walletRepository.batches(1, id + 1)).rows.find((r) => r.id === id);
    return b ? batchRecord(b) : null;
  },

  async batches(viewer: Viewer, first: number, beforeId: number | null): Promise<Page<PayoutBatchRecord>> {
    requirePermission(viewer, "payouts.manage", "payouts");
    const page = await walletRepository.batches(pageSize(first), beforeId);
    return { ...page, rows: page.rows.map(batchRecord) };
  },

  /**
   * Pays a batch (admins): the payout provider is called once, outside any transaction,
   * with the batch's key; then every withdrawal's hold is posted and marked paid, in one
   * transaction. Marking a paid batch again changes nothing.
   */
  async markBatchPaid(viewer: Viewer, batchId: number): Promise<PayoutBatchRecord> {
    requirePermission(viewer, "payouts.manage", "payouts");
    const batch = await transaction(() => walletRepository.lockBatch(batchId));
    if (!batch) throw notFound("Payout batch");
    if (batch.status === "OPEN") {
      const provider = payoutProvider(batch.provider);
      if (!provider) throw fieldError("id", WalletErrorCode.INVALID, `The payout provider "${batch.provider}" is not available.`);
      const lines = (await walletRepository.withdrawals({ batchId }, 10_000, null)).rows;
      const { reference } = await provider.pay({
        id: batchId, idempotencyKey: `payout-batch:${batchId}`,
        lines: lines.map((w) => ({ withdrawalId: w.id, holder: w.payoutHolder, iban: w.payoutIban, bic: w.payoutBic, amount: fromMinor(w.amount, w.currency), currency: w.currency })),
      });
      await transaction(async () => {
        const locked = await walletRepository.lockBatch(batchId);
        if (locked?.status !== "OPEN") return;
        const rows = await walletRepository.lockWithdrawals(lines.map((w) => w.id));
        const paidAt = new Date();
        await post(rows.map((w) => ({ kind: "POST_PENDING", key: `withdrawal:${w.id}:paid`, pendingKey: `withdrawal:${w.id}`, reason: "WITHDRAWAL_PAID", reference: { type: "WITHDRAWAL", id: String(w.id) }, actorId: viewer.id })));
        await walletRepository.updateWithdrawals(rows.map((w) => w.id), { status: "PAID", paidAt });
        await walletRepository.markBatchPaid(batchId, reference, paidAt);
        await auditService.record(viewer, { action: "payout.paid", targetType: "payout_batch", targetId: batchId, before: { status: "OPEN" }, after: { status: "PAID", reference, withdrawals: rows.length } });
        for (const w of rows) {
          await webhookService.emit("payout.paid", `payout.paid:${w.id}`, { withdrawalId: w.id, batchId, memberId: w.memberId, amount: fromMinor(w.amount, w.currency), currency: w.currency, reference, paidAt });
        }
      });
    }
    return (await this.batch(viewer, batchId))!;
  },

  /** The bank file of a batch (admins): one row per withdrawal, formulae neutralised. */
  async batchCsv(viewer: Viewer, batchId: number): Promise<string> {
    requirePermission(viewer, "payouts.manage", "payouts");
    const { default: Papa } = await import("papaparse");
    const rows = (await walletRepository.withdrawals({ batchId }, 10_000, null)).rows.sort((a, b) => a.id - b.id);
    const columns = ["withdrawalId", "memberId", "holder", "iban", "bic", "amount", "currency", "reference"];
    return `${Papa.unparse(
      rows.map((w) => ({ withdrawalId: w.id, memberId: w.memberId, holder: w.payoutHolder, iban: w.payoutIban, bic: w.payoutBic ?? "", amount: fromMinor(w.amount, w.currency), currency: w.currency, reference: `Withdrawal ${w.id}` })),
      { columns, newline: "\r\n", escapeFormulae: true },
    )}\r\n`;
  },

  /**
   * Credits (positive amount) or debits a member's wallet with a reason (admins), against
   * the company's adjustments account. A debit cannot take the wallet below zero.
   */
  async adjust(viewer: Viewer, input: { memberId: number; amount: string; currency: string; reason: string; idempotencyKey: string }): Promise<WalletBalance> {
    requirePermission(viewer, "wallets.adjust", "wallet adjustments");
    const errors = new FieldErrors<WalletErrorCode>();
    const currency = currencyOf(input.currency, errors);
    const key = checkKey(input.idempotencyKey, errors);
    const amount = errors.has("currency") ? null : toMinor(input.amount, currency);
    if (amount == null || amount === 0) errors.add("amount", WalletErrorCode.INVALID, "A non-zero amount; negative takes money out.");
    const reason = input.reason.trim();
    if (!reason) errors.add("reason", WalletErrorCode.REQUIRED, "Say why: the member sees it.");
    else if (reason.length > 200) errors.add("reason", WalletErrorCode.TOO_LONG, "At most 200 characters.");
    if (!(await memberService.findById(input.memberId))) errors.add("memberId", WalletErrorCode.NOT_FOUND, "No such member.");
    errors.throwIfAny();
    const [wallet, adjustments] = await Promise.all([walletAccount(input.memberId, currency), companyAccount("ADJUSTMENTS", currency)]);
    await transaction(async () => {
      const posted = await post([{
        kind: "POSTED", key: `adjustment:${viewer.id}:${key}`, reason: "ADJUSTMENT", reference: { type: "MEMBER", id: String(input.memberId) },
        actorId: viewer.id, memo: reason, postings: [{ accountId: wallet, amount: amount! }, { accountId: adjustments, amount: -amount! }],
      }]);
      if (posted.transactions[0]?.created) {
        await auditService.record(viewer, { action: "wallet.adjust", targetType: "member", targetId: input.memberId, after: { amount: input.amount, currency, reason, transaction: posted.transactions[0].id } });
      }
    });
    return balanceOf((await ledgerService.findAccounts([wallet]))[0]!);
  },
};

/** The admins' view of the whole ledger: trial balance and accounts. */
export const ledgerExplorerService = {
  /** Per unit: settled, pending and all postings summed; each is 0 in a sound ledger (admins). */
  async trialBalance(viewer: Viewer) {
    requirePermission(viewer, "wallets.read", "the trial balance");
    return (await ledgerService.trialBalance()).map((t) => ({
      unit: t.unit, total: fromMinor(t.posted, t.unit), pending: fromMinor(t.pending, t.unit), postings: fromMinor(t.postings, t.unit),
    }));
  },

  /** Ledger accounts by owner, kind and unit, with balances as decimals (admins). */
  async accounts(viewer: Viewer, filter: { ownerId?: number | null; kind?: string | null; unit?: string | null }, first: number, afterId: number | null) {
    requirePermission(viewer, "wallets.read", "the ledger");
    const page = await ledgerService.listAccounts(filter, pageSize(first), afterId);
    // Owners by name: an account number and a member number tell an admin little.
    const owners = new Map((await memberService.findManyByIds([...new Set(page.rows.flatMap((a) => (a.ownerId ? [a.ownerId] : [])))])).map((m) => [m.id, `${m.firstName} ${m.lastName}`]));
    return {
      ...page,
      rows: page.rows.map((a) => ({
        ...a, ownerName: a.ownerId ? owners.get(a.ownerId) ?? null : null,
        posted: fromMinor(a.posted, a.unit), pendingDebits: fromMinor(a.pendingDebits, a.unit), pendingCredits: fromMinor(a.pendingCredits, a.unit),
      })),
    };
  },

  async account(viewer: Viewer, id: number) {
    requirePermission(viewer, "wallets.read", "the ledger");
    const [a] = await ledgerService.findAccounts([id]);
    return a ? { ...a, posted: fromMinor(a.posted, a.unit), pendingDebits: fromMinor(a.pendingDebits, a.unit), pendingCredits: fromMinor(a.pendingCredits, a.unit) } : null;
  },

  /** One account's postings, newest first, with their transactions' reasons (admins). */
  async postings(viewer: Viewer, accountId: number, first: number, before: string | null): Promise<Page<WalletLine>> {
    requirePermission(viewer, "wallets.read", "the ledger");
    const limit = pageSize(first);
    const postings = await ledgerService.postings(accountId, limit + 1, before);
    const page = postings.slice(0, limit);
    const txs = await transactionsOf(page);
    const rows = page.map((p) => lineOf(p, txs.get(p.transactionId)!));
    return { rows, hasNextPage: postings.length > limit, totalCount: postings.totalCount };
  },
};

function batchRecord(b: Omit<PayoutBatchRecord, "totals"> & { totals: { currency: string; amount: number }[] }): PayoutBatchRecord {
  return { ...b, totals: b.totals.map((t) => ({ currency: t.currency, amount: fromMinor(t.amount, t.currency) })) };
}

type LedgerTx = Awaited<ReturnType<typeof ledgerService.transactionsByIds>>[number];
type LedgerPosting = Awaited<ReturnType<typeof ledgerService.postings>>[number];

/** A posting as a line: amount and running balance as decimals, why it moved, its status. */
function lineOf(p: LedgerPosting, tx: LedgerTx, context: { counterparty: string | null; fee: number | null } = { counterparty: null, fee: null }): WalletLine {
  return {
    id: p.id, transactionId: p.transactionId, currency: p.unit, amount: fromMinor(p.amount, p.unit),
    balanceAfter: p.balanceAfter == null ? null : fromMinor(p.balanceAfter, p.unit),
    // A hold that was voided, or replaced by the settled line of its payout, is VOIDED.
    status: tx.kind !== "PENDING" ? "POSTED" : tx.resolution ? "VOIDED" : "PENDING",
    // A leg of a transaction that moves many holders' parts says what its own part was for.
    reason: tx.reason, reference: p.reference ?? tx.reference, createdAt: p.createdAt,
    description: describeLine({
      reason: tx.reason, amount: p.amount, memo: p.memo ?? tx.memo, reference: p.reference ?? tx.reference, counterparty: context.counterparty,
      fee: context.fee == null ? null : fromMinor(context.fee, p.unit),
    }),
  };
}

async function transactionsOf(postings: readonly LedgerPosting[]): Promise<Map<string, LedgerTx>> {
  return new Map((await ledgerService.transactionsByIds([...new Set(postings.map((p) => p.transactionId))])).map((t) => [t.id, t]));
}

async function lockedWithdrawals(ids: readonly number[]): Promise<WithdrawalRow[]> {
  const rows = await walletRepository.lockWithdrawals(ids);
  if (rows.length !== new Set(ids).size) throw fieldError("ids", WalletErrorCode.NOT_FOUND, "Some of these withdrawals do not exist.");
  return rows;
}

function refuseUnless(rows: WithdrawalRow[], ok: (w: WithdrawalRow) => boolean, what: string): void {
  const bad = rows.filter((w) => !ok(w));
  if (bad.length > 0) {
    throw new InputError(bad.map((w) => ({ field: "ids", code: WalletErrorCode.INVALID_TRANSITION, message: `Withdrawal #${w.id} (${w.status.toLowerCase()}) cannot be ${what}.` })));
  }
}
