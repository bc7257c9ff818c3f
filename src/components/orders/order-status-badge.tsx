import { Badge } from "@tremor/react";

const COLORS: Record<string, "gray" | "amber" | "blue" | "indigo" | "emerald" | "red" | "rose"> = {
  PENDING: "amber", PAID: "blue", SHIPPED: "indigo", DELIVERED: "emerald", CANCELLED: "gray", REFUNDED: "rose",
};

export function OrderStatusBadge({ status }: { status: string }) {
  return <Badge color={COLORS[status] ?? "gray"} size="xs">{status.toLowerCase()}</Badge>;
}
