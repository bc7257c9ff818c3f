import type { RoleName } from "@/server/domain/shared/viewer";

export type MemberStatusName = "ACTIVE" | "SUSPENDED" | "ERASED";

/** A member as the domain hands it out: plain data, no ORM types. */
export interface MemberRecord {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  country: string;
  phone: string;
  referralCode: string;
  role: RoleName;
  status: MemberStatusName;
  preferredLeg: "LEFT" | "RIGHT";
  sponsorId: number | null;
  sponsorPath: number[];
  sponsorDepth: number;
  placementParentId: number | null;
  placementPosition: number | null;
  placementPath: number[];
  placementDepth: number;
  joinedAt: Date;
  birthDate: Date | null;
  /** Labels staff gave the member (loyalty segments select by them). */
  tags: string[];
}

export interface MemberListFilter {
  country?: string | null;
  role?: RoleName | null;
  status?: MemberStatusName | null;
  joinedAfter?: Date | null;
  joinedBefore?: Date | null;
}

export interface ProfileChangeRecord {
  id: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedAt: Date;
  changedBy: { id: number; firstName: string; lastName: string } | null;
}
