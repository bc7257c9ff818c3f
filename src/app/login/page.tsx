import Link from "next/link";
import { Suspense } from "react";
import { LoginForm } from "@/components/member/login-form";

export const metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <main className="mx-auto max-w-sm px-4 py-12">
      <h1 className="mb-6 text-2xl font-semibold">Sign in</h1>
      <Suspense>
        <LoginForm />
      </Suspense>
      <p className="mt-4 text-sm"><Link className="text-blue-700 underline" href="/forgot-password">Forgot your password?</Link></p>
      <p className="mt-6 text-sm text-gray-600">
        New here? Ask your sponsor for their referral link, or <Link className="text-blue-700 underline" href="/join">join with a code</Link>.
      </p>
    </main>
  );
}
