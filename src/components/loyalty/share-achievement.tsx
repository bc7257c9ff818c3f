"use client";
import { useEffect, useState } from "react";

/** Share links for one achievement (WhatsApp, Facebook, X, copy): the page they open carries the member's referral code. */
export function ShareAchievement({ title, path }: { title: string; path: string }) {
  const [origin, setOrigin] = useState("");
  const [copied, setCopied] = useState(false);
  useEffect(() => setOrigin(window.location.origin), []);
  const url = `${origin}${path}`;
  const text = `I earned "${title}"! Join my team:`;
  const targets = [
    { name: "WhatsApp", href: `https://wa.me/?text=${encodeURIComponent(`${text} ${url}`)}` },
    { name: "Facebook", href: `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}` },
    { name: "X", href: `https://x.com/intent/post?text=${encodeURIComponent(text)}&url=${encodeURIComponent(url)}` },
  ];
  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      window.prompt("Copy this link", url);
    }
  }
  return (
    <details className="text-sm" data-testid="share-achievement">
      <summary className="cursor-pointer text-blue-700">Share “{title}”</summary>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        {targets.map((t) => (
          <a key={t.name} className="rounded border border-gray-300 px-2 py-1" href={t.href} target="_blank" rel="noopener noreferrer">{t.name}</a>
        ))}
        <button type="button" className="rounded border border-gray-300 px-2 py-1" onClick={copy}>{copied ? "Copied" : "Copy link"}</button>
        <a className="text-xs text-gray-500 underline" href={path} target="_blank" rel="noopener" data-testid="share-preview">Preview the card</a>
      </div>
    </details>
  );
}
