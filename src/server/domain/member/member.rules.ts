import { checkCountry, checkName, checkPhone, normalizeCountry, normalizePhone } from "@/server/domain/shared/contact.rules";
import type { FieldError } from "@/server/domain/shared/input.errors";
import type { MemberErrorCode } from "./member.errors";

export interface ProfilePatch {
  firstName?: string | null;
  lastName?: string | null;
  country?: string | null;
  phone?: string | null;
  preferredLeg?: "LEFT" | "RIGHT" | null;
}

/** Normalizes a profile patch, dropping fields that were not sent. */
export function normalizeProfilePatch(patch: ProfilePatch): ProfilePatch {
  const out: ProfilePatch = {};
  if (patch.firstName != null) out.firstName = patch.firstName.trim();
  if (patch.lastName != null) out.lastName = patch.lastName.trim();
  if (patch.country != null) out.country = normalizeCountry(patch.country);
  if (patch.phone != null) out.phone = normalizePhone(patch.phone);
  if (patch.preferredLeg != null) out.preferredLeg = patch.preferredLeg;
  return out;
}

export function validateProfilePatch(patch: ProfilePatch): FieldError<MemberErrorCode>[] {
  const out: FieldError<MemberErrorCode>[] = [];
  if (patch.firstName !== undefined) checkName("firstName", patch.firstName ?? "", "First name", out);
  if (patch.lastName !== undefined) checkName("lastName", patch.lastName ?? "", "Last name", out);
  if (patch.country !== undefined) checkCountry(patch.country ?? "", out);
  if (patch.phone !== undefined) checkPhone(patch.phone ?? "", out);
  return out;
}

/** The fields whose value actually changes, with old and new values as text. */
export function diffProfile(
  current: Record<keyof ProfilePatch, string>,
  patch: ProfilePatch,
): { field: keyof ProfilePatch; oldValue: string; newValue: string }[] {
  return (Object.keys(patch) as (keyof ProfilePatch)[])
    .filter((field) => patch[field] != null && patch[field] !== current[field])
    .map((field) => ({ field, oldValue: current[field], newValue: String(patch[field]) }));
}
