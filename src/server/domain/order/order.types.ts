import type { ListScope } from "@/server/domain/shared/access";
import type { OrderStatusName, ShippingAddress } from "./order.rules";

export interface OrderLineRecord {
  id: number;
  productId: number;
  sku: string;
  name: string;
  quantity: number;
  refundedQuantity: number;
  unitPrice: string;
  unitPv: string;
  unitBv: string;
}

export interface PaymentRecord {
  id: number;
  kind: "CHARGE" | "REFUND";
  provider: string;
  reference: string;
  amount: string;
  currency: string;
  createdAt: Date;
}

/** An order as the domain hands it out: decimals as strings. */
export interface OrderRecord {
  id: number;
  memberId: number;
  customerId: number | null;
  placedById: number;
  status: OrderStatusName;
  currency: string;
  subtotal: string;
  tax: string;
  total: string;
  refundedTotal: string;
  /** Points paid part of the total at checkout (type, count, money they paid); what refunds gave back. */
  pointsType: string | null;
  pointsRedeemed: number;
  pointsValue: string;
  pointsReturned: number;
  pointsValueReturned: string;
  /** What the payment provider is charged: the total less what points paid. */
  amountDue: string;
  pv: string;
  bv: string;
  shippingAddress: ShippingAddress;
  warehouseId: number;
  periodId: number | null;
  placedAt: Date;
  paidAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
  lines: OrderLineRecord[];
  payments: PaymentRecord[];
}

export interface OrderFilter {
  status?: OrderStatusName | null;
  memberId?: number | null;
  customerId?: number | null;
  placedFrom?: Date | null;
  placedBefore?: Date | null;
  currency?: string | null;
  /** Set by the service from the viewer's limited grants: only orders of members these cover. */
  scopes?: readonly ListScope[] | null;
}

/** A charge or refund in flight or settled; `plan` says what a refund gives back. */
export interface PaymentAttemptRecord {
  id: number;
  orderId: number;
  kind: "CHARGE" | "REFUND";
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  provider: string;
  amount: string;
  currency: string;
  idempotencyKey: string;
  sequence: number;
  plan: StoredRefundPlan | null;
  leaseUntil: Date | null;
}

/** A refund as claimed: what it gives back when it settles (hundredths), and whether it cancels the order. */
export interface StoredRefundPlan {
  action: "REFUND" | "CANCEL";
  lines: { id: number; quantity: number }[];
  /** Money back through the provider. */
  amount: number;
  /** What the refund is worth of the order's total (money and points); absent in plans stored before points paid at checkout: `amount`. */
  value?: number;
  /** Points given back, and the part of `value` they stand for. */
  points?: number;
  pointsValue?: number;
  pv: number;
  bv: number;
  complete: boolean;
}
