import Link from "next/link";
import { SignOutButton } from "./sign-out-button";

/** The header with the links the layout chose for this viewer (src/server/auth/session.ts navLinks). */
export function Nav({ name, links }: { name: string; links: readonly { href: string; label: string }[] }) {
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
