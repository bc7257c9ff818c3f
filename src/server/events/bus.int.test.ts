import { describe, expect, it } from "vitest";
import { createEventBus } from "./bus";
import { Topic, type TeamChangedEvent, type VolumeChangedEvent } from "./topics";

const redisUrl = process.env.REDIS_TEST_URL;

function joined(id: number): TeamChangedEvent {
  return {
    kind: "JOINED",
    member: {
      id, firstName: "Ivo", lastName: "Instance", country: "NL", referralCode: "IVO12345", role: "DISTRIBUTOR",
      status: "ACTIVE", preferredLeg: "LEFT", sponsorId: 1, sponsorPath: [1, id], sponsorDepth: 1,
      placementParentId: 1, placementPosition: 0, placementPath: [1, id], placementDepth: 1, joinedAt: new Date().toISOString(),
    },
  };
}

describe("event bus", () => {
  it("delivers an event to a subscriber in the same process", async () => {
    const bus = createEventBus("");
    const next = bus.subscribe(Topic.TeamChanged)[Symbol.asyncIterator]().next();
    bus.publish(Topic.TeamChanged, joined(7));
    expect((await next).value.member.id).toBe(7);
  });

  it.skipIf(!redisUrl)("carries an event from one instance to another through Redis", async () => {
    const a = createEventBus(redisUrl);
    const b = createEventBus(redisUrl);
    const iterator = b.subscribe(Topic.TeamChanged)[Symbol.asyncIterator]();
    const next = iterator.next();
    // The subscription reaches Redis asynchronously: publish until it is heard.
    let received: TeamChangedEvent | undefined;
    next.then((r) => (received = r.value));
    for (let i = 0; i < 50 && !received; i++) {
      a.publish(Topic.TeamChanged, joined(42));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(received?.member).toMatchObject({ id: 42, sponsorPath: [1, 42] });
    await iterator.return?.();
  });

  it.skipIf(!redisUrl)("carries one applier batch's volume totals to another instance, keyed by member", async () => {
    const a = createEventBus(redisUrl);
    const b = createEventBus(redisUrl);
    const iterator = b.subscribe(Topic.VolumeChanged)[Symbol.asyncIterator]();
    let received: VolumeChangedEvent | undefined;
    iterator.next().then((r) => (received = r.value));
    const totals = (memberId: number, gv: string) => ({ memberId, periodId: 3, pv: "0.00", bv: "0.00", gv, leftLeg: "0.00", rightLeg: gv, revision: 9, orderId: 77 });
    for (let i = 0; i < 50 && !received; i++) {
      a.publish(Topic.VolumeChanged, { periodId: 3, orderIds: [76, 77], totals: { 1: totals(1, "40.00"), 5: totals(5, "12.50") } });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(received?.orderIds).toEqual([76, 77]);
    expect(received?.totals["5"]).toEqual(totals(5, "12.50"));
    await iterator.return?.();
  });
});
