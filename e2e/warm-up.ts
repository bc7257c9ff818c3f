import type { FullConfig } from "@playwright/test";

// The e2e tests run against `npm run dev`, which compiles each route on its first
// request; on a cold two-core machine that can take longer than a test's wait for a
// page. Ask for every route once (signed out: each still compiles, then redirects)
// before the first test, so the tests measure the app, not the compiler.
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
