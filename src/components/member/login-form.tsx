"use client";
import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Field } from "@/components/ui/field";

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  // After e-mail and password, members with two-factor sign-in are asked for a code.
  const [needCode, setNeedCode] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const res = await signIn("credentials", { email: form.get("email"), password: form.get("password"), code: form.get("code") ?? "", redirect: false });
    setBusy(false);
    if (res?.error === "TOTP_REQUIRED") {
      setNeedCode(true);
      setError(needCode ? "Enter the 6-digit code from your authenticator app." : null);
      return;
    }
    if (!res || res.error) {
      // next-auth passes the message of a refusal (rate limit, lockout); a wrong password is "CredentialsSignin".
      setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "E-mail or password is not right.");
      return;
    }
    router.replace(params.get("next") ?? "/");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field label="E-mail" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      {needCode ? (
        <div>
          <Field label="Authenticator code" name="code" inputMode="numeric" autoComplete="one-time-code" autoFocus required />
          <p className="mt-1 text-xs text-gray-500">The 6-digit code from your authenticator app, or one of your recovery codes.</p>
        </div>
      ) : null}
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      <button type="submit" className="btn w-full" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
    </form>
  );
}
