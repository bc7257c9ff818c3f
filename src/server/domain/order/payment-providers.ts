/**
 * How money moves. A real gateway implements the same two calls; its references make
 * each charge and refund unique (payment has a unique (provider, reference)).
 */
export interface PaymentProvider {
  readonly name: string;
  /** Who may use it: "ADMIN" (records money received), or "BUYER" as well. */
  readonly usableBy: "ADMIN" | "BUYER";
  charge(order: { id: number; total: string; currency: string }): Promise<{ reference: string }>;
  refund(order: { id: number; currency: string }, amount: string, sequence: number): Promise<{ reference: string }>;
}

/** An admin records a payment that arrived outside the system (bank transfer, cash). */
const manual: PaymentProvider = {
  name: "manual",
  usableBy: "ADMIN",
  async charge(order) {
    return { reference: `order-${order.id}-charge` };
  },
  async refund(order, _amount, sequence) {
    return { reference: `order-${order.id}-refund-${sequence}` };
  },
};

/** Approves at once: demos, tests and sandboxes. Off when PAYMENT_TEST_PROVIDER=off. */
const test: PaymentProvider = {
  name: "test",
  usableBy: "BUYER",
  async charge(order) {
    return { reference: `test-${order.id}-charge` };
  },
  async refund(order, _amount, sequence) {
    return { reference: `test-${order.id}-refund-${sequence}` };
  },
};

export function paymentProvider(name: string): PaymentProvider | null {
  if (name === manual.name) return manual;
  if (name === test.name && process.env.PAYMENT_TEST_PROVIDER !== "off") return test;
  return null;
}
