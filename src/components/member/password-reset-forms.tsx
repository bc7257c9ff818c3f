"use client";
import Link from "next/link";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { mutate } from "@/components/ui/mutation";
import { useHydrated } from "@/components/ui/use-hydrated";

const REQUEST = `mutation($email: String!) { requestPasswordReset(email: $email) { requested errors { field message } } }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { reset errors { field message } } }`;

/** "Forgot your password?": asks for a link by e-mail. The answer never says whether the address is known. */
export function ForgotPasswordForm() {
  const ready = useHydrated();
  const [sent, setSent] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  if (sent) {
    return (
      <div className="space-y-3" role="status" data-testid="reset-requested">
        <p>If an account uses <strong>{sent}</strong>, we have sent it a link to choose a new password. It works once, for an hour.</p>
        <p className="text-sm text-gray-600">Nothing arrived after a few minutes? Check the spam folder, or ask again.</p>
        <Link className="text-blue-700 underline" href="/login">Back to sign in</Link>
      </div>
    );
  }
  return (
    <form className="space-y-4" noValidate action={async (f) => {
      const email = String(f.get("email") ?? "").trim();
      if (!email.includes("@")) return setErrors({ email: "Enter the e-mail address you sign in with." });
      setBusy(true);
      const r = await mutate<boolean>(REQUEST, { email }, "requestPasswordReset", "requested");
      setBusy(false);
      setErrors(r.errors);
      if (r.value) setSent(email);
    }}>
      <Field label="E-mail" name="email" type="email" autoComplete="email" required error={errors.email} />
      {errors.form ? <p className="field-error" role="alert">{errors.form}</p> : null}
      <button className="btn w-full" disabled={!ready || busy}>{busy ? "Sending…" : "Send me a link"}</button>
    </form>
  );
}

/** The page a reset link opens: a new password, twice. */
export function ResetPasswordForm({ token }: { token: string }) {
  const ready = useHydrated();
  const [done, setDone] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  if (done) {
    return (
      <div className="space-y-3" role="status" data-testid="password-reset-done">
        <p>Your password is changed, and every device you were signed in on is signed out.</p>
        <Link className="btn inline-block" href="/login">Sign in</Link>
      </div>
    );
  }
  return (
    <form className="space-y-4" noValidate action={async (f) => {
      const password = String(f.get("password") ?? "");
      if (password !== String(f.get("repeat") ?? "")) return setErrors({ repeat: "The two passwords are not the same." });
      setBusy(true);
      const r = await mutate<boolean>(RESET, { token, password }, "resetPassword", "reset");
      setBusy(false);
      setErrors(r.errors);
      if (r.value) setDone(true);
    }}>
      <Field label="New password" name="password" type="password" autoComplete="new-password" required error={errors.password} />
      <p className="-mt-2 text-xs text-gray-500">At least 10 characters, letters mixed with digits or symbols.</p>
      <Field label="The same again" name="repeat" type="password" autoComplete="new-password" required error={errors.repeat} />
      {errors.token || errors.form ? (
        <p className="field-error" role="alert">{errors.token ?? errors.form} {errors.token ? <Link className="underline" href="/forgot-password">Ask for a new link</Link> : null}</p>
      ) : null}
      <button className="btn w-full" disabled={!ready || busy}>{busy ? "Saving…" : "Set the new password"}</button>
    </form>
  );
}
