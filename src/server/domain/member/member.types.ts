export type RoleName = "ADMIN" | "DISTRIBUTOR";
export type MemberStatusName = "ACTIVE" | "SUSPENDED";

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
}

/** Who is asking. */
export interface Viewer {
  id: number;
  role: RoleName;
}
