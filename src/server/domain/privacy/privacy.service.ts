import { transaction } from "@/server/db/unit-of-work";
import { accessService } from "@/server/domain/access/access.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { communicationService } from "@/server/domain/communication/communication.service";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { customerService } from "@/server/domain/customer/customer.service";
import { ledgerService } from "@/server/domain/ledger/ledger.service";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";
import { memberService } from "@/server/domain/member/member.service";
import { notificationService } from "@/server/domain/notification/notification.service";
import { orderService } from "@/server/domain/order/order.service";
import { notFound } from "@/server/domain/shared/access";
import { fieldError } from "@/server/domain/shared/input.errors";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { walletService } from "@/server/domain/wallet/wallet.service";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import { PrivacyInputCode } from "./privacy.errors";
import type { ErasureResult } from "./privacy.types";

/** The format a data download declares, so other systems can read it. */
export const EXPORT_FORMAT = "mlm-backoffice/personal-data";
export const EXPORT_VERSION = 1;

/** Each domain's part of a member's data, in the order of the file. */
const SECTIONS: readonly ((memberId: number) => Promise<Record<string, string>>)[] = [
  (id) => memberService.personalData(id),
  (id) => accessService.personalData(id),
  (id) => orderService.personalData(id),
  (id) => customerService.personalData(id),
  (id) => volumeService.personalData(id),
  (id) => ledgerService.personalData(id),
  (id) => walletService.personalData(id),
  (id) => compensationService.personalData(id),
  (id) => loyaltyService.personalData(id),
  (id) => notificationService.personalData(id),
  (id) => communicationService.personalData(id),
  (id) => auditService.personalData(id),
];

/**
 * A member's personal data: everything the company holds about them as one JSON file
 * (their right of access and to portability), and erasure on request (their right to
 * be forgotten), which keeps what the law and the other members need: the ledger, the
 * orders' amounts and the volumes, under an anonymous member.
 */
export const privacyService = {
  /**
   * The member's data as JSON, in chunks (section by section): for the member themselves,
   * or for support answering a request (members.personal covering them; audited).
   */
  async *exportData(viewer: Viewer, memberId: number): AsyncGenerator<string> {
    await accessService.requireSelfOr(viewer, memberId, "members.personal", "this member's data");
    const member = await memberService.findById(memberId);
    if (!member) throw notFound("The member");
    if (viewer.id !== memberId || viewer.apiKeyId != null) {
      await auditService.record(viewer, { action: "member.data_export", targetType: "member", targetId: memberId });
    }
    yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"memberId":${memberId},"exportedAt":${JSON.stringify(new Date().toISOString())}`;
    for (const section of SECTIONS) {
      for (const [name, json] of Object.entries(await section(memberId))) yield `,\n${JSON.stringify(name)}:${json}`;
    }
    yield "}\n";
  },

  /**
   * Erases a member's personal data (members.erase covering them; never one's own):
   * name, contact, password and sign-in secrets, addresses, bank details, mails and
   * notifications go, the names in stored webhook deliveries and the values in audit
   * lines about them are blanked. Their id stays
   * in the trees, the ledger, orders, volumes and commissions, so every total still adds up.
   * Refused while they hold back-office roles or a withdrawal is on its way.
   */
  async erase(viewer: Viewer, memberId: number, reason: string): Promise<ErasureResult> {
    await accessService.requireFor(viewer, memberId, "members.erase", "erasing this member");
    if (viewer.id === memberId) throw fieldError("memberId", PrivacyInputCode.NOT_YOURSELF, "Someone else must erase your data.");
    const why = reason?.trim() ?? "";
    if (why.length < 5) throw fieldError("reason", PrivacyInputCode.REQUIRED, "Say why (for example: the member's request of 3 March, ticket 1234).");
    if (why.length > 500) throw fieldError("reason", PrivacyInputCode.TOO_LONG, "At most 500 characters.");
    const member = await memberService.findById(memberId);
    if (!member) throw notFound("The member");
    if (member.status === "ERASED") throw fieldError("memberId", PrivacyInputCode.ALREADY_ERASED, "This member's data was erased already.");
    if ((await accessService.grants(memberId)).length > 0) {
      throw fieldError("memberId", PrivacyInputCode.HOLDS_ROLES, "This member holds back-office roles; revoke them first.");
    }
    if ((await walletService.openWithdrawals(memberId)) > 0) {
      throw fieldError("memberId", PrivacyInputCode.MONEY_IN_FLIGHT, "A withdrawal of this member is still on its way; pay or reject it first.");
    }
    return transaction(async () => {
      // Two erasures at once: the second finds the row erased and writes nothing.
      if (!(await memberService.erase(memberId, "!erased"))) throw fieldError("memberId", PrivacyInputCode.ALREADY_ERASED, "This member's data was erased already.");
      const ordersAnonymised = await orderService.eraseAddresses(memberId);
      await walletService.erasePayoutDetails(memberId);
      await accessService.forgetAccess(memberId);
      const mailsDeleted = await communicationService.forget(memberId);
      await notificationService.forget(memberId);
      await webhookService.forgetMember(memberId);
      const auditLinesRedacted = await auditService.redactAbout(memberId);
      const result = { memberId, erasedAt: new Date(), ordersAnonymised, auditLinesRedacted, mailsDeleted };
      await auditService.record(viewer, { action: "member.erase", targetType: "member", targetId: memberId, after: { reason: why, ordersAnonymised, auditLinesRedacted, mailsDeleted } });
      return result;
    });
  },
};
