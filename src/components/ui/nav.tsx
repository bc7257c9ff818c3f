import Link from "next/link";
import { SignOutButton } from "./sign-out-button";

const PORTAL = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/genealogy", label: "Genealogy" },
  { href: "/orders", label: "Orders" },
  { href: "/earnings", label: "Earnings" },
  { href: "/wallet", label: "Wallet" },
  { href: "/loyalty", label: "Rewards" },
  { href: "/profile", label: "Profile" },
];
const ADMIN = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/orders", label: "Orders" },
  { href: "/admin/products", label: "Products" },
  { href: "/admin/members", label: "Members" },
  { href: "/admin/compensation", label: "Compensation" },
  { href: "/admin/withdrawals", label: "Withdrawals" },
  { href: "/admin/loyalty", label: "Loyalty" },
  { href: "/admin/ledger", label: "Ledger" },
];

export function Nav({ name, admin }: { name: string; admin: boolean }) {
  const links = admin ? [...ADMIN, ...PORTAL.filter((l) => l.href === "/profile")] : PORTAL;
  return (
    <header className="border-b border-gray-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/" className="font-semibold text-blue-700">Back office</Link>
        <nav className="flex flex-1 flex-wrap gap-3 text-sm">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="text-gray-600 hover:text-gray-900">{l.label}</Link>
          ))}
        </nav>
        <span className="hidden text-sm text-gray-500 sm:inline" data-testid="signed-in-as">{name}</span>
        <SignOutButton />
      </div>
    </header>
  );
}
