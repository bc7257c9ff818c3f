"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { mutate } from "@/components/ui/mutation";
import { useHydrated } from "@/components/ui/use-hydrated";
import { formatDateTime } from "@/lib/format";

const SIGN_OUT = `mutation($id: ID!) { signOutSession(id: $id) { signedOut errors { field message } } }`;
const SIGN_OUT_OTHERS = `mutation { signOutAllSessions { signedOut errors { field message } } }`;

export interface SessionRow {
  id: string;
  device: string;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** Where the member is signed in, with sign-out of one device or of all the others. */
export function SessionList({ sessions }: { sessions: SessionRow[] }) {
  const router = useRouter();
  const ready = useHydrated();
  const [message, setMessage] = useState<string | null>(null);
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="space-y-3">
      <ul className="divide-y divide-gray-100" data-testid="sessions">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <div>
              <p className="font-medium">{s.device} {s.current ? <span className="ml-1 whitespace-nowrap rounded bg-green-100 px-1.5 py-0.5 text-xs text-green-800">This device</span> : null}</p>
              <p className="text-xs text-gray-500">
                Signed in {formatDateTime(s.createdAt)}{s.ip ? ` from ${s.ip}` : ""} · last used {formatDateTime(s.lastSeenAt)}
              </p>
            </div>
            {s.current ? null : (
              <button className="btn-secondary" disabled={!ready} aria-label={`Sign out ${s.device}`} onClick={async () => {
                const r = await mutate<number>(SIGN_OUT, { id: s.id }, "signOutSession", "signedOut");
                setMessage(r.value ? `Signed out ${s.device}.` : (Object.values(r.errors)[0] ?? null));
                router.refresh();
              }}>Sign out</button>
            )}
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <button className="btn-secondary" disabled={!ready} onClick={async () => {
          const r = await mutate<number>(SIGN_OUT_OTHERS, {}, "signOutAllSessions", "signedOut");
          setMessage(r.value != null ? `Signed out ${r.value} other device${r.value === 1 ? "" : "s"}.` : (Object.values(r.errors)[0] ?? null));
          router.refresh();
        }}>Sign out all other devices</button>
      ) : <p className="text-sm text-gray-500">You are signed in on this device only.</p>}
      {message ? <p className="text-sm" role="status">{message}</p> : null}
    </div>
  );
}
