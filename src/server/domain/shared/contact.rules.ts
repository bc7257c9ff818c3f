import { isCountryCode } from "@/lib/countries";
import type { CommonErrorCode, FieldError } from "./input.errors";

// Contact details are checked the same way wherever people are entered (sign-up,
// profile, retail customers): one e-mail rule, one phone rule, one name rule.

const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const NAME_RE = /^[\p{L}\p{M}][\p{L}\p{M}' .-]*$/u;
const PHONE_RE = /^\+[1-9]\d{6,14}$/;

/** Canonical forms: e-mails lower-case, phones in E.164 without spacing, countries upper-case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function normalizePhone(phone: string): string {
  return phone.trim().replace(/[\s().-]/g, "").replace(/^00/, "+");
}

export function normalizeCountry(country: string): string {
  return country.trim().toUpperCase();
}

/** Where the checks put what they find: any domain's error list (its codes include the common ones). */
type Out = { push(error: FieldError<CommonErrorCode>): unknown };
const err = (field: string, code: CommonErrorCode, message: string) => ({ field, code, message });

/** A normalized e-mail address; `required` false lets an empty one pass. */
export function checkEmail(value: string, out: Out, { field = "email", required = true } = {}): void {
  if (!value) {
    if (required) out.push(err(field, "REQUIRED", "E-mail is required."));
  } else if (value.length > 254) out.push(err(field, "TOO_LONG", "E-mail is at most 254 characters."));
  else if (!EMAIL_RE.test(value)) out.push(err(field, "INVALID", "This is not an e-mail address."));
}

/** A person's first or last name. */
export function checkName(field: string, value: string, label: string, out: Out): void {
  if (!value) out.push(err(field, "REQUIRED", `${label} is required.`));
  else if (value.length > 60) out.push(err(field, "TOO_LONG", `${label} is at most 60 characters.`));
  else if (!NAME_RE.test(value)) out.push(err(field, "INVALID", `${label} may contain letters, spaces, ' . and - only.`));
}

/** An ISO 3166-1 alpha-2 code the product knows. */
export function checkCountry(value: string, out: Out, field = "country"): void {
  if (!value) out.push(err(field, "REQUIRED", "Country is required."));
  else if (!isCountryCode(value)) out.push(err(field, "INVALID", "Use a two-letter ISO country code, such as DE or US."));
}

/** A normalized phone number in international format; `required` false lets an empty one pass. */
export function checkPhone(value: string, out: Out, { field = "phone", required = true } = {}): void {
  if (!value) {
    if (required) out.push(err(field, "REQUIRED", "Phone is required."));
  } else if (!PHONE_RE.test(value)) out.push(err(field, "INVALID", "Use international format, such as +49 30 1234567."));
}
