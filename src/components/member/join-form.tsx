"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { graphql } from "@/lib/graphql-client";

const REGISTER = `mutation Register($input: RegisterMemberInput!) {
  registerMember(input: $input) { member { id } errors { field code message } }
}`;

type Errors = Record<string, string>;

export function JoinForm({ sponsorCode, sponsorName, countries }: { sponsorCode: string; sponsorName: string | null; countries: { code: string; name: string }[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    const form = new FormData(e.currentTarget);
    const input = Object.fromEntries(
      ["email", "password", "firstName", "lastName", "country", "phone", "sponsorCode"].map((k) => [k, String(form.get(k) ?? "")]),
    );
    try {
      const res = await graphql<{ registerMember: { member: { id: string } | null; errors: { field: string; message: string }[] } }>(REGISTER, { input });
      const payload = res.data?.registerMember;
      if (!payload) {
        setErrors({ form: res.errors?.[0]?.message ?? "Sign-up failed. Try again." });
        return;
      }
      if (payload.errors.length > 0) {
        setErrors(Object.fromEntries(payload.errors.map((x) => [x.field, x.message])));
        return;
      }
      setErrors({});
      const login = await signIn("credentials", { email: input.email, password: input.password, redirect: false });
      router.replace(login?.ok ? "/dashboard" : "/login");
      router.refresh();
    } catch {
      setErrors({ form: "The server could not be reached. Try again." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {sponsorName ? (
        <p className="rounded-md bg-blue-50 p-3 text-sm text-blue-800" data-testid="sponsor-name">You are joining the team of <strong>{sponsorName}</strong>.</p>
      ) : null}
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field label="First name" name="firstName" autoComplete="given-name" error={errors.firstName} />
        <Field label="Last name" name="lastName" autoComplete="family-name" error={errors.lastName} />
      </div>
      <Field label="E-mail" name="email" type="email" autoComplete="email" error={errors.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" error={errors.password} />
      <div>
        <label htmlFor="f-country" className="mb-1 block text-sm font-medium text-gray-700">Country</label>
        <select id="f-country" name="country" className="field" defaultValue="">
          <option value="" disabled>Choose…</option>
          {countries.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
        </select>
        {errors.country ? <p className="field-error" role="alert">{errors.country}</p> : null}
      </div>
      <Field label="Phone" name="phone" type="tel" autoComplete="tel" placeholder="+49 30 1234567" error={errors.phone} />
      <Field label="Sponsor's referral code" name="sponsorCode" defaultValue={sponsorCode} error={errors.sponsorCode} />
      {errors.form ? <p className="field-error" role="alert">{errors.form}</p> : null}
      <button type="submit" className="btn w-full" disabled={busy}>{busy ? "Creating your account…" : "Create account"}</button>
    </form>
  );
}
