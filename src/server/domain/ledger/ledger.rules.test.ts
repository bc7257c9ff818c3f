import { describe, expect, it } from "vitest";
import { canonicalRequest, checkTransaction, LedgerModel } from "./ledger.rules";
import type { NewTransaction } from "./ledger.types";

const units: Record<number, string> = { 1: "USD", 2: "USD", 3: "EUR", 4: "EUR" };
const unitOf = (id: number) => units[id];
const tx = (postings: NewTransaction["postings"], over: Partial<NewTransaction> = {}): NewTransaction => ({ kind: "POSTED", key: "k1", reason: "TEST", postings, ...over });
const codes = (t: NewTransaction) => checkTransaction(t, unitOf).map((e) => `${e.field}:${e.code}`);

describe("checkTransaction", () => {
  it("accepts legs that balance in every unit", () => {
    expect(codes(tx([{ accountId: 1, amount: -500 }, { accountId: 2, amount: 500 }, { accountId: 3, amount: 7 }, { accountId: 4, amount: -7 }]))).toEqual([]);
  });

  it.each([
    ["unbalanced in one unit", tx([{ accountId: 1, amount: -500 }, { accountId: 2, amount: 499 }]), ["postings:UNBALANCED"]],
    ["balanced only across units", tx([{ accountId: 1, amount: -500 }, { accountId: 3, amount: 500 }]), ["postings:UNBALANCED", "postings:UNBALANCED"]],
    ["a zero leg", tx([{ accountId: 1, amount: 0 }, { accountId: 2, amount: 0 }]), ["postings.0.amount:INVALID", "postings.1.amount:INVALID"]],
    ["a fractional leg", tx([{ accountId: 1, amount: -1.5 }, { accountId: 2, amount: 1.5 }]), ["postings.0.amount:INVALID", "postings.1.amount:INVALID"]],
    ["an unknown account", tx([{ accountId: 9, amount: -1 }, { accountId: 2, amount: 1 }]), ["postings.0.accountId:ACCOUNT_NOT_FOUND", "postings:UNBALANCED"]],
    ["one leg", tx([{ accountId: 1, amount: 1 }]), ["postings:INVALID", "postings:UNBALANCED"]],
    ["no key or reason", tx([{ accountId: 1, amount: -1 }, { accountId: 2, amount: 1 }], { key: " ", reason: "" }), ["key:REQUIRED", "reason:REQUIRED"]],
  ])("refuses %s", (_label, t, expected) => {
    expect(codes(t)).toEqual(expected);
  });

  it("takes a leg's unit from the leg when it says it (no look-up), else looks it up", () => {
    // Account 9 is unknown to the look-up: with its unit given, the legs balance in USD.
    expect(codes(tx([{ accountId: 9, amount: -5, unit: "USD" }, { accountId: 2, amount: 5 }]))).toEqual([]);
    // Said EUR against account 1's USD: checked as said (the database checks the real units).
    expect(codes(tx([{ accountId: 1, amount: -5, unit: "EUR" }, { accountId: 2, amount: 5 }]))).toEqual(["postings:UNBALANCED", "postings:UNBALANCED"]);
  });
});

describe("canonicalRequest and a leg's unit", () => {
  it("leaves the unit out (a request is the same whether the caller said its units or not)", () => {
    expect(canonicalRequest(tx([{ accountId: 1, amount: -5, unit: "USD" }, { accountId: 2, amount: 5, unit: "USD" }])))
      .toBe(canonicalRequest(tx([{ accountId: 1, amount: -5 }, { accountId: 2, amount: 5 }])));
  });
});

describe("canonicalRequest", () => {
  it("differs when an amount differs and not when only the memo does", () => {
    const a = tx([{ accountId: 1, amount: -5 }, { accountId: 2, amount: 5 }]);
    expect(canonicalRequest({ ...a, memo: "x" })).toBe(canonicalRequest(a));
    expect(canonicalRequest(tx([{ accountId: 1, amount: -6 }, { accountId: 2, amount: 6 }]))).not.toBe(canonicalRequest(a));
  });
});

describe("canonicalRequest of legs with their own memo and reference", () => {
  it("counts a leg's reference, not its memo or time, and hashes a leg without them as before", () => {
    const a = tx([{ accountId: 1, amount: -5 }, { accountId: 2, amount: 5 }]);
    expect(canonicalRequest(a)).toBe(JSON.stringify(["POSTED", "k1", "TEST", null, null, [[1, -5], [2, 5]], null]));
    const own = tx([{ accountId: 1, amount: -5 }, { accountId: 2, amount: 5, memo: "For order #7", reference: { type: "ORDER", id: "7" }, at: new Date(0) }]);
    expect(canonicalRequest({ ...own, postings: [own.postings[0]!, { ...own.postings[1]!, memo: "other", at: new Date(1) }] })).toBe(canonicalRequest(own));
    expect(canonicalRequest({ ...own, postings: [own.postings[0]!, { ...own.postings[1]!, reference: { type: "ORDER", id: "8" } }] })).not.toBe(canonicalRequest(own));
    expect(canonicalRequest(own)).not.toBe(canonicalRequest(a));
  });
});

describe("LedgerModel", () => {
  it("holds, posts and voids like the ledger", () => {
    const m = new LedgerModel();
    m.apply(tx([{ accountId: 2, amount: -1000 }, { accountId: 1, amount: 1000 }], { key: "fund" }));
    m.apply(tx([{ accountId: 1, amount: -300 }, { accountId: 2, amount: 300 }], { key: "hold", kind: "PENDING" }));
    expect([m.at(1).posted, m.available(1), m.at(2).pendingCredits]).toEqual([1000, 700, 300]);
    m.apply({ kind: "POST_PENDING", key: "post", pendingKey: "hold", reason: "TEST" });
    expect([m.at(1).posted, m.available(1), m.at(1).pendingDebits, m.at(2).pendingCredits]).toEqual([700, 700, 0, 0]);
    m.apply(tx([{ accountId: 1, amount: -300 }, { accountId: 2, amount: 300 }], { key: "hold2", kind: "PENDING" }));
    m.apply({ kind: "VOID_PENDING", key: "void", pendingKey: "hold2", reason: "TEST" });
    m.apply({ kind: "VOID_PENDING", key: "void", pendingKey: "hold2", reason: "TEST" });
    expect([m.at(1).posted, m.available(1), m.isPending("hold2")]).toEqual([700, 700, false]);
  });
});
