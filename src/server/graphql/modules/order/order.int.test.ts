import { parse, subscribe, type ExecutionResult } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { Viewer } from "@/server/domain/shared/viewer";
import { setVolumeApplier, volumeService } from "@/server/domain/volume/volume.service";
import { createContext } from "@/server/graphql/context";
import { getSchema } from "@/server/graphql/schema";
import { ADDRESS, createAdmin, createProduct, createRoot, defaultWarehouse, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { asAnonymous, asMember } from "@/test/graphql";

let admin: Viewer;

beforeAll(async () => {
  await usePlacement({ type: "BINARY", spillover: "WEAKER_LEG" });
  admin = viewerOf(await createAdmin());
  await defaultWarehouse();
  // The applier as the job runner runs it: woken by every commit that appended volume.
  setVolumeApplier(() => void volumeService.applyPending());
  return () => setVolumeApplier(null);
});

const PLACE = `mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { id status total tax pv currency lines { id sku quantity unitPrice } } errors { field code message } }
}`;
const PAY = `mutation($id: ID!, $provider: String) { markOrderPaid(orderId: $id, provider: $provider) { order { id status periodId paidAt } errors { field code } } }`;
const SUMMARY = `query($id: ID) { volumeSummary(memberId: $id) { memberId pv bv gv leftLegVolume rightLegVolume revision } }`;

function placeInput(productId: string | number, overrides: Record<string, unknown> = {}) {
  return { lines: [{ productId: String(productId), quantity: 2 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor(), ...overrides };
}

async function threeLevels() {
  const root = await createRoot();
  const a = await placeUnder(root);
  const b = await placeUnder(a);
  const c = await placeUnder(b);
  return { root, a, b, c };
}

describe("catalog API", () => {
  it("lets admins create and change products, with field errors for bad input", async () => {
    const bad = await asMember(admin, `mutation { createProduct(input: { sku: "a b", name: "", category: "Tea", pv: "-1", prices: [{ currency: "EURO", amount: "1.999" }] }) { product { id } errors { field code } } }`);
    expect(bad.errors).toBeUndefined();
    expect(bad.data!.createProduct.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort()).toEqual(
      ["name:REQUIRED", "prices.0.amount:INVALID", "prices.0.currency:INVALID", "pv:INVALID", "sku:INVALID"],
    );
    const ok = await asMember(admin, `mutation { createProduct(input: { sku: "tea-01", name: "Green tea", category: "Tea", pv: "12.5", bv: "10", prices: [{ currency: "usd", amount: "9.90" }] }) { product { id sku pv prices { currency amount } } errors { code } } }`);
    expect(ok.data!.createProduct.product).toMatchObject({ sku: "TEA-01", pv: "12.50", prices: [{ currency: "USD", amount: "9.90" }] });
    const id = ok.data!.createProduct.product.id;
    const dup = await asMember(admin, `mutation { createProduct(input: { sku: "TEA-01", name: "Again", category: "Tea", prices: [{ currency: "USD", amount: "1" }] }) { errors { field code } } }`);
    expect(dup.data!.createProduct.errors).toEqual([{ field: "sku", code: "SKU_TAKEN" }]);

    const [wh] = (await asMember(admin, `{ warehouses { id code } }`)).data!.warehouses;
    const adj = await asMember(admin, `mutation($p: ID!, $w: ID!) { adjustStock(input: { productId: $p, warehouseId: $w, delta: 5, reason: "Delivery from supplier" }) { stock { onHand available } errors { code } } }`, { p: id, w: wh.id });
    expect(adj.data!.adjustStock.stock).toEqual({ onHand: 5, available: 5 });
    const below = await asMember(admin, `mutation($p: ID!, $w: ID!) { adjustStock(input: { productId: $p, warehouseId: $w, delta: -6, reason: "Broken" }) { stock { onHand } errors { field code } } }`, { p: id, w: wh.id });
    expect(below.data!.adjustStock).toEqual({ stock: null, errors: [{ field: "delta", code: "STOCK_BELOW_RESERVED" }] });
    const history = await asMember(admin, `query($id: ID!) { product(id: $id) { stockAdjustments { delta reason actorName } } }`, { id });
    expect(history.data!.product.stockAdjustments).toEqual([{ delta: 5, reason: "Delivery from supplier", actorName: "Ada Admin" }]);

    await asMember(admin, `mutation($id: ID!) { updateProduct(id: $id, input: { active: false }) { product { active } } }`, { id });
    const anon = await asAnonymous(`query($id: ID!) { product(id: $id) { id } }`, { id });
    expect(anon.errors![0]!.extensions!.code).toBe("NOT_FOUND");
  });

  it("does not let distributors change the catalog or see stock", async () => {
    const root = await createRoot();
    const res = await asMember(viewerOf(root), `mutation { createProduct(input: { sku: "X1", name: "X", category: "X", prices: [] }) { errors { code } } }`);
    expect(res.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });
});

describe("orders API", () => {
  it("places, pays and reports volume up the tree; the upline may read it, another line may not", async () => {
    const { root, a, c } = await threeLevels();
    const outsider = await createRoot();
    const product = await createProduct(admin, { pv: "30.00", price: "25.00" });
    const placed = await asMember(viewerOf(c), PLACE, { input: placeInput(product.id) });
    expect(placed.data!.placeOrder.errors).toEqual([]);
    const order = placed.data!.placeOrder.order;
    expect(order).toMatchObject({ status: "PENDING", total: "50.00", pv: "60.00", currency: "USD" });

    // The buyer may pay with the test provider, not with the admins' manual one.
    expect((await asMember(viewerOf(c), PAY, { id: order.id, provider: "manual" })).errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const paid = await asMember(viewerOf(c), PAY, { id: order.id, provider: "test" });
    expect(paid.data!.markOrderPaid.order.status).toBe("PAID");
    await volumeService.applyPending();

    const forRoot = await asMember(viewerOf(a), SUMMARY, { id: String(root.id) });
    expect(forRoot.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const mine = await asMember(viewerOf(a), SUMMARY, { id: String(c.id) });
    expect(mine.data!.volumeSummary).toMatchObject({ pv: "60.00", gv: "60.00" });
    const own = await asMember(viewerOf(root), SUMMARY);
    expect(own.data!.volumeSummary).toMatchObject({ pv: "0.00", gv: "60.00" });
    expect(Number(own.data!.volumeSummary.leftLegVolume) + Number(own.data!.volumeSummary.rightLegVolume)).toBe(60);
    expect((await asMember(viewerOf(outsider), `query($id: ID!) { order(id: $id) { id } }`, { id: order.id })).errors![0]!.extensions!.code).toBe("FORBIDDEN");

    const list = await asMember(viewerOf(c), `{ orders { totalCount edges { node { id status } } } }`);
    expect(list.data!.orders).toEqual({ totalCount: 1, edges: [{ node: { id: order.id, status: "PAID" } }] });
    const others = await asMember(viewerOf(outsider), `{ orders { totalCount } }`);
    expect(others.data!.orders.totalCount).toBe(0);
  });

  it("answers an out-of-stock order, a bad payment provider and a cancelled order's payment with payload errors", async () => {
    const root = await createRoot();
    const product = await createProduct(admin, { stock: 1 });
    const none = await asMember(viewerOf(root), PLACE, { input: placeInput(product.id) });
    expect(none.data!.placeOrder).toMatchObject({ order: null, errors: [{ field: "lines.0.productId", code: "OUT_OF_STOCK" }] });
    const one = await asMember(viewerOf(root), PLACE, { input: placeInput(product.id, { lines: [{ productId: String(product.id), quantity: 1 }] }) });
    const id = one.data!.placeOrder.order.id;
    expect((await asMember(admin, PAY, { id, provider: "stripe" })).data!.markOrderPaid.errors).toEqual([{ field: "provider", code: "PAYMENT_PROVIDER" }]);
    const cancelled = await asMember(viewerOf(root), `mutation($id: ID!) { cancelOrder(orderId: $id) { order { status } errors { code } } }`, { id });
    expect(cancelled.data!.cancelOrder.order.status).toBe("CANCELLED");
    expect((await asMember(admin, PAY, { id })).data!.markOrderPaid.errors).toEqual([{ field: "orderId", code: "INVALID_TRANSITION" }]);
    // The unit is free again.
    const again = await asMember(viewerOf(root), PLACE, { input: placeInput(product.id, { lines: [{ productId: String(product.id), quantity: 1 }] }) });
    expect(again.data!.placeOrder.errors).toEqual([]);
  });

  it("credits a customer's order to the customer's distributor", async () => {
    const root = await createRoot();
    const product = await createProduct(admin, { pv: "5.00" });
    const created = await asMember(viewerOf(root), `mutation { createCustomer(input: { firstName: "Carl", lastName: "Kunde", country: "de" }) { customer { id distributorId } errors { code } } }`);
    const customer = created.data!.createCustomer.customer;
    expect(customer.distributorId).toBe(String(root.id));
    const placed = await asMember(viewerOf(root), PLACE, { input: placeInput(product.id, { customerId: customer.id }) });
    await asMember(admin, PAY, { id: placed.data!.placeOrder.order.id });
    await volumeService.applyPending();
    expect((await asMember(viewerOf(root), SUMMARY)).data!.volumeSummary.pv).toBe("10.00");
    const other = await createRoot();
    const stolen = await asMember(viewerOf(other), PLACE, { input: placeInput(product.id, { customerId: customer.id }) });
    expect(stolen.data!.placeOrder.errors).toEqual([expect.objectContaining({ field: "customerId", code: "CUSTOMER_NOT_FOUND" })]);
  });
});

describe("live numbers", () => {
  const VOLUME = parse(`subscription($id: ID) { volumeUpdated(memberId: $id) { memberId pv gv leftLegVolume rightLegVolume orderId revision } }`);
  const FEED = parse(`subscription { orderPlaced { id memberName total currency itemCount } }`);

  async function start(doc: ReturnType<typeof parse>, viewer: MemberRecord | Viewer, id?: number) {
    return subscribe({ schema: await getSchema(), document: doc, variableValues: id ? { id: String(id) } : {}, contextValue: createContext(viewerOf(viewer as MemberRecord)) });
  }

  it("pushes an update to a sponsor three levels up once the applier has taken the payment, then one for the refund", async () => {
    const { root, c } = await threeLevels();
    const product = await createProduct(admin, { pv: "40.00" });
    const stream = (await start(VOLUME, root)) as AsyncGenerator<ExecutionResult>;
    const first = stream.next();
    const order = (await asMember(viewerOf(c), PLACE, { input: placeInput(product.id) })).data!.placeOrder.order;
    await asMember(admin, PAY, { id: order.id });
    const got = (await first).value.data.volumeUpdated;
    expect(got).toMatchObject({ memberId: String(root.id), gv: "80.00", pv: "0.00", orderId: order.id });
    // A refund reverses it, and the next event says so.
    const second = stream.next();
    await asMember(admin, `mutation($id: ID!) { refundOrder(orderId: $id) { order { status } } }`, { id: order.id });
    const back = (await second).value.data.volumeUpdated;
    expect(back.gv).toBe("0.00");
    expect(back.revision).toBeGreaterThan(got.revision);
    await stream.return?.(undefined);
  });

  it("keeps the sales feed for admins and another line's volume from distributors", async () => {
    const { a } = await threeLevels();
    const outsider = await createRoot();
    const refused = (await start(VOLUME, outsider, a.id)) as ExecutionResult;
    // Raw graphql-js results (graphql-ws formats them on the wire): the access error itself.
    expect(refused.errors![0]!.message).toMatch(/may not/);
    expect(((await start(FEED, a)) as ExecutionResult).errors![0]!.message).toMatch(/may not/);

    const feed = (await start(FEED, admin)) as AsyncGenerator<ExecutionResult>;
    const next = feed.next();
    const product = await createProduct(admin, { price: "12.00" });
    await asMember(viewerOf(a), PLACE, { input: placeInput(product.id) });
    expect((await next).value.data.orderPlaced).toMatchObject({ memberName: "Tom Tree", total: "24.00", currency: "USD", itemCount: 2 });
    await feed.return?.(undefined);
  });
});
