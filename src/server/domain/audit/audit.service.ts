import { requirePermission } from "@/server/domain/shared/access";
import { CommonErrorCode, fieldError } from "@/server/domain/shared/input.errors";
import { pageSize, toPage, type Page } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { auditRepository } from "./audit.repository";
import type { AuditEntry, AuditFilter, AuditRecord } from "./audit.types";

const CSV_COLUMNS = ["id", "at", "actorId", "actorName", "apiKeyId", "action", "targetType", "targetId", "before", "after", "ip"] as const;

/**
 * The append-only record of permission changes and of admin actions on members and
 * money. Services call `record` inside the transaction of the action, so a line exists
 * exactly when the action happened.
 */
export const auditService = {
  /** The audit lines about the member and by them, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return auditRepository.personalData(memberId);
  },

  /** Erasure (inside the caller's transaction): values about the member are blanked; who did what, when, stays. */
  redactAbout(memberId: number): Promise<number> {
    return auditRepository.redactAbout(memberId);
  },

  async record(viewer: Viewer | null, ...entries: AuditEntry[]): Promise<void> {
    await auditRepository.insert(entries.map((e) => ({
      actorId: viewer && viewer.id > 0 ? viewer.id : null,
      apiKeyId: viewer?.apiKeyId ?? null,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId == null ? null : String(e.targetId),
      before: e.before ?? null,
      after: e.after ?? null,
      ip: viewer?.ip ?? null,
    })));
  },

  async search(viewer: Viewer, filter: AuditFilter, first: number | null, beforeId: string | null): Promise<Page<AuditRecord>> {
    requirePermission(viewer, "audit.read", "the audit log");
    if (beforeId != null && !/^\d{1,18}$/.test(beforeId)) throw fieldError("after", CommonErrorCode.INVALID, "Not a cursor of the audit log.");
    const limit = pageSize(first, 50, 200);
    const { rows, totalCount } = await auditRepository.search(filter, limit, beforeId);
    return toPage(rows, limit, totalCount);
  },

  /** The matching lines as CSV, streamed in chunks (formulae neutralised, as the order export does). */
  async *csv(viewer: Viewer, filter: AuditFilter): AsyncGenerator<string> {
    requirePermission(viewer, "audit.read", "the audit log");
    const { default: Papa } = await import("papaparse");
    yield `${CSV_COLUMNS.join(",")}\r\n`;
    for await (const rows of auditRepository.each(filter)) {
      const flat = rows.map((r) => ({ ...r, at: r.at.toISOString(), before: r.before == null ? "" : JSON.stringify(r.before), after: r.after == null ? "" : JSON.stringify(r.after) }));
      yield `${Papa.unparse(flat, { header: false, columns: [...CSV_COLUMNS], newline: "\r\n", escapeFormulae: true })}\r\n`;
    }
  },
};
