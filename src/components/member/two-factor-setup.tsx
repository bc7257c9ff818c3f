"use client";
import { useRouter } from "next/navigation";
import QRCode from "qrcode";
import { useState } from "react";
import { mutate } from "@/components/ui/mutation";

const BEGIN = `mutation { beginTwoFactor { setup { secret uri } errors { field message } } }`;
const CONFIRM = `mutation($code: String!) { confirmTwoFactor(code: $code) { recoveryCodes errors { field message } } }`;
const DISABLE = `mutation($code: String!) { disableTwoFactor(code: $code) { disabled errors { field message } } }`;

/** Turning two-factor sign-in on (scan, confirm with a code, keep the recovery codes) or off. */
export function TwoFactorSetup({ enabled, recoveryCodesLeft }: { enabled: boolean; recoveryCodesLeft: number }) {
  const router = useRouter();
  const [setup, setSetup] = useState<{ secret: string; qr: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (codes) {
    return (
      <div className="space-y-2" data-testid="recovery-codes">
        <p className="font-medium text-green-700" role="status">Two-factor sign-in is on.</p>
        <p className="text-sm">Keep these recovery codes somewhere safe: each one signs you in once if you lose your phone. They are not shown again.</p>
        <ul className="grid grid-cols-2 gap-1 font-mono text-sm">{codes.map((c) => <li key={c}>{c}</li>)}</ul>
        <button className="btn-secondary" onClick={() => { setCodes(null); router.refresh(); }}>Done</button>
      </div>
    );
  }
  if (enabled) {
    return (
      <form className="space-y-2" data-testid="two-factor-off" action={async (f) => {
        const r = await mutate<boolean>(DISABLE, { code: String(f.get("code") ?? "") }, "disableTwoFactor", "disabled");
        setError(Object.values(r.errors)[0] ?? null);
        if (r.value) router.refresh();
      }}>
        <p className="font-medium text-green-700" data-testid="two-factor-state">On: signing in asks for a code from your authenticator app. {recoveryCodesLeft} recovery codes left.</p>
        <label className="block text-sm">To turn it off, a current code or a recovery code <input className="field" name="code" inputMode="numeric" autoComplete="one-time-code" aria-label="Code to turn off" /></label>
        <button className="btn-secondary">Turn off</button>
        {error ? <p className="field-error" role="alert">{error}</p> : null}
      </form>
    );
  }
  if (!setup) {
    return (
      <div className="space-y-2">
        <p data-testid="two-factor-state">Off: your password alone signs you in.</p>
        <button className="btn" onClick={async () => {
          const r = await mutate<{ secret: string; uri: string }>(BEGIN, {}, "beginTwoFactor", "setup");
          setError(Object.values(r.errors)[0] ?? null);
          if (r.value) setSetup({ secret: r.value.secret, qr: await QRCode.toDataURL(r.value.uri, { margin: 1, width: 200 }) });
        }}>Turn on two-factor sign-in</button>
        {error ? <p className="field-error" role="alert">{error}</p> : null}
      </div>
    );
  }
  return (
    <form className="space-y-3" data-testid="two-factor-confirm" action={async (f) => {
      const r = await mutate<string[]>(CONFIRM, { code: String(f.get("code") ?? "") }, "confirmTwoFactor", "recoveryCodes");
      setError(Object.values(r.errors)[0] ?? null);
      if (r.value) setCodes(r.value);
    }}>
      <p className="text-sm">Scan this with an authenticator app (Google Authenticator, 1Password, Authy…), or type the key in.</p>
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={setup.qr} alt="QR code for your authenticator app" width={200} height={200} />
      <p className="text-sm">Key: <code className="break-all" data-testid="two-factor-secret">{setup.secret}</code></p>
      <label className="block text-sm">The 6-digit code the app shows now <input className="field" name="code" inputMode="numeric" autoComplete="one-time-code" aria-label="Authenticator code" /></label>
      <button className="btn">Confirm and turn on</button>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </form>
  );
}
