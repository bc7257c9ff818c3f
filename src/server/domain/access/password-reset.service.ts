import { createHash, randomBytes } from "node:crypto";
import { hashPassword } from "@/server/auth/password";
import { transaction } from "@/server/db/unit-of-work";
import { auditService } from "@/server/domain/audit/audit.service";
import { appUrl, communicationService } from "@/server/domain/communication/communication.service";
import { memberService } from "@/server/domain/member/member.service";
import { normalizeEmail } from "@/server/domain/shared/contact.rules";
import { fieldError } from "@/server/domain/shared/input.errors";
import { PASSWORD_MAX_LENGTH, passwordWeakness } from "@/server/domain/shared/password.rules";
import { distributorViewer } from "@/server/domain/shared/viewer";
import { AccessInputCode } from "./access.errors";
import { accessRepository as repo } from "./access.repository";
import { sessionService } from "./session.service";

/** How long a reset link works. */
export const RESET_MINUTES = 60;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const tokenHash = (token: string) => sha256(token.trim().slice(0, 200));

const linkBroken = () =>
  fieldError("token", AccessInputCode.INVALID, "This link does not work any more (it was used, or it is older than an hour). Ask for a new one.");

/**
 * "Forgot your password?": a link by e-mail (to the outbox until SMTP is added), valid
 * once, for an hour. The request answers the same whether or not the address is known.
 * A reset signs out every session of the member and tells them by mail.
 */
export const passwordResetService = {
  /** Sends a link when the address belongs to an active member; says nothing either way. */
  async request(rawEmail: string, ip: string | null): Promise<void> {
    const email = normalizeEmail(rawEmail).slice(0, 320);
    const found = email.includes("@") ? await memberService.credentials(email) : null;
    if (!found || found.status !== "ACTIVE") return;
    const token = randomBytes(32).toString("base64url");
    const link = appUrl(`/reset-password?token=${token}`);
    await transaction(async () => {
      await repo.insertReset(found.id, sha256(token), RESET_MINUTES, ip?.slice(0, 64) ?? null);
      await communicationService.send({
        memberId: found.id,
        to: email,
        kind: "password_reset",
        subject: "Reset your password",
        body:
          `Someone (we hope you) asked to reset the password of your account.\n\n` +
          `Choose a new password here (the link works once, for ${RESET_MINUTES} minutes):\n${link}\n\n` +
          `If it was not you, ignore this mail: your password stays as it is.` +
          (ip ? `\n\nAsked from the address ${ip}.` : ""),
      });
    });
  },

  /** Whether the link in a mail still works. */
  isOpen(token: string): Promise<boolean> {
    return repo.resetIsOpen(tokenHash(token));
  },

  /** Sets the new password from a link: every session ends, the member is told. Returns their e-mail. */
  async reset(token: string, password: string, ip: string | null): Promise<string> {
    if (!token?.trim()) throw linkBroken();
    if (!password) throw fieldError("password", AccessInputCode.REQUIRED, "Choose a new password.");
    if (password.length > PASSWORD_MAX_LENGTH) throw fieldError("password", AccessInputCode.TOO_LONG, `Password is at most ${PASSWORD_MAX_LENGTH} characters.`);
    const hash = tokenHash(token);
    if (!(await repo.resetIsOpen(hash))) throw linkBroken();
    // Only the hash waits on argon2; the link is used inside the transaction below.
    const passwordHash = await hashPassword(password);
    return transaction(async () => {
      const memberId = await repo.useReset(hash);
      const member = memberId == null ? null : await memberService.findById(memberId);
      if (!member || member.status !== "ACTIVE") throw linkBroken();
      const weakness = passwordWeakness(password, member.email);
      if (weakness) throw fieldError("password", AccessInputCode.WEAK_PASSWORD, weakness);
      await memberService.setPasswordHash(member.id, passwordHash);
      await repo.closeResets(member.id);
      const ended = await sessionService.revokeAllOf(member.id);
      await auditService.record({ ...distributorViewer(member.id), ip }, { action: "member.password_reset", targetType: "member", targetId: member.id, after: { sessionsEnded: ended } });
      await communicationService.send({
        memberId: member.id,
        to: member.email,
        kind: "password_changed",
        subject: "Your password was changed",
        body:
          `The password of your account was just changed with a reset link, and every device was signed out.\n\n` +
          `If this was not you, reset it again at ${appUrl("/forgot-password")} and tell support.`,
      });
      return member.email;
    });
  },
};
