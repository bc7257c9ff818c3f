import { transaction } from "@/server/db/unit-of-work";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { accessService } from "@/server/domain/access/access.service";
import { auditService } from "@/server/domain/audit/audit.service";
import { forbidden, listScopes, notFound } from "@/server/domain/shared/access";
import { InputError } from "@/server/domain/shared/input.errors";
import { normalizeLabels } from "@/server/domain/shared/labels";
import { pageSize } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { memberRepository } from "./member.repository";
import { diffProfile, normalizeProfilePatch, validateProfilePatch, type ProfilePatch } from "./member.rules";
import type { MemberListFilter, MemberRecord } from "./member.types";

/** Profiles: reading members, changing their details with a history. (Sign-up is genealogy's enrolment.) */
export const memberService = {
  /** The member's profile and its history, for their data download. */
  personalData(memberId: number): Promise<Record<string, string>> {
    return memberRepository.personalData(memberId);
  },

  /** Erasure (inside the caller's transaction): the row stays, anonymised, and can no longer sign in. False when it was erased already. */
  erase(memberId: number, unusableHash: string): Promise<boolean> {
    return memberRepository.erase(memberId, `erased-${memberId}@erased.invalid`, unusableHash);
  },

  findById(id: number): Promise<MemberRecord | null> {
    return memberRepository.findById(id);
  },

  findManyByIds(ids: readonly number[]): Promise<MemberRecord[]> {
    return memberRepository.findManyByIds(ids);
  },

  /** What a login is checked against (e-mail already normalized). */
  credentials(email: string) {
    return memberRepository.findCredentials(email);
  },

  /** A new password (already hashed): reset by e-mail link. */
  async setPasswordHash(memberId: number, passwordHash: string): Promise<void> {
    await memberRepository.update(memberId, { passwordHash });
  },

  /** The member by id, as a read to run with others in one round trip. */
  findByIdRead(id: number) {
    return memberRepository.findByIdRead(id);
  },

  /** A member the viewer may see, with how much of it they may see. */
  async get(viewer: Viewer, id: number) {
    const member = await memberRepository.findById(id);
    if (!member) throw notFound("Member");
    const visibility = await genealogyService.visibility(viewer, member);
    if (visibility === "NONE") throw forbidden("this member");
    return { member, visibility };
  },

  /** Changes profile fields of `memberId` (oneself, or anyone for an admin), recording each change. */
  async updateProfile(viewer: Viewer, memberId: number, rawPatch: ProfilePatch): Promise<MemberRecord> {
    await accessService.requireSelfOr(viewer, memberId, "members.write", "this profile");
    const current = await memberRepository.findById(memberId);
    if (!current) throw notFound("Member");
    const patch = normalizeProfilePatch(rawPatch);
    const errors = validateProfilePatch(patch, new Date().toISOString().slice(0, 10));
    if (errors.length > 0) throw new InputError(errors);
    const changes = diffProfile(
      {
        firstName: current.firstName, lastName: current.lastName, country: current.country, phone: current.phone, preferredLeg: current.preferredLeg,
        birthDate: current.birthDate?.toISOString().slice(0, 10) ?? "",
      },
      patch,
    );
    if (changes.length === 0) return current;
    return transaction(async () => {
      const updated = await memberRepository.update(memberId, Object.fromEntries(changes.map((c) =>
        [c.field, c.field !== "birthDate" ? c.newValue : c.newValue ? new Date(`${c.newValue}T00:00:00Z`) : null])));
      await memberRepository.addProfileChanges(memberId, viewer.id, changes);
      if (viewer.id !== memberId) {
        await auditService.record(viewer, {
          action: "member.update", targetType: "member", targetId: memberId,
          before: Object.fromEntries(changes.map((c) => [c.field, c.oldValue])), after: Object.fromEntries(changes.map((c) => [c.field, c.newValue])),
        });
      }
      return updated;
    });
  },

  /** Replaces a member's tags (members.write covering the member), audited. */
  async setTags(viewer: Viewer, memberId: number, raw: readonly string[]): Promise<MemberRecord> {
    await accessService.requireFor(viewer, memberId, "members.write", "this member's tags");
    const current = await memberRepository.findById(memberId);
    if (!current) throw notFound("Member");
    const { labels, errors } = normalizeLabels(raw, "tags");
    if (errors.length > 0) throw new InputError(errors);
    if (labels.join(",") === current.tags.join(",")) return current;
    return transaction(async () => {
      const updated = await memberRepository.update(memberId, { tags: labels });
      await auditService.record(viewer, { action: "member.tags", targetType: "member", targetId: memberId, before: { tags: current.tags }, after: { tags: labels } });
      return updated;
    });
  },

  async profileHistory(viewer: Viewer, memberId: number, limit = 100) {
    await accessService.requireSelfOr(viewer, memberId, "members.personal", "this profile's history");
    if (!(await memberRepository.findById(memberId))) throw notFound("Member");
    return memberRepository.profileChanges(memberId, pageSize(limit, 100, 500));
  },

  list(viewer: Viewer, filter: MemberListFilter, search: string | null, first: number, afterId: number | null) {
    const scopes = listScopes(viewer, "members.read");
    if (scopes !== "ALL" && scopes.length === 0) throw forbidden("the member list");
    return memberRepository.list(filter, search, pageSize(first), afterId, scopes);
  },
};
