import { isCountryCode } from "@/lib/countries";
import { type FieldError, MemberErrorCode } from "./member.errors";

export interface RegistrationInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  country: string;
  phone: string;
  sponsorCode: string;
}

export interface ProfilePatch {
  firstName?: string | null;
  lastName?: string | null;
  country?: string | null;
  phone?: string | null;
  preferredLeg?: "LEFT" | "RIGHT" | null;
}

export const PASSWORD_MIN_LENGTH = 10;
const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const NAME_RE = /^[\p{L}\p{M}][\p{L}\p{M}' .-]*$/u;
const PHONE_RE = /^\+[1-9]\d{6,14}$/;
const REFERRAL_CODE_RE = /^[A-Z0-9]{6,16}$/;
const COMMON_PASSWORDS = new Set([
  "password", "password1", "password123", "1234567890", "qwertyuiop", "iloveyou12",
  "letmein123", "welcome123", "admin12345", "abcdefghij", "0987654321", "passw0rd12",
]);

/** Canonical forms: emails lower-case, phones without spacing, codes upper-case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function normalizePhone(phone: string): string {
  return phone.trim().replace(/[\s().-]/g, "").replace(/^00/, "+");
}

export function normalizeReferralCode(code: string): string {
  return code.trim().toUpperCase();
}

export function normalizeRegistration(input: RegistrationInput): RegistrationInput {
  return {
    email: normalizeEmail(input.email),
    password: input.password,
    firstName: input.firstName.trim(),
    lastName: input.lastName.trim(),
    country: input.country.trim().toUpperCase(),
    phone: normalizePhone(input.phone),
    sponsorCode: normalizeReferralCode(input.sponsorCode),
  };
}

function err(field: string, code: MemberErrorCode, message: string): FieldError {
  return { field, code, message };
}

/**
 * Why a password is too weak, or null.
 * 1. shorter than PASSWORD_MIN_LENGTH  2. one character class only  3. a well-known
 * password  4. contains the e-mail's local part
 */
export function passwordWeakness(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2) return "Mix letters with digits or symbols.";
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return "This password is too common.";
  const local = email.split("@")[0] ?? "";
  if (local.length >= 4 && password.toLowerCase().includes(local.toLowerCase())) {
    return "Do not use your e-mail address in the password.";
  }
  return null;
}

function checkName(field: string, value: string, label: string, out: FieldError[]): void {
  if (!value) out.push(err(field, MemberErrorCode.REQUIRED, `${label} is required.`));
  else if (value.length > 60) out.push(err(field, MemberErrorCode.TOO_LONG, `${label} is at most 60 characters.`));
  else if (!NAME_RE.test(value)) out.push(err(field, MemberErrorCode.INVALID, `${label} may contain letters, spaces, ' . and - only.`));
}

function checkCountry(value: string, out: FieldError[]): void {
  if (!value) out.push(err("country", MemberErrorCode.REQUIRED, "Country is required."));
  else if (!isCountryCode(value)) out.push(err("country", MemberErrorCode.INVALID, "Use a two-letter ISO country code, such as DE or US."));
}

function checkPhone(value: string, out: FieldError[]): void {
  if (!value) out.push(err("phone", MemberErrorCode.REQUIRED, "Phone is required."));
  else if (!PHONE_RE.test(value)) out.push(err("phone", MemberErrorCode.INVALID, "Use international format, such as +49 30 1234567."));
}

/** Field errors of a normalized registration; an empty list means the input is well-formed. */
export function validateRegistration(input: RegistrationInput): FieldError[] {
  const out: FieldError[] = [];
  if (!input.email) out.push(err("email", MemberErrorCode.REQUIRED, "E-mail is required."));
  else if (input.email.length > 254) out.push(err("email", MemberErrorCode.TOO_LONG, "E-mail is at most 254 characters."));
  else if (!EMAIL_RE.test(input.email)) out.push(err("email", MemberErrorCode.INVALID, "This is not an e-mail address."));

  if (!input.password) out.push(err("password", MemberErrorCode.REQUIRED, "Password is required."));
  else if (input.password.length > 200) out.push(err("password", MemberErrorCode.TOO_LONG, "Password is at most 200 characters."));
  else {
    const weakness = passwordWeakness(input.password, input.email);
    if (weakness) out.push(err("password", MemberErrorCode.WEAK_PASSWORD, weakness));
  }
  checkName("firstName", input.firstName, "First name", out);
  checkName("lastName", input.lastName, "Last name", out);
  checkCountry(input.country, out);
  checkPhone(input.phone, out);
  if (!input.sponsorCode) out.push(err("sponsorCode", MemberErrorCode.REQUIRED, "A sponsor's referral code is required."));
  else if (!REFERRAL_CODE_RE.test(input.sponsorCode)) out.push(err("sponsorCode", MemberErrorCode.SPONSOR_NOT_FOUND, "No member has this referral code."));
  return out;
}

/** Normalizes a profile patch, dropping fields that were not sent. */
export function normalizeProfilePatch(patch: ProfilePatch): ProfilePatch {
  const out: ProfilePatch = {};
  if (patch.firstName != null) out.firstName = patch.firstName.trim();
  if (patch.lastName != null) out.lastName = patch.lastName.trim();
  if (patch.country != null) out.country = patch.country.trim().toUpperCase();
  if (patch.phone != null) out.phone = normalizePhone(patch.phone);
  if (patch.preferredLeg != null) out.preferredLeg = patch.preferredLeg;
  return out;
}

export function validateProfilePatch(patch: ProfilePatch): FieldError[] {
  const out: FieldError[] = [];
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

const REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A referral code from random bytes (the caller brings the randomness). */
export function referralCodeFromBytes(bytes: Uint8Array, length = 8): string {
  let code = "";
  for (let i = 0; i < length; i++) code += REFERRAL_ALPHABET[bytes[i]! % REFERRAL_ALPHABET.length];
  return code;
}
