/**
 * How approved withdrawals reach members' bank accounts. `pay` is called once per batch,
 * outside any database transaction, with the batch's idempotency key: called again with
 * the same key it must not pay twice but answer as the first time.
 */
export interface PayoutProvider {
  readonly name: string;
  pay(batch: { id: number; idempotencyKey: string; lines: { withdrawalId: number; holder: string; iban: string; bic: string | null; amount: string; currency: string }[] }): Promise<{ reference: string }>;
}

/** The admin pays the exported CSV through the company's bank and marks the batch paid here. */
const manual: PayoutProvider = {
  name: "manual",
  async pay(batch) {
    return { reference: `manual-${batch.idempotencyKey}` };
  },
};

const store = globalThis as unknown as { __mlmPayoutProviders?: Map<string, PayoutProvider> };
const registered = (store.__mlmPayoutProviders ??= new Map([[manual.name, manual]]));

export function registerPayoutProvider(provider: PayoutProvider): void {
  registered.set(provider.name, provider);
}

export function payoutProvider(name: string): PayoutProvider | null {
  return registered.get(name) ?? null;
}
