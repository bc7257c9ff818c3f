/** What an erasure did. */
export interface ErasureResult {
  memberId: number;
  erasedAt: Date;
  ordersAnonymised: number;
  auditLinesRedacted: number;
  mailsDeleted: number;
}
