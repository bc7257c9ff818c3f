import { randomBytes } from "node:crypto";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { memberService } from "@/server/domain/member/member.service";
import type { RegistrationInput } from "@/server/domain/member/member.rules";
import type { MemberRecord, Viewer } from "@/server/domain/member/member.types";
import type { PlacementConfig } from "@/server/domain/genealogy/placement.rules";

export const PASSWORD = "correct-horse-42";
// A precomputed argon2id hash would tie tests to parameters; hashing once per file is cheap.
let hash: Promise<string> | undefined;

export function uniqueEmail(prefix = "m"): string {
  return `${prefix}.${randomBytes(5).toString("hex")}@example.test`;
}

export function registration(sponsorCode: string, overrides: Partial<RegistrationInput> = {}): RegistrationInput {
  return {
    email: uniqueEmail(),
    password: PASSWORD,
    firstName: "Mia",
    lastName: "Schmidt",
    country: "DE",
    phone: "+49 30 1234567",
    sponsorCode,
    ...overrides,
  };
}

async function passwordHash(): Promise<string> {
  const { hashPassword } = await import("@/server/auth/password");
  hash ??= hashPassword(PASSWORD);
  return hash;
}

/** A member at the top of both trees (the company's first distributor). */
export async function createRoot(overrides: Partial<MemberRecord> = {}): Promise<MemberRecord> {
  return genealogyService.insertRoot(
    {
      email: uniqueEmail("root"),
      passwordHash: await passwordHash(),
      firstName: overrides.firstName ?? "Rita",
      lastName: overrides.lastName ?? "Root",
      country: "US",
      phone: "+12025550100",
      referralCode: `ROOT${randomBytes(4).toString("hex").toUpperCase()}`,
      role: "DISTRIBUTOR",
    },
    true,
  );
}

export async function createAdmin(): Promise<MemberRecord> {
  return genealogyService.insertRoot(
    {
      email: uniqueEmail("admin"),
      passwordHash: await passwordHash(),
      firstName: "Ada",
      lastName: "Admin",
      country: "US",
      phone: "+12025550101",
      referralCode: `ADM${randomBytes(4).toString("hex").toUpperCase()}`,
      role: "ADMIN",
    },
    false,
  );
}

export function registerUnder(sponsor: MemberRecord, overrides: Partial<RegistrationInput> = {}): Promise<MemberRecord> {
  return memberService.register(registration(sponsor.referralCode, overrides));
}

export function viewerOf(m: MemberRecord): Viewer {
  return { id: m.id, role: m.role };
}

export function usePlacement(config: PlacementConfig): Promise<PlacementConfig> {
  return genealogyService.setPlacementConfig(config);
}
