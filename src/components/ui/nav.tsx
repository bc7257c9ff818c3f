import Link from "next/link";
import { SignOutButton } from "./sign-out-button";

/**
 * The header with the links the layout chose for this viewer (src/server/auth/session.ts
 * navLinks). On a phone the links are one row below the name and sign-out that scrolls
 * sideways, instead of wrapping into five rows above the page.
 */
export function Nav({ name, links }: { name: string; links: readonly { href: string; label: string }[] }) {
  return (
    <header className="border-b border-gray-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/" className="font-semibold text-blue-700">Back office</Link>
        <nav className="order-last -mx-4 flex w-[calc(100%+2rem)] gap-4 overflow-x-auto whitespace-nowrap px-4 pb-1 text-sm sm:order-none sm:mx-0 sm:w-auto sm:flex-1 sm:flex-wrap sm:gap-3 sm:overflow-visible sm:whitespace-normal sm:px-0 sm:pb-0">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="text-gray-600 hover:text-gray-900">{l.label}</Link>
          ))}
        </nav>
        <span className="ml-auto hidden text-sm text-gray-500 sm:ml-0 sm:inline" data-testid="signed-in-as">{name}</span>
        <div className="ml-auto sm:ml-0"><SignOutButton /></div>
      </div>
    </header>
  );
}
