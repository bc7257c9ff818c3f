import Link from "next/link";

export const metadata = { title: "Not found" };

/** Any page, member, order or run that does not exist (or was mistyped in the address). */
export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <p className="text-sm font-medium text-gray-500">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Not found</h1>
      <p className="mt-3 text-gray-600">There is nothing at this address: the page, or the member, order or run it names, does not exist.</p>
      <p className="mt-6">
        <Link className="rounded-md bg-blue-600 px-4 py-2 text-white hover:bg-blue-700" href="/">Go to your home page</Link>
      </p>
    </main>
  );
}
