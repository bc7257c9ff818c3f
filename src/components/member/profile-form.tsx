"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { graphql } from "@/lib/graphql-client";

const UPDATE = `mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { member { id } errors { field message } }
}`;

export interface ProfileValues {
  memberId: string;
  firstName: string;
  lastName: string;
  country: string;
  phone: string;
  preferredLeg: "LEFT" | "RIGHT";
  /** YYYY-MM-DD or "". */
  birthDate: string;
}

export function ProfileForm({ initial, countries, showLeg }: { initial: ProfileValues; countries: { code: string; name: string }[]; showLeg: boolean }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    const form = new FormData(e.currentTarget);
    const input: Record<string, string> = { memberId: initial.memberId };
    for (const k of ["firstName", "lastName", "country", "phone", "preferredLeg", "birthDate"]) {
      const v = form.get(k);
      if (v != null) input[k] = String(v);
    }
    const res = await graphql<{ updateProfile: { errors: { field: string; message: string }[] } }>(UPDATE, { input });
    setBusy(false);
    const payload = res.data?.updateProfile;
    if (!payload) return setErrors({ form: res.errors?.[0]?.message ?? "Saving failed." });
    setErrors(Object.fromEntries(payload.errors.map((x) => [x.field, x.message])));
    if (payload.errors.length === 0) {
      setSaved(true);
      router.refresh();
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field label="First name" name="firstName" defaultValue={initial.firstName} error={errors.firstName} />
        <Field label="Last name" name="lastName" defaultValue={initial.lastName} error={errors.lastName} />
      </div>
      <div>
        <label htmlFor="f-country" className="mb-1 block text-sm font-medium text-gray-700">Country</label>
        <select id="f-country" name="country" className="field" defaultValue={initial.country}>
          {countries.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
        </select>
        {errors.country ? <p className="field-error" role="alert">{errors.country}</p> : null}
      </div>
      <Field label="Phone" name="phone" type="tel" defaultValue={initial.phone} error={errors.phone} />
      <div>
        <Field label="Birth date (optional)" name="birthDate" type="date" defaultValue={initial.birthDate} error={errors.birthDate} />
        <p className="mt-1 text-xs text-gray-500">For your birthday gift in the rewards programme. Only you and the company see it.</p>
      </div>
      {showLeg ? (
        <div>
          <label htmlFor="f-leg" className="mb-1 block text-sm font-medium text-gray-700">New recruits go to my</label>
          <select id="f-leg" name="preferredLeg" className="field" defaultValue={initial.preferredLeg}>
            <option value="LEFT">Left leg</option>
            <option value="RIGHT">Right leg</option>
          </select>
        </div>
      ) : null}
      {errors.form ? <p className="field-error" role="alert">{errors.form}</p> : null}
      <div className="flex items-center gap-3">
        <button type="submit" className="btn" disabled={busy}>{busy ? "Saving…" : "Save"}</button>
        {saved ? <span className="text-sm text-green-700" role="status">Saved.</span> : null}
      </div>
    </form>
  );
}
