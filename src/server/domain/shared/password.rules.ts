export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

const COMMON_PASSWORDS = new Set([
  "password", "password1", "password123", "1234567890", "qwertyuiop", "iloveyou12",
  "letmein123", "welcome123", "admin12345", "abcdefghij", "0987654321", "passw0rd12",
]);

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
