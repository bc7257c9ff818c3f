import { createHash, randomBytes } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import { transaction } from "@/server/db/unit-of-work";
import { auditService } from "@/server/domain/audit/audit.service";
import { requireMember } from "@/server/domain/shared/access";
import { fieldError } from "@/server/domain/shared/input.errors";
import type { Viewer } from "@/server/domain/shared/viewer";
import { AccessInputCode } from "./access.errors";
import { accessRepository as repo } from "./access.repository";

const ISSUER = process.env.TOTP_ISSUER ?? "MLM Back Office";
const STEP_SECONDS = 30;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const normalizeRecovery = (code: string) => code.trim().toLowerCase().replace(/[^a-z0-9]/g, "");

/** The time step of a valid code (within one step either side), or null. */
async function stepOf(secret: string, code: string): Promise<number | null> {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const result = await verify({ secret, token, epochTolerance: STEP_SECONDS });
  if (!result.valid) return null;
  const r = result as { timeStep: number; delta?: number };
  return r.timeStep + (r.delta ?? 0);
}

export type SecondFactor = "OK" | "MISSING" | "WRONG";

/**
 * Two-factor sign-in with an authenticator app (TOTP) and one-time recovery codes.
 * Optional for members; required for back-office roles where the company says so
 * (REQUIRE_STAFF_2FA, on in production).
 */
export const twoFactorService = {
  async status(memberId: number): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
    const tf = await repo.twoFactor(memberId);
    return { enabled: !!tf?.enabledAt, recoveryCodesLeft: tf?.enabledAt ? await repo.recoveryCodesLeft(memberId) : 0 };
  },

  /** A new secret to add to an authenticator app (not in force until confirmed with a code). */
  async begin(viewer: Viewer, label: string): Promise<{ secret: string; uri: string }> {
    requireMember(viewer, "two-factor sign-in (it belongs to a person)");
    if ((await repo.twoFactor(viewer.id))?.enabledAt) throw fieldError("code", AccessInputCode.INVALID, "Two-factor sign-in is on already; turn it off first to change the app.");
    const secret = generateSecret();
    await repo.savePendingTwoFactor(viewer.id, secret);
    return { secret, uri: generateURI({ issuer: ISSUER, label, secret }) };
  },

  /** Turns it on with a first code from the app; returns ten recovery codes, shown once. */
  async confirm(viewer: Viewer, code: string): Promise<string[]> {
    requireMember(viewer, "two-factor sign-in");
    const tf = await repo.twoFactor(viewer.id);
    if (!tf || tf.enabledAt) throw fieldError("code", AccessInputCode.INVALID, "Start again: add the app first.");
    const step = await stepOf(tf.secret, code);
    if (step == null) throw fieldError("code", AccessInputCode.INVALID, "That code is not right; use the one the app shows now.");
    const codes = Array.from({ length: 10 }, () => {
      const raw = randomBytes(5).toString("hex");
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    await transaction(async () => {
      await repo.enableTwoFactor(viewer.id, step, codes.map((c) => sha256(normalizeRecovery(c))));
      await auditService.record(viewer, { action: "2fa.enable", targetType: "member", targetId: viewer.id });
    });
    return codes;
  },

  /** Turns it off (a current code or a recovery code proves it is the member). */
  async disable(viewer: Viewer, code: string): Promise<void> {
    requireMember(viewer, "two-factor sign-in");
    if ((await twoFactorService.check(viewer.id, code)) !== "OK") throw fieldError("code", AccessInputCode.INVALID, "That code is not right.");
    await transaction(async () => {
      await repo.deleteTwoFactor(viewer.id);
      await auditService.record(viewer, { action: "2fa.disable", targetType: "member", targetId: viewer.id });
    });
  },

  /** At sign-in: OK (not turned on, or a right code, used once), MISSING or WRONG. */
  async check(memberId: number, code: string | null | undefined): Promise<SecondFactor> {
    const tf = await repo.twoFactor(memberId);
    if (!tf?.enabledAt) return "OK";
    if (!code?.trim()) return "MISSING";
    const step = await stepOf(tf.secret, code);
    if (step != null) return (await repo.useStep(memberId, step)) ? "OK" : "WRONG";
    const recovery = normalizeRecovery(code);
    return recovery.length === 10 && (await repo.useRecoveryCode(memberId, sha256(recovery))) ? "OK" : "WRONG";
  },
};
