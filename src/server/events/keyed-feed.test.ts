import { describe, expect, it } from "vitest";
import { publish } from "./bus";
import { keyedFeed } from "./keyed-feed";
import { Topic, type VolumeChangedEvent } from "./topics";

const totals = (memberId: number, gv: string, orderId: number) =>
  ({ memberId, periodId: 1, pv: "0.00", bv: "0.00", gv, leftLeg: "0.00", rightLeg: "0.00", revision: orderId, orderId });

describe("keyed feed", () => {
  it("hands each subscriber the value of its own key, only from events that hold it, until it stops", async () => {
    delete process.env.REDIS_URL;
    const feed = keyedFeed(Topic.VolumeChanged, (e: VolumeChangedEvent) => e.totals);
    const a1 = feed("1");
    const a2 = feed("1");
    const b = feed("2");
    const gotA1 = a1.next();
    const gotA2 = a2.next();
    let gotB: unknown = null;
    void b.next().then((r) => (gotB = r.value));
    await new Promise((r) => setTimeout(r, 10)); // the subscriptions are registered
    const event: VolumeChangedEvent = { periodId: 1, orderIds: [7], totals: { 1: totals(1, "40.00", 7), 3: totals(3, "40.00", 7) } };
    publish(Topic.VolumeChanged, event);
    const [x, y] = await Promise.all([gotA1, gotA2]);
    expect(x.value).toEqual(totals(1, "40.00", 7));
    // Both subscribers of one key get the very same value (built once per event and member).
    expect(y.value).toBe(x.value);
    await new Promise((r) => setTimeout(r, 10));
    expect(gotB).toBeNull(); // member 2 was not in the batch

    await a2.return?.();
    publish(Topic.VolumeChanged, { periodId: 1, orderIds: [8], totals: { 1: totals(1, "50.00", 8), 2: totals(2, "10.00", 8) } });
    expect((await a1.next()).value).toEqual(totals(1, "50.00", 8));
    await new Promise((r) => setTimeout(r, 10));
    expect(gotB).toEqual(totals(2, "10.00", 8));
    await a1.return?.();
    await b.return?.();
  });

  it("delivers to a listener synchronously, queued values first, and nothing after return()", async () => {
    delete process.env.REDIS_URL;
    const feed = keyedFeed(Topic.VolumeChanged, (e: VolumeChangedEvent) => e.totals);
    const a = feed("4");
    publish(Topic.VolumeChanged, { periodId: 1, orderIds: [1], totals: { 4: totals(4, "1.00", 1) } });
    await new Promise((r) => setTimeout(r, 10)); // queued: nobody listens or waits yet
    const got: string[] = [];
    a.listen((v) => got.push(v.gv));
    expect(got).toEqual(["1.00"]);
    publish(Topic.VolumeChanged, { periodId: 1, orderIds: [2], totals: { 4: totals(4, "2.00", 2), 5: totals(5, "9.00", 2) } });
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(["1.00", "2.00"]);
    await a.return!();
    publish(Topic.VolumeChanged, { periodId: 1, orderIds: [3], totals: { 4: totals(4, "3.00", 3) } });
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(["1.00", "2.00"]);
    expect(await a.next()).toEqual({ value: undefined, done: true });
  });
});
