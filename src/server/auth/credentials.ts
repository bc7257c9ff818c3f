import { memberService } from "@/server/domain/member/member.service";
import { normalizeEmail } from "@/server/domain/shared/contact.rules";
import type { RoleName } from "@/server/domain/shared/viewer";
import { hashPassword, verifyPassword } from "./password";

/** The member for a login, or null (the same answer, after the same work, for an unknown e-mail and a wrong password). */
export async function authenticate(email: string, password: string): Promise<{ id: number; role: RoleName } | null> {
  const found = await memberService.credentials(normalizeEmail(email));
  if (!found) {
    await hashPassword(password); // same work either way: no user enumeration by timing
    return null;
  }
  if (!(await verifyPassword(found.passwordHash, password)) || found.status !== "ACTIVE") return null;
  return { id: found.id, role: found.role };
}
