import type { Permission } from "@/server/domain/shared/permissions";

export interface RoleRecord {
  id: number;
  key: string;
  name: string;
  description: string;
  builtIn: boolean;
  permissions: Permission[];
  /** Whether assignments are always limited to the holder's own team. */
  ownTeam: boolean;
  holders: number;
}

export interface AssignmentRecord {
  id: number;
  memberId: number;
  memberName: string;
  memberCountry: string;
  roleId: number;
  roleKey: string;
  roleName: string;
  /** Empty: every country. */
  countries: string[];
  teamOf: number | null;
  teamOfName: string | null;
  grantedById: number | null;
  grantedAt: Date;
}

export interface RoleInput {
  name: string;
  description?: string | null;
  permissions: readonly string[];
}

/** How far an assignment reaches: countries (empty or null: all) and a team (null: all). */
export interface AssignmentScope {
  countries?: readonly string[] | null;
  teamOf?: number | null;
}

/** Which members a bulk change applies to: everyone in these countries and/or this team. */
export interface MemberSelection {
  countries?: readonly string[] | null;
  teamOf?: number | null;
}

export interface SelectionPreview {
  count: number;
  /** The first few members, for the admin to check the selection. */
  sample: { id: number; name: string; country: string }[];
}

export interface ApiKeyRecord {
  id: number;
  name: string;
  prefix: string;
  scopes: Permission[];
  createdById: number;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  rotatedToId: number | null;
}

export interface ApiKeyInput {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
}

/** A signed-in browser or device. */
export interface SessionRecord {
  id: string;
  memberId: number;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** A session as the member sees it: which device, where from, whether it is this one. */
export interface DeviceSession extends SessionRecord {
  /** "Safari 17 on iOS (mobile)". */
  device: string;
  current: boolean;
}
