"use client";

import Link from "next/link";

/** A page that failed to render: no stack trace, a way to try again, and a reference for support. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center" role="alert">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-3 text-gray-600">This page could not be shown just now. Try again in a moment; if it keeps happening, give support the reference below.</p>
      {error.digest ? <p className="mt-2 text-xs text-gray-500">Reference: <code>{error.digest}</code></p> : null}
      <div className="mt-6 flex justify-center gap-3">
        <button type="button" className="rounded-md bg-blue-600 px-4 py-2 text-white hover:bg-blue-700" onClick={() => reset()}>Try again</button>
        <Link className="rounded-md px-4 py-2 text-blue-700 ring-1 ring-gray-300 hover:bg-gray-50" href="/">Home</Link>
      </div>
    </main>
  );
}
