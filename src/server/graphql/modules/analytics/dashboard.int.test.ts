import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { authSecret } from "@/server/auth/auth-config";
import { sessionService } from "@/server/domain/access/session.service";
import { orderService } from "@/server/domain/order/order.service";
import type { Viewer } from "@/server/domain/shared/viewer";
import { volumeService } from "@/server/domain/volume/volume.service";
import { callerFromRequest, createContext } from "@/server/graphql/context";
import { getApolloServer } from "@/server/graphql/server";
import { statements } from "@/test/statements";
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

describe("dashboard query", () => {
  it("answers a signed-in distributor's dashboard in two round trips (the session, then every part together), a downline page in three", async () => {
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

    // A downline page with each member's sponsor: the session, the level counts and the
    // page (the sponsors of a page come in one load; Max's is Lea, known from the session).
    const downline = await statements(async () => {
      const caller = await callerFromRequest({ cookie });
      return server.executeOperation({ query: `{ downline(first: 50) { totalCount edges { node { id sponsor { id firstName } } } } }` }, { contextValue: createContext(caller.viewer, null, caller.self) });
    });
    const page = downline.result.body.kind === "single" ? downline.result.body.singleResult.data!.downline : null;
    expect(page).toEqual({ totalCount: 1, edges: [{ node: { id: String(max.id), sponsor: { id: String(lea.id), firstName: lea.firstName } } }] });
    expect(downline.count).toBe(3);
  });
});
