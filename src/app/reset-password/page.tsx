import Link from "next/link";
import { ResetPasswordForm } from "@/components/member/password-reset-forms";
import { passwordResetService } from "@/server/domain/access/password-reset.service";

// The token is in the address: no page it links to learns it.
export const metadata = { title: "Choose a new password", referrer: "no-referrer" as const };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw.slice(0, 200) : "";
  const open = token !== "" && (await passwordResetService.isOpen(token));
  return (
    <main className="mx-auto max-w-sm px-4 py-12">
      <h1 className="mb-6 text-2xl font-semibold">Choose a new password</h1>
      {open ? (
        <ResetPasswordForm token={token} />
      ) : (
        <div className="space-y-3" role="alert" data-testid="reset-link-broken">
          <p>This link does not work any more: it was used already, or it is older than an hour.</p>
          <Link className="btn inline-block" href="/forgot-password">Ask for a new link</Link>
        </div>
      )}
    </main>
  );
}
