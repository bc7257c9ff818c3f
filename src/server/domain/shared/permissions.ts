// What a back-office role may do, as data. Every member can manage their own account
// and see their team without any of these; permissions are for acting on others.

export const PERMISSIONS = {
  "members.read": "See members, their teams and genealogy",
  "members.personal": "See personal data: e-mail, phone, address, documents",
  "members.write": "Change members' profiles and status",
  "members.erase": "Erase a member's personal data on their request (keeps their money and volume, anonymised)",
  "orders.read": "See orders and sales",
  "orders.write": "Place orders for members, ship, cancel and refund",
  "catalog.write": "Edit products, prices and stock",
  "volumes.read": "See volumes, periods and team statistics",
  "periods.manage": "Open and close volume periods",
  "wallets.read": "See wallets, withdrawals and the ledger",
  "wallets.adjust": "Adjust wallet balances",
  "withdrawals.approve": "Approve or reject withdrawals",
  "payouts.manage": "Create, export and pay payout batches",
  "plans.edit": "Edit the compensation plan",
  "commissions.read": "See commission runs and every member's commissions",
  "commissions.run": "Start, commit and cancel commission runs",
  "loyalty.read": "See members' points, redemptions and loyalty reports",
  "loyalty.write": "Edit the loyalty programme and rewards, fulfil redemptions",
  "loyalty.grant": "Grant points, set tiers, record loyalty events",
  "analytics.read": "See company reports",
  "roles.manage": "Create roles and assign them",
  "audit.read": "Read and export the audit log",
  "apikeys.manage": "Create and revoke API keys",
  "webhooks.manage": "Register webhooks (they send members' data to other systems) and replay deliveries",
  "mail.read": "Read the mail outbox (it holds password-reset links: whoever reads it can sign in as anyone)",
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

/** What only people hold: an API key never manages roles, keys or webhooks, reads the outbox or erases anyone. */
export const NOT_FOR_KEYS: readonly Permission[] = ["roles.manage", "apikeys.manage", "webhooks.manage", "mail.read", "members.erase"];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/** One permission held through one role assignment, with that assignment's limits (null: no limit). */
export interface Grant {
  permission: Permission;
  /** ISO country codes the grant covers. */
  countries: readonly string[] | null;
  /** The member whose team (themselves and everyone below, in either tree) the grant covers. */
  teamOf: number | null;
}

export type BuiltInRoleKey = "super_admin" | "admin" | "support" | "finance" | "compliance" | "leader" | "distributor";

export interface BuiltInRole {
  key: BuiltInRoleKey;
  name: string;
  description: string;
  permissions: readonly Permission[];
  /** Assignments of this role are always limited to the holder's own team. */
  ownTeam?: boolean;
}

const except = (...left: Permission[]) => ALL_PERMISSIONS.filter((p) => !left.includes(p));

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  { key: "super_admin", name: "Super admin", description: "Everything, including roles, API keys, webhooks and the mail outbox.", permissions: ALL_PERMISSIONS },
  {
    key: "admin", name: "Admin", description: "Runs the company: everything except roles, API keys, webhooks, the mail outbox and erasing members.",
    permissions: except("roles.manage", "apikeys.manage", "webhooks.manage", "mail.read", "members.erase"),
  },
  {
    key: "support", name: "Support", description: "Helps members: profiles, orders, points.",
    permissions: ["members.read", "members.personal", "members.write", "orders.read", "orders.write", "volumes.read", "wallets.read", "commissions.read", "loyalty.read"],
  },
  {
    key: "finance", name: "Finance", description: "Money: wallets, withdrawals, payouts, commission runs.",
    permissions: ["members.read", "orders.read", "volumes.read", "periods.manage", "wallets.read", "wallets.adjust", "withdrawals.approve", "payouts.manage", "commissions.read", "commissions.run", "analytics.read"],
  },
  {
    key: "compliance", name: "Compliance", description: "Reviews members and the audit log; erases personal data on request.",
    permissions: ["members.read", "members.personal", "members.write", "members.erase", "orders.read", "wallets.read", "commissions.read", "loyalty.read", "audit.read"],
  },
  {
    key: "leader", name: "Leader", description: "Sees their own organisation's members, orders and volumes.", ownTeam: true,
    permissions: ["members.read", "orders.read", "volumes.read", "loyalty.read"],
  },
  { key: "distributor", name: "Distributor", description: "Every member: their own account, orders, earnings and team.", permissions: [] },
];

export function builtInRole(key: BuiltInRoleKey): BuiltInRole {
  return BUILT_IN_ROLES.find((r) => r.key === key)!;
}

/** The grants of a built-in role held without limits (tests, seeds and benchmarks act as these). */
export function grantsOf(key: BuiltInRoleKey, scope: { countries?: readonly string[] | null; teamOf?: number | null } = {}): Grant[] {
  return builtInRole(key).permissions.map((permission) => ({ permission, countries: scope.countries ?? null, teamOf: scope.teamOf ?? null }));
}
