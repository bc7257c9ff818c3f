import { grantsOf, type Grant } from "./permissions";

/** The kind of account: company staff or a distributor. What either may do comes from `grants`. */
export type RoleName = "ADMIN" | "DISTRIBUTOR";

/** Who is asking: every service call that depends on the caller takes one. */
export interface Viewer {
  /** The member; 0 for an API key (which is nobody's "self"). */
  id: number;
  role: RoleName;
  /** Back-office permissions from role assignments (or an API key's scopes); empty for a plain distributor. */
  grants: readonly Grant[];
  /** Set when the caller is an API key. */
  apiKeyId?: number;
  /** Where the request came from, for the audit log. */
  ip?: string | null;
  /** The sign-in session (browser or device) the request came with. */
  sessionId?: string;
  /** Holds back-office roles that are suspended until they turn on two-factor sign-in. */
  twoFactorRequired?: boolean;
}

/** A distributor with no back-office role. */
export function distributorViewer(id: number): Viewer {
  return { id, role: "DISTRIBUTOR", grants: [] };
}

/** A super admin: every permission, no limits. */
export function superAdminViewer(id: number): Viewer {
  return { id, role: "ADMIN", grants: grantsOf("super_admin") };
}
