/**
 * How money moves. A gateway implements two calls. Each is made outside any database
 * transaction, once per payment attempt, with the attempt's idempotency key: called again
 * with the same key (a retry after a crash or a timeout) it must not move money twice but
 * answer as the first time, as Stripe's Idempotency-Key does. The reference it returns is
 * unique per provider (payment has a unique (provider, reference)).
 */
export interface PaymentProvider {
  readonly name: string;
  /** Who may use it: "ADMIN" (records money received), or "BUYER" as well. */
  readonly usableBy: "ADMIN" | "BUYER";
  charge(request: ChargeRequest): Promise<{ reference: string }>;
  refund(request: RefundRequest): Promise<{ reference: string }>;
}

export interface ChargeRequest {
  orderId: number;
  amount: string;
  currency: string;
  idempotencyKey: string;
}

export interface RefundRequest extends ChargeRequest {
  /** The provider's reference of the charge being refunded. */
  chargeReference: string;
}

/** The provider refused (declined card, closed account): nothing moved. Any other error means "unknown". */
export class PaymentDeclined extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PaymentDeclined";
  }
}

/** References derived from the idempotency key: the same key always gives the same reference. */
function keyed(prefix: string): Pick<PaymentProvider, "charge" | "refund"> {
  return {
    async charge(r) {
      return { reference: `${prefix}-${r.idempotencyKey}` };
    },
    async refund(r) {
      return { reference: `${prefix}-${r.idempotencyKey}` };
    },
  };
}

/** An admin records a payment that arrived outside the system (bank transfer, cash). */
const manual: PaymentProvider = { name: "manual", usableBy: "ADMIN", ...keyed("manual") };

/** Approves at once: demos, tests and sandboxes. Off when PAYMENT_TEST_PROVIDER=off. */
const test: PaymentProvider = { name: "test", usableBy: "BUYER", ...keyed("test") };

const store = globalThis as unknown as { __mlmPaymentProviders?: Map<string, PaymentProvider> };
const registered = (store.__mlmPaymentProviders ??= new Map());

/** Adds a gateway (or, in tests, an instrumented one) under its name. */
export function registerPaymentProvider(provider: PaymentProvider): void {
  registered.set(provider.name, provider);
}

export function paymentProvider(name: string): PaymentProvider | null {
  if (name === manual.name) return manual;
  if (name === test.name) return process.env.PAYMENT_TEST_PROVIDER !== "off" ? test : null;
  return registered.get(name) ?? null;
}
