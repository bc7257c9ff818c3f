import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { canSome, isStaff } from "@/server/domain/shared/access";
import type { Permission } from "@/server/domain/shared/permissions";
import type { Viewer } from "@/server/domain/shared/viewer";
import { clientIp } from "./client-ip";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { sessionFromCookieHeader } from "./session-cookie";

/** The signed-in viewer for a page with their member record, re-checked against the database, or null. */
async function currentSession(): Promise<{ viewer: Viewer; member: MemberRecord } | null> {
  const h = await headers();
  return sessionFromCookieHeader(h.get("cookie"), clientIp(h));
}

/** The signed-in viewer for a page, re-checked against the database, or null. */
export async function currentViewer(): Promise<Viewer | null> {
  return (await currentSession())?.viewer ?? null;
}

/** The back office's sections and the permission (any of) that opens each. */
export const BACK_OFFICE: readonly { href: string; label: string; needs: readonly Permission[] }[] = [
  { href: "/admin", label: "Overview", needs: ["analytics.read"] },
  { href: "/admin/orders", label: "Orders", needs: ["orders.read"] },
  { href: "/admin/products", label: "Products", needs: ["catalog.write"] },
  { href: "/admin/members", label: "Members", needs: ["members.read"] },
  { href: "/admin/compensation", label: "Compensation", needs: ["commissions.read", "plans.edit"] },
  { href: "/admin/withdrawals", label: "Withdrawals", needs: ["withdrawals.approve", "payouts.manage"] },
  { href: "/admin/loyalty", label: "Loyalty", needs: ["loyalty.read"] },
  { href: "/admin/ledger", label: "Ledger", needs: ["wallets.read"] },
  { href: "/admin/roles", label: "Roles", needs: ["roles.manage"] },
  { href: "/admin/audit", label: "Audit log", needs: ["audit.read"] },
  { href: "/admin/api-keys", label: "API keys", needs: ["apikeys.manage"] },
  { href: "/admin/webhooks", label: "Webhooks", needs: ["webhooks.manage"] },
  { href: "/admin/outbox", label: "Outbox", needs: ["mail.read"] },
];

/** The sections this viewer may open (some of their grants may be limited to countries or a team). */
export function backOfficeLinks(viewer: Viewer): { href: string; label: string }[] {
  return BACK_OFFICE.filter((s) => s.needs.some((p) => canSome(viewer, p))).map(({ href, label }) => ({ href, label }));
}

const PORTAL = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/genealogy", label: "Genealogy" },
  { href: "/orders", label: "Orders" },
  { href: "/earnings", label: "Earnings" },
  { href: "/wallet", label: "Wallet" },
  { href: "/loyalty", label: "Rewards" },
  { href: "/profile", label: "Profile" },
];

/**
 * The header's links. Staff accounts see their back-office sections and their profile;
 * a distributor sees the portal, and, holding a role, a way into the back office (and back).
 */
export function navLinks(viewer: Viewer, area: "portal" | "admin"): { href: string; label: string }[] {
  const profile = PORTAL[PORTAL.length - 1]!;
  if (viewer.role === "ADMIN") return [...backOfficeLinks(viewer), profile];
  if (area === "admin") return [...backOfficeLinks(viewer), { href: "/dashboard", label: "My dashboard" }];
  return isStaff(viewer) ? [...PORTAL, { href: homeOf(viewer), label: "Admin" }] : PORTAL;
}

/** Where a viewer lands: their first back-office section, or the distributor dashboard. */
export function homeOf(viewer: Viewer): string {
  return (viewer.role === "ADMIN" || isStaff(viewer) ? backOfficeLinks(viewer)[0]?.href : null) ?? "/dashboard";
}

/**
 * For pages behind login: the viewer, or a redirect to the login page. "STAFF": any
 * back-office permission; a permission: that one, for at least some members (the
 * services narrow it down to the members it covers).
 */
export async function requirePageViewer(needs?: "STAFF" | Permission | readonly Permission[]): Promise<Viewer> {
  return (await requirePageSession(needs)).viewer;
}

/** requirePageViewer with the viewer's member record (read with the session). */
export async function requirePageSession(needs?: "STAFF" | Permission | readonly Permission[]): Promise<{ viewer: Viewer; member: MemberRecord }> {
  const session = await currentSession();
  if (!session) redirect("/login");
  const { viewer } = session;
  if (needs && viewer.twoFactorRequired) redirect("/profile/security?required=1");
  if (needs === "STAFF" && !isStaff(viewer)) redirect("/dashboard");
  if (needs && needs !== "STAFF") {
    const list = typeof needs === "string" ? [needs] : needs;
    if (!list.some((p) => canSome(viewer, p))) redirect(homeOf(viewer));
  }
  return session;
}
