/** One line of the audit log. */
export interface AuditRecord {
  id: string;
  at: Date;
  actorId: number | null;
  actorName: string | null;
  apiKeyId: number | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

/** What an audited action says about itself; the actor and IP come from the viewer. */
export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  actorId?: number | null;
  action?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  from?: Date | null;
  until?: Date | null;
  /** Words matched against the action, target and the before/after documents. */
  search?: string | null;
}
