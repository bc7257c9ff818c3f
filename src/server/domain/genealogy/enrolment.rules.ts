import { checkCountry, checkEmail, checkName, checkPhone, normalizeCountry, normalizeEmail, normalizePhone } from "@/server/domain/shared/contact.rules";
import type { FieldError } from "@/server/domain/shared/input.errors";
import { PASSWORD_MAX_LENGTH, passwordWeakness } from "@/server/domain/shared/password.rules";
import { GenealogyErrorCode } from "./genealogy.errors";

export interface RegistrationInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  country: string;
  phone: string;
  sponsorCode: string;
}

const REFERRAL_CODE_RE = /^[A-Z0-9]{6,16}$/;

export function normalizeReferralCode(code: string): string {
  return code.trim().toUpperCase();
}

/** Canonical forms: e-mails lower-case, phones without spacing, codes upper-case. */
export function normalizeRegistration(input: RegistrationInput): RegistrationInput {
  return {
    email: normalizeEmail(input.email),
    password: input.password,
    firstName: input.firstName.trim(),
    lastName: input.lastName.trim(),
    country: normalizeCountry(input.country),
    phone: normalizePhone(input.phone),
    sponsorCode: normalizeReferralCode(input.sponsorCode),
  };
}

/** Field errors of a normalized registration; an empty list means the input is well-formed. */
export function validateRegistration(input: RegistrationInput): FieldError<GenealogyErrorCode>[] {
  const out: FieldError<GenealogyErrorCode>[] = [];
  checkEmail(input.email, out);
  if (!input.password) out.push({ field: "password", code: GenealogyErrorCode.REQUIRED, message: "Password is required." });
  else if (input.password.length > PASSWORD_MAX_LENGTH) {
    out.push({ field: "password", code: GenealogyErrorCode.TOO_LONG, message: `Password is at most ${PASSWORD_MAX_LENGTH} characters.` });
  } else {
    const weakness = passwordWeakness(input.password, input.email);
    if (weakness) out.push({ field: "password", code: GenealogyErrorCode.WEAK_PASSWORD, message: weakness });
  }
  checkName("firstName", input.firstName, "First name", out);
  checkName("lastName", input.lastName, "Last name", out);
  checkCountry(input.country, out);
  checkPhone(input.phone, out);
  if (!input.sponsorCode) out.push({ field: "sponsorCode", code: GenealogyErrorCode.REQUIRED, message: "A sponsor's referral code is required." });
  else if (!REFERRAL_CODE_RE.test(input.sponsorCode)) out.push(sponsorNotFound());
  return out;
}

export const sponsorNotFound = (): FieldError<GenealogyErrorCode> => ({
  field: "sponsorCode", code: GenealogyErrorCode.SPONSOR_NOT_FOUND, message: "No member has this referral code.",
});

export const emailTaken = (): FieldError<GenealogyErrorCode> => ({
  field: "email", code: GenealogyErrorCode.EMAIL_TAKEN, message: "This e-mail address is already registered.",
});

const REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A referral code from random bytes (the caller brings the randomness). */
export function referralCodeFromBytes(bytes: Uint8Array, length = 8): string {
  let code = "";
  for (let i = 0; i < length; i++) code += REFERRAL_ALPHABET[bytes[i]! % REFERRAL_ALPHABET.length];
  return code;
}
