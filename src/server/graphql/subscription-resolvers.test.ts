import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { getSchema } from "./schema";

describe("subscription event resolvers", () => {
  it("map each event synchronously with the resolver's own method, and refuse a NUL in the arguments", async () => {
    const fields = (await getSchema()).getSubscriptionType()!.getFields();
    const totals = { memberId: 7, periodId: 1, pv: "1.00", bv: "1.00", gv: "5.00", leftLeg: "2.00", rightLeg: "3.00", revision: 4, orderId: 9 };
    const resolve = fields.volumeUpdated!.resolve!;
    const out = resolve(totals, { memberId: "7" }, {}, {} as GraphQLResolveInfo);
    // Not a promise: each event reaches its subscribers without a chain of promises.
    expect(out).not.toBeInstanceOf(Promise);
    expect(out).toMatchObject({ memberId: 7, gv: "5.00", leftLegVolume: "2.00", rightLegVolume: "3.00" });
    let refused: unknown;
    try {
      resolve(totals, { memberId: "7\u0000" }, {}, {} as GraphQLResolveInfo);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "memberId" });
    // Every subscription of the API takes this path (none is guarded by @Authorized or
    // middleware): the refusal is thrown at once, not a rejected promise of the middleware chain.
    for (const [name, field] of Object.entries(fields)) {
      expect(() => field.resolve!({}, { probe: "\u0000" }, {}, {} as GraphQLResolveInfo), name).toThrow("probe contains a NUL character");
    }
  }, 60_000);
});
