"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { mutate, Problems } from "@/components/ui/mutation";
import { useHydrated } from "@/components/ui/use-hydrated";

const SIGN_OUT_ALL = `mutation($memberId: ID!) { signOutAllSessions(memberId: $memberId) { signedOut errors { field message } } }`;
const ERASE = `mutation($memberId: ID!, $reason: String!) {
  erasePersonalData(memberId: $memberId, reason: $reason) { erasure { ordersAnonymised auditLinesRedacted mailsDeleted } errors { field message } }
}`;

/** Support and compliance actions on one member: sign out every device, download their data, erase it. */
export function MemberPrivacyActions({ memberId, sessions, maySignOut, mayDownload, mayErase }: {
  memberId: number; sessions: number | null; maySignOut: boolean; mayDownload: boolean; mayErase: boolean;
}) {
  const router = useRouter();
  const ready = useHydrated();
  const [message, setMessage] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  return (
    <div className="space-y-4 text-sm">
      <div className="flex flex-wrap gap-2">
        {mayDownload ? <a className="btn-secondary" href={`/api/exports/personal-data?member=${memberId}`}>Download their data (JSON)</a> : null}
        {maySignOut ? (
          <button className="btn-secondary" disabled={!ready} onClick={async () => {
            const r = await mutate<number>(SIGN_OUT_ALL, { memberId: String(memberId) }, "signOutAllSessions", "signedOut");
            setErrors(r.errors);
            if (r.value != null) setMessage(`Signed out ${r.value} session${r.value === 1 ? "" : "s"}.`);
            router.refresh();
          }}>Sign out every device{sessions != null ? ` (${sessions})` : ""}</button>
        ) : null}
      </div>
      {mayErase ? (
        <form className="space-y-2 rounded border border-red-200 bg-red-50 p-3" data-testid="erase-form" action={async (f) => {
          if (String(f.get("confirm") ?? "").trim() !== String(memberId)) return setErrors({ confirm: `Type ${memberId} to confirm.` });
          const r = await mutate<{ ordersAnonymised: number; auditLinesRedacted: number }>(ERASE, { memberId: String(memberId), reason: String(f.get("reason") ?? "") }, "erasePersonalData", "erasure");
          setErrors(r.errors);
          if (r.value) {
            setMessage(`Erased. ${r.value.ordersAnonymised} order addresses and ${r.value.auditLinesRedacted} audit values removed; the ledger, orders and volumes stay.`);
            router.refresh();
          }
        }}>
          <p className="font-medium text-red-800">Erase personal data</p>
          <p className="text-gray-700">
            On the member&apos;s request: name, e-mail, phone, addresses, bank details, sign-in and mails go, for good. Their money, orders,
            volumes and commissions stay under an anonymous member, so every total still adds up.
          </p>
          <label className="block">Why (kept in the audit log) <input className="field" name="reason" placeholder="Member's request of 3 March, ticket 1234" /></label>
          <label className="block">Type the member number, {memberId}, to confirm <input className="field w-32" name="confirm" inputMode="numeric" /></label>
          <button disabled={!ready} className="inline-flex items-center justify-center rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800">Erase for good</button>
        </form>
      ) : null}
      <Problems errors={errors} />
      {message ? <p role="status" className="text-green-800">{message}</p> : null}
    </div>
  );
}
