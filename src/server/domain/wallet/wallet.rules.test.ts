import { describe, expect, it } from "vitest";
import { checkAmount, describeLine, feeFor, isValidIban, validatePayoutMethod, walletConfigSchema, DEFAULT_WALLET_CONFIG } from "./wallet.rules";

const fmt = (n: number) => (n / 100).toFixed(2);

describe("feeFor", () => {
  it.each([
    [10_000, { fixed: 150, basisPoints: 0 }, 150],
    [10_000, { fixed: 0, basisPoints: 250 }, 250],
    [333, { fixed: 10, basisPoints: 150 }, 15],
    [0, { fixed: 0, basisPoints: 0 }, 0],
  ])("charges %i with %j: %i", (amount, rule, fee) => {
    expect(feeFor(amount, rule)).toBe(fee);
  });
});

describe("checkAmount", () => {
  it.each([
    [null, "INVALID"],
    [0, "INVALID"],
    [-5, "INVALID"],
    [1.5, "INVALID"],
    [99, "BELOW_MINIMUM"],
    [500_001, "ABOVE_MAXIMUM"],
  ])("refuses %j with %s", (amount, code) => {
    expect(checkAmount(amount, { min: 100, max: 500_000 }, fmt)).toEqual([expect.objectContaining({ field: "amount", code })]);
  });

  it("accepts the limits themselves", () => {
    expect(checkAmount(100, { min: 100, max: 500_000 }, fmt)).toEqual([]);
    expect(checkAmount(500_000, { min: 100, max: 500_000 }, fmt)).toEqual([]);
    expect(checkAmount(10 ** 9, { min: 100 }, fmt)).toEqual([]);
  });
});

describe("IBAN", () => {
  it("accepts real check digits and refuses a typo", () => {
    expect(isValidIban("DE89370400440532013000")).toBe(true);
    expect(isValidIban("GB29NWBK60161331926819")).toBe(true);
    expect(isValidIban("DE89370400440532013001")).toBe(false);
    expect(isValidIban("DE89")).toBe(false);
  });

  it("normalizes what members type", () => {
    const { data, errors } = validatePayoutMethod({ holder: " Ava Martin ", iban: "de89 3704 0044 0532 0130 00", bic: "cobadeffxxx" });
    expect(errors).toEqual([]);
    expect(data).toEqual({ holder: "Ava Martin", iban: "DE89370400440532013000", bic: "COBADEFFXXX" });
    expect(validatePayoutMethod({ holder: "", iban: "nope", bic: "X" }).errors.map((e) => `${e.field}:${e.code}`)).toEqual(["holder:REQUIRED", "iban:INVALID", "bic:INVALID"]);
  });
});

describe("describeLine", () => {
  const base = { memo: null, reference: null, counterparty: "Jane Doe", fee: null };
  it("says why money moved", () => {
    expect(describeLine({ ...base, reason: "TRANSFER", amount: -500, fee: "0.50" })).toBe("Transfer to Jane Doe (fee 0.50)");
    expect(describeLine({ ...base, reason: "TRANSFER", amount: 500 })).toBe("Transfer from Jane Doe");
    expect(describeLine({ ...base, reason: "WITHDRAWAL", amount: -500, reference: { type: "WITHDRAWAL", id: "12" }, fee: "1.50" })).toBe("Withdrawal #12 requested (fee 1.50)");
    expect(describeLine({ ...base, reason: "WITHDRAWAL_PAID", amount: -500, reference: { type: "WITHDRAWAL", id: "12" }, fee: "1.50" })).toBe("Withdrawal #12 paid out (fee 1.50)");
    expect(describeLine({ ...base, reason: "ADJUSTMENT", amount: 500, memo: "Goodwill" })).toBe("Adjustment: Goodwill");
  });
});

describe("walletConfigSchema", () => {
  it("accepts the defaults and refuses a fee over 100 %", () => {
    expect(walletConfigSchema.safeParse(DEFAULT_WALLET_CONFIG).success).toBe(true);
    expect(walletConfigSchema.safeParse({ ...DEFAULT_WALLET_CONFIG, transfers: { ...DEFAULT_WALLET_CONFIG.transfers, feeBasisPoints: 10_001 } }).success).toBe(false);
  });
});
