import { randomBytes } from "node:crypto";
import { hashPassword, verifyPassword } from "@/server/auth/password";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import type { NewMemberRow } from "@/server/domain/genealogy/genealogy.repository";
import { forbidden, notFound } from "@/server/domain/shared/access.errors";
import { publish } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { MemberErrorCode, MemberInputError } from "./member.errors";
import { memberRepository, type MemberListFilter } from "./member.repository";
import {
  diffProfile, normalizeEmail, normalizeProfilePatch, normalizeRegistration, referralCodeFromBytes,
  validateProfilePatch, validateRegistration, type ProfilePatch, type RegistrationInput,
} from "./member.rules";
import type { MemberRecord, Viewer } from "./member.types";

function isUniqueViolation(err: unknown, field: string): boolean {
  const e = err as { code?: string; message?: string; meta?: { target?: unknown } };
  return (e?.code === "P2002" || /unique/i.test(e?.message ?? "")) && JSON.stringify(e).includes(field);
}

async function newReferralCode(): Promise<string> {
  for (;;) {
    const code = referralCodeFromBytes(randomBytes(8));
    if (!(await memberRepository.referralCodeExists(code))) return code;
  }
}

export const memberService = {
  /**
   * Signs up a distributor under the sponsor with `sponsorCode`: validates, places in
   * the genealogy, then announces the new member to the sponsor's upline.
   * Throws MemberInputError with field errors for bad input.
   */
  async register(raw: RegistrationInput): Promise<MemberRecord> {
    const input = normalizeRegistration(raw);
    const errors = validateRegistration(input);
    const sponsor = errors.some((e) => e.field === "sponsorCode") ? null : await memberRepository.findByReferralCode(input.sponsorCode);
    if (!errors.some((e) => e.field === "sponsorCode")) {
      if (!sponsor || sponsor.placementPath.length === 0) {
        errors.push({ field: "sponsorCode", code: MemberErrorCode.SPONSOR_NOT_FOUND, message: "No member has this referral code." });
      } else if (sponsor.status !== "ACTIVE") {
        errors.push({ field: "sponsorCode", code: MemberErrorCode.SPONSOR_INACTIVE, message: "This sponsor cannot recruit at the moment." });
      }
    }
    if (!errors.some((e) => e.field === "email") && (await memberRepository.emailExists(input.email))) {
      errors.push({ field: "email", code: MemberErrorCode.EMAIL_TAKEN, message: "This e-mail address is already registered." });
    }
    if (errors.length > 0) throw new MemberInputError(errors);

    const row: NewMemberRow = {
      email: input.email,
      passwordHash: await hashPassword(input.password),
      firstName: input.firstName,
      lastName: input.lastName,
      country: input.country,
      phone: input.phone,
      referralCode: await newReferralCode(),
      role: "DISTRIBUTOR",
    };
    let member: MemberRecord;
    try {
      member = await genealogyService.place(row, sponsor!);
    } catch (err) {
      // Two sign-ups with one e-mail at once: the unique index decides.
      if (isUniqueViolation(err, "email")) {
        throw new MemberInputError([{ field: "email", code: MemberErrorCode.EMAIL_TAKEN, message: "This e-mail address is already registered." }]);
      }
      throw err;
    }
    const { email: _email, phone: _phone, ...publicFields } = member;
    publish(Topic.TeamChanged, { kind: "JOINED", member: { ...publicFields, joinedAt: member.joinedAt.toISOString() } });
    return member;
  },

  /** The member for a login, or null (same answer for unknown e-mail and wrong password). */
  async authenticate(email: string, password: string): Promise<Viewer | null> {
    const found = await memberRepository.findCredentials(normalizeEmail(email));
    if (!found) {
      await hashPassword(password); // same work either way: no user enumeration by timing
      return null;
    }
    if (!(await verifyPassword(found.passwordHash, password)) || found.status !== "ACTIVE") return null;
    return { id: found.id, role: found.role };
  },

  /** The viewer as the database knows them now (role or status may have changed since login). */
  async currentViewer(id: number): Promise<Viewer | null> {
    const m = await memberRepository.findById(id);
    return m && m.status === "ACTIVE" ? { id: m.id, role: m.role } : null;
  },

  /** The name shown on a referral link's join page (public: first and last name only). */
  async sponsorPreview(code: string): Promise<{ firstName: string; lastName: string } | null> {
    const sponsor = await memberRepository.findByReferralCode(code);
    return sponsor && sponsor.status === "ACTIVE" && sponsor.placementPath.length > 0
      ? { firstName: sponsor.firstName, lastName: sponsor.lastName }
      : null;
  },

  findById(id: number): Promise<MemberRecord | null> {
    return memberRepository.findById(id);
  },

  findManyByIds(ids: readonly number[]): Promise<MemberRecord[]> {
    return memberRepository.findManyByIds(ids);
  },

  /** A member the viewer may see, with how much of it they may see. */
  async get(viewer: Viewer, id: number) {
    const member = await memberRepository.findById(id);
    if (!member) throw notFound("Member");
    const visibility = await genealogyService.visibility(viewer, member);
    if (visibility === "NONE") throw forbidden("this member");
    return { member, visibility };
  },

  /** Changes profile fields of `memberId` (oneself, or anyone for an admin), recording history. */
  async updateProfile(viewer: Viewer, memberId: number, rawPatch: ProfilePatch): Promise<MemberRecord> {
    if (viewer.role !== "ADMIN" && viewer.id !== memberId) throw forbidden("this profile");
    const current = await memberRepository.findById(memberId);
    if (!current) throw notFound("Member");
    const patch = normalizeProfilePatch(rawPatch);
    const errors = validateProfilePatch(patch);
    if (errors.length > 0) throw new MemberInputError(errors);
    const changes = diffProfile(
      { firstName: current.firstName, lastName: current.lastName, country: current.country, phone: current.phone, preferredLeg: current.preferredLeg },
      patch,
    );
    if (changes.length === 0) return current;
    return memberRepository.updateWithHistory(memberId, viewer.id, changes, Object.fromEntries(changes.map((c) => [c.field, c.newValue])));
  },

  async profileHistory(viewer: Viewer, memberId: number, limit = 100) {
    if (viewer.role !== "ADMIN" && viewer.id !== memberId) throw forbidden("this profile's history");
    if (!(await memberRepository.findById(memberId))) throw notFound("Member");
    return memberRepository.profileChanges(memberId, Math.min(Math.max(limit, 1), 500));
  },

  async list(viewer: Viewer, filter: MemberListFilter, search: string | null, first: number, afterId: number | null) {
    if (viewer.role !== "ADMIN") throw forbidden("the member list");
    return memberRepository.list(filter, search, Math.min(Math.max(first, 1), 200), afterId);
  },
};
