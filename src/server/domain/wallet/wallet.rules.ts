import { z } from "zod";
import type { FieldError } from "@/server/domain/shared/input.errors";
import { WalletErrorCode } from "./wallet.errors";

// Amounts here are integers in minor units (cents); the service converts from the
// decimal strings of the API with the ledger's toMinor/fromMinor.

const money = z.string().regex(/^\d{1,9}(\.\d{1,2})?$/);

/** setting['wallet.config']: what members may do with their wallets (amounts in major units). */
export const walletConfigSchema = z.object({
  transfers: z.object({
    enabled: z.boolean(),
    min: money,
    max: money,
    feeFixed: money,
    /** Fee as a share of the amount, in basis points (100 = 1 %). */
    feeBasisPoints: z.number().int().min(0).max(10_000),
    /** ANYONE, or only members of one's own sponsor upline and downline. */
    scope: z.enum(["ANYONE", "UPLINE_DOWNLINE"]),
  }),
  withdrawals: z.object({
    enabled: z.boolean(),
    min: money,
    feeFixed: money,
    feeBasisPoints: z.number().int().min(0).max(10_000),
  }),
});
export type WalletConfig = z.infer<typeof walletConfigSchema>;

export const DEFAULT_WALLET_CONFIG: WalletConfig = {
  transfers: { enabled: true, min: "1.00", max: "5000.00", feeFixed: "0.00", feeBasisPoints: 0, scope: "UPLINE_DOWNLINE" },
  withdrawals: { enabled: true, min: "20.00", feeFixed: "1.50", feeBasisPoints: 0 },
};

/** fixed + amount × basis points / 10 000, rounded half up, in minor units. */
export function feeFor(amount: number, rule: { fixed: number; basisPoints: number }): number {
  return rule.fixed + Math.round((amount * rule.basisPoints) / 10_000);
}

type Limits = { min: number; max?: number };

/**
 * Checks an amount against the limits.
 * 1. a whole positive number of minor units  2. at least min  3. at most max (when set)
 */
export function checkAmount(amount: number | null, limits: Limits, format: (n: number) => string): FieldError<WalletErrorCode>[] {
  if (amount == null || !Number.isSafeInteger(amount) || amount <= 0) {
    return [{ field: "amount", code: WalletErrorCode.INVALID, message: "A positive amount with at most the currency's decimals." }];
  }
  if (amount < limits.min) return [{ field: "amount", code: WalletErrorCode.BELOW_MINIMUM, message: `At least ${format(limits.min)}.` }];
  if (limits.max != null && amount > limits.max) return [{ field: "amount", code: WalletErrorCode.ABOVE_MAXIMUM, message: `At most ${format(limits.max)}.` }];
  return [];
}

/** An IBAN without spaces, upper-case, with a valid ISO 13616 check (mod 97 = 1). */
export function normalizeIban(raw: string): string {
  return raw.replace(/\s+/g, "").toUpperCase();
}

export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

export function validatePayoutMethod(input: { holder: string; iban: string; bic?: string | null }): {
  data: { holder: string; iban: string; bic: string | null };
  errors: FieldError<WalletErrorCode>[];
} {
  const data = { holder: input.holder.trim(), iban: normalizeIban(input.iban), bic: input.bic?.replace(/\s+/g, "").toUpperCase() || null };
  const errors: FieldError<WalletErrorCode>[] = [];
  if (!data.holder) errors.push({ field: "holder", code: WalletErrorCode.REQUIRED, message: "The account holder's name." });
  else if (data.holder.length > 100) errors.push({ field: "holder", code: WalletErrorCode.TOO_LONG, message: "At most 100 characters." });
  if (!isValidIban(data.iban)) errors.push({ field: "iban", code: WalletErrorCode.INVALID, message: "This is not a valid IBAN." });
  if (data.bic && !/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(data.bic)) errors.push({ field: "bic", code: WalletErrorCode.INVALID, message: "A BIC has 8 or 11 characters." });
  return { data, errors };
}

/** What a wallet line says to its owner, from the ledger transaction behind it. */
export function describeLine(line: {
  reason: string;
  amount: number;
  memo: string | null;
  reference: { type: string; id: string } | null;
  counterparty: string | null;
  fee: string | null;
}): string {
  const fee = line.fee && line.fee !== "0.00" && line.fee !== "0" ? ` (fee ${line.fee})` : "";
  switch (line.reason) {
    case "TRANSFER":
      return line.amount < 0 ? `Transfer to ${line.counterparty ?? "a member"}${fee}` : `Transfer from ${line.counterparty ?? "a member"}`;
    case "WITHDRAWAL":
      return `Withdrawal #${line.reference?.id ?? "?"} requested${fee}`;
    case "WITHDRAWAL_PAID":
      return `Withdrawal #${line.reference?.id ?? "?"} paid out${fee}`;
    case "ADJUSTMENT":
      return `Adjustment${line.memo ? `: ${line.memo}` : ""}`;
    case "COMMISSION":
      // A commission run's negative amount is a clawback (refunds of an earlier paid month).
      return `${line.amount < 0 ? "Commission taken back after a refund" : "Commission"}${line.memo ? ` ${line.memo}` : ""}`;
    default:
      return line.memo ?? line.reason.toLowerCase().replace(/_/g, " ");
  }
}
