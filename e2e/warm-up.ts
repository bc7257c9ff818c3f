import type { FullConfig } from "@playwright/test";

// Ask for every route once before the first test (signed out: each redirects or answers),
// so a route that cannot even render fails here, by name, rather than in some test's
// wait; against `npm run dev` (a dev server) it also compiles each route first.
const ROUTES = ["/login", "/join", "/", "/dashboard", "/genealogy", "/profile", "/orders", "/admin", "/admin/orders", "/admin/orders/1", "/admin/products", "/admin/products/1", "/admin/members", "/admin/members/1", "/wallet", "/admin/withdrawals", "/admin/ledger", "/admin/ledger/1", "/earnings", "/admin/compensation", "/admin/compensation/runs/1", "/api/exports/payout-batches/1", "/api/auth/session", "/api/graphql?query=%7B__typename%7D"];

export default async function warmUp(config: FullConfig) {
  const baseURL = config.projects[0]?.use.baseURL;
  if (!baseURL) return;
  for (const route of ROUTES) {
    const res = await fetch(new URL(route, baseURL), { redirect: "manual", signal: AbortSignal.timeout(180_000) });
    await res.arrayBuffer();
    if (res.status >= 500) throw new Error(`warm-up: ${route} answered ${res.status}`);
  }
}
