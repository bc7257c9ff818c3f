import Link from "next/link";
import { ForgotPasswordForm } from "@/components/member/password-reset-forms";

export const metadata = { title: "Forgot your password?" };

export default function ForgotPasswordPage() {
  return (
    <main className="mx-auto max-w-sm px-4 py-12">
      <h1 className="mb-2 text-2xl font-semibold">Forgot your password?</h1>
      <p className="mb-6 text-sm text-gray-600">We will e-mail you a link to choose a new one.</p>
      <ForgotPasswordForm />
      <p className="mt-6 text-sm text-gray-600"><Link className="text-blue-700 underline" href="/login">Back to sign in</Link></p>
    </main>
  );
}
