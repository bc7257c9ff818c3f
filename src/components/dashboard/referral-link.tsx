"use client";
import { useEffect, useState } from "react";

export function ReferralLink({ code }: { code: string }) {
  const [origin, setOrigin] = useState("");
  const [copied, setCopied] = useState(false);
  useEffect(() => setOrigin(window.location.origin), []);
  const link = `${origin}/join?ref=${code}`;

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // Clipboard API needs a secure context; fall back to selecting the text.
      const input = document.getElementById("referral-link") as HTMLInputElement | null;
      input?.select();
      document.execCommand?.("copy");
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }

  return (
    <div className="flex flex-col gap-2 sm:flex-row">
      <input id="referral-link" readOnly value={link} className="field font-mono text-xs" aria-label="Your referral link" data-testid="referral-link" />
      <button type="button" className="btn shrink-0" onClick={copy}>{copied ? "Copied" : "Copy link"}</button>
    </div>
  );
}
