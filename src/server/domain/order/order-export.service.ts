import { requirePermission } from "@/server/domain/shared/access";
import type { Viewer } from "@/server/domain/shared/viewer";
import { orderRepository } from "./order.repository";
import type { OrderFilter } from "./order.types";

/** The columns of the orders export, in order. */
export const ORDER_EXPORT_COLUMNS = [
  "id", "placedAt", "status", "memberId", "member", "memberEmail", "customer", "currency", "subtotal", "tax", "total",
  "refunded", "pv", "bv", "items", "shipCountry", "paidAt", "shippedAt", "deliveredAt", "cancelledAt",
] as const;

export const orderExportService = {
  /** All orders matching the filter as CSV chunks (orders.read and members.personal, company-wide): header first, then a chunk per page of 1,000. */
  async *csv(viewer: Viewer, filter: OrderFilter): AsyncGenerator<string> {
    requirePermission(viewer, "orders.read", "order exports");
    requirePermission(viewer, "members.personal", "order exports (they hold e-mail addresses)");
    const { default: Papa } = await import("papaparse");
    // The header even when nothing matches, so an empty export still opens with its columns.
    yield `${ORDER_EXPORT_COLUMNS.join(",")}\r\n`;
    for await (const rows of orderRepository.exportRows(filter)) {
      yield `${Papa.unparse(rows, { header: false, columns: [...ORDER_EXPORT_COLUMNS], newline: "\r\n", escapeFormulae: true })}\r\n`;
    }
  },
};
