export type RoleName = "ADMIN" | "DISTRIBUTOR";

/** Who is asking: every service call that depends on the caller takes one. */
export interface Viewer {
  id: number;
  role: RoleName;
}
