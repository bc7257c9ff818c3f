import { encode } from "next-auth/jwt";
import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { authSecret } from "@/server/auth/auth-config";
import { databaseUrl, sharedPglite } from "@/server/db/driver";
import { sessionService } from "@/server/domain/access/session.service";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { callerFromRequest, createContext } from "@/server/graphql/context";
import { getApolloServer } from "@/server/graphql/server";
import { ADDRESS, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";

const DASHBOARD = `query Dashboard {
  dashboard {
    member { id firstName referralCode sponsor { id } }
    period { id startsAt endsAt }
    volume { pv gv leftLegVolume rightLegVolume revision }
    lastPeriodSoFar { pv gv }
    team { teamSize directs newThisWeek }
    ...legs
    recentOrders { id status total pv placedAt }
  }
}
fragment legs on Dashboard { topLegs { memberId firstName gv } }`;

let admin: Viewer;

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
});

/** Counts the statements sent to the database while fn runs (PostgreSQL's client, or PGlite). */
async function statements<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  const spies = databaseUrl()
    ? [vi.spyOn(pg.Client.prototype, "query")]
    : [vi.spyOn(sharedPglite(), "query"), vi.spyOn(sharedPglite(), "exec")];
  try {
    const result = await fn();
    if (process.env.SHOW_SQL) for (const s of spies) for (const c of s.mock.calls) console.log(String(c[0]).slice(0, 160).replace(/\s+/g, " "));
    return { result, count: spies.reduce((n, s) => n + s.mock.calls.length, 0) };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

describe("dashboard query", () => {
  it("answers a signed-in distributor's dashboard in two round trips: the session, then every part together", async () => {
    const root = await createRoot();
    const lea = await placeUnder(root);
    const max = await placeUnder(lea);
    const product = await createProduct(admin, { pv: "40.00" });
    const own = await orderService.place(viewerOf(lea), { lines: [{ productId: product.id, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, own.id);
    const team = await orderService.place(viewerOf(max), { lines: [{ productId: product.id, quantity: 2 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() });
    await orderService.markPaid(admin, team.id);
    await volumeService.applyPending();
    // Period look-ups are kept for a few seconds: warm them as a running server has them.
    await volumeService.previousPeriod(await volumeService.currentPeriod());
    const sid = await sessionService.start(lea.id, null, null);
    const cookie = `next-auth.session-token=${encodeURIComponent(await encode({ token: { sub: String(lea.id), sid }, secret: authSecret() }))}`;
    const server = await getApolloServer();

    const { result, count } = await statements(async () => {
      const caller = await callerFromRequest({ cookie });
      return server.executeOperation({ query: DASHBOARD }, { contextValue: createContext(caller.viewer, null, caller.self) });
    });
    const body = result.body.kind === "single" ? result.body.singleResult : null;
    expect(body?.errors).toBeUndefined();
    const d = body!.data!.dashboard as Record<string, unknown>;
    expect(d.member).toEqual({ id: String(lea.id), firstName: lea.firstName, referralCode: lea.referralCode, sponsor: { id: String(root.id) } });
    expect(d.volume).toMatchObject({ pv: "40.00", gv: "120.00" });
    expect(d.team).toEqual({ teamSize: 1, directs: 1, newThisWeek: 1 });
    expect(d.topLegs).toEqual([{ memberId: String(max.id), firstName: max.firstName, gv: "80.00" }]);
    expect((d.recentOrders as { id: string }[]).map((o) => o.id)).toEqual([String(own.id)]);
    // The session with the member, roles and two-factor state; then the parts asked for;
    // the sponsor through the member loader, batched: three statements.
    expect(count).toBe(3);

    // Without the sponsor: two.
    const lean = await statements(async () => {
      const caller = await callerFromRequest({ cookie });
      return server.executeOperation({ query: `{ dashboard { member { firstName } volume { gv } team { teamSize } recentOrders { id } } }` }, { contextValue: createContext(caller.viewer, null, caller.self) });
    });
    expect(lean.count).toBe(2);
  });
});
