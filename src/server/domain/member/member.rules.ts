import { checkCountry, checkName, checkPhone, normalizeCountry, normalizePhone } from "@/server/domain/shared/contact.rules";
import type { FieldError } from "@/server/domain/shared/input.errors";
import type { MemberErrorCode } from "./member.errors";

export interface ProfilePatch {
  firstName?: string | null;
  lastName?: string | null;
  country?: string | null;
  phone?: string | null;
  preferredLeg?: "LEFT" | "RIGHT" | null;
  /** "YYYY-MM-DD"; "" takes it away. */
  birthDate?: string | null;
}

/** Members are at least this old. */
export const MIN_AGE_YEARS = 16;

/** Normalizes a profile patch, dropping fields that were not sent. */
export function normalizeProfilePatch(patch: ProfilePatch): ProfilePatch {
  const out: ProfilePatch = {};
  if (patch.firstName != null) out.firstName = patch.firstName.trim();
  if (patch.lastName != null) out.lastName = patch.lastName.trim();
  if (patch.country != null) out.country = normalizeCountry(patch.country);
  if (patch.phone != null) out.phone = normalizePhone(patch.phone);
  if (patch.preferredLeg != null) out.preferredLeg = patch.preferredLeg;
  if (patch.birthDate != null) out.birthDate = patch.birthDate.trim();
  return out;
}

/** Why a birth date (YYYY-MM-DD) is not one, on `today` (YYYY-MM-DD), or null. */
export function birthDateProblem(value: string, today: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(`${value}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) return "A date, as YYYY-MM-DD.";
  if (value < "1900-01-01") return "A date after 1900.";
  const latest = `${Number(today.slice(0, 4)) - MIN_AGE_YEARS}${today.slice(4)}`;
  if (value > latest) return `Members are at least ${MIN_AGE_YEARS} years old.`;
  return null;
}

/** Checks a normalized patch; `today` (YYYY-MM-DD) bounds the birth date. */
export function validateProfilePatch(patch: ProfilePatch, today: string): FieldError<MemberErrorCode>[] {
  const out: FieldError<MemberErrorCode>[] = [];
  if (patch.birthDate) {
    const problem = birthDateProblem(patch.birthDate, today);
    if (problem) out.push({ field: "birthDate", code: "INVALID", message: problem });
  }
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
