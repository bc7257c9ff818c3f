"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { subscriptionClient } from "@/lib/graphql-client";

/**
 * Re-reads the page (server components) whenever a subscription pushes something: the rank
 * card after a volume change, a run page as the run moves. At most once a second. With
 * `pollMs` it also re-reads on that interval: what happened before the subscription was
 * up (a short run may finish first) still shows.
 */
export function RefreshOn({ query, variables, pollMs }: { query: string; variables: Record<string, unknown>; pollMs?: number }) {
  const router = useRouter();
  const last = useRef(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = subscriptionClient().subscribe(
      { query, variables: JSON.parse(key) },
      {
        next: () => {
          if (timer) return;
          const wait = Math.max(0, 1000 - (Date.now() - last.current));
          timer = setTimeout(() => {
            timer = null;
            last.current = Date.now();
            router.refresh();
          }, wait);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    const poll = pollMs ? setInterval(() => router.refresh(), pollMs) : null;
    return () => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      stop();
    };
  }, [query, key, router, pollMs]);
  return null;
}
