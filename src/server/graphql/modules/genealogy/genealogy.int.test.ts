import { subscribe, parse, type ExecutionResult } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { memberService } from "@/server/domain/member/member.service";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { createContext } from "@/server/graphql/context";
import { getSchema } from "@/server/graphql/schema";
import { createAdmin, createRoot, registerUnder, registration, usePlacement, viewerOf } from "@/test/factories";
import { asMember } from "@/test/graphql";

/** Builds a sponsor chain root → a → b → c and a side line root → x. */
async function chain() {
  const root = await createRoot();
  const a = await registerUnder(root, { firstName: "Anna" });
  const b = await registerUnder(a, { firstName: "Ben" });
  const c = await registerUnder(b, { firstName: "Cleo" });
  const b2 = await registerUnder(a, { firstName: "Bea" });
  const x = await registerUnder(root, { firstName: "Xavier" });
  return { root, a, b, c, b2, x };
}

function assertValidBinaryTree(members: MemberRecord[], rootId: number) {
  const slots = new Set<string>();
  const byId = new Map(members.map((m) => [m.id, m]));
  for (const m of members) {
    if (m.id === rootId) continue;
    expect(m.placementPosition === 0 || m.placementPosition === 1).toBe(true);
    const key = `${m.placementParentId}/${m.placementPosition}`;
    expect(slots.has(key), `slot ${key} used twice`).toBe(false);
    slots.add(key);
    const parent = byId.get(m.placementParentId!)!;
    expect(parent, `parent of ${m.id} is in the tree`).toBeDefined();
    expect(m.placementPath).toEqual([...parent.placementPath, m.id]);
    expect(m.placementDepth).toBe(parent.placementDepth + 1);
  }
}

describe("binary placement", () => {
  it("places 50 simultaneous sign-ups under one sponsor in 50 distinct slots of a valid binary tree", async () => {
    await usePlacement({ type: "BINARY", spillover: "WEAKER_LEG" });
    const root = await createRoot();
    const sponsor = await registerUnder(root);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => registerUnder(sponsor)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const admin = await createAdmin();
    const team = await asMember(viewerOf(admin), `query($id: ID!) {
      downline(memberId: $id, tree: PLACEMENT, first: 200) { totalCount edges { depth node { id } } }
    }`, { id: String(sponsor.id) });
    expect(team.data!.downline.totalCount).toBe(50);
    const ids = team.data!.downline.edges.map((e: { node: { id: string } }) => Number(e.node.id));
    const members = (await memberService.findManyByIds([sponsor.id, ...ids]));
    assertValidBinaryTree(members, sponsor.id);
    // Weaker-leg spillover keeps the legs balanced: 50 below → 25 and 25, depth ≤ 5.
    const stats = await asMember(viewerOf(admin), `query($id: ID!) { teamStats(memberId: $id, tree: PLACEMENT) { directs levels { level count } } }`, { id: String(sponsor.id) });
    expect(stats.data!.teamStats.directs).toBe(2);
    expect(stats.data!.teamStats.levels.map((l: { count: number }) => l.count)).toEqual([2, 4, 8, 16, 20]);
  });

  it("follows the outer edge of the sponsor's preferred leg under OUTERMOST", async () => {
    await usePlacement({ type: "BINARY", spillover: "OUTERMOST" });
    const root = await createRoot();
    const s = await registerUnder(root);
    await memberService.updateProfile(viewerOf(s), s.id, { preferredLeg: "RIGHT" });
    const placed = [];
    for (let i = 0; i < 4; i++) placed.push(await registerUnder(s));
    expect(placed.map((m) => m.placementPosition)).toEqual([1, 1, 1, 1]);
    expect(placed.map((m) => m.placementDepth - s.placementDepth)).toEqual([1, 2, 3, 4]);
  });
});

describe("matrix placement", () => {
  it("fills a 3-wide matrix breadth first under the sponsor", async () => {
    await usePlacement({ type: "MATRIX", width: 3 });
    const root = await createRoot();
    const s = await registerUnder(root);
    const placed = [];
    for (let i = 0; i < 5; i++) placed.push(await registerUnder(s));
    expect(placed.slice(0, 3).map((m) => [m.placementParentId, m.placementPosition])).toEqual([[s.id, 0], [s.id, 1], [s.id, 2]]);
    expect(placed.slice(3).map((m) => [m.placementParentId, m.placementPosition])).toEqual([[placed[0]!.id, 0], [placed[0]!.id, 1]]);
    expect(placed.every((m) => m.sponsorId === s.id)).toBe(true);
  });
});

describe("downline, upline and team stats", () => {
  beforeAll(() => usePlacement({ type: "UNILEVEL" }));

  const DOWNLINE = `query($id: ID, $depth: Int, $first: Int, $after: String) {
    downline(memberId: $id, maxDepth: $depth, first: $first, after: $after) {
      totalCount edges { depth node { firstName email } } pageInfo { hasNextPage endCursor }
    }
  }`;

  it("lists the downline breadth first, to a depth, page by page", async () => {
    const { a } = await chain();
    const all = await asMember(viewerOf(a), DOWNLINE, {});
    expect(all.data!.downline.totalCount).toBe(3);
    expect(all.data!.downline.edges.map((e: { depth: number; node: { firstName: string } }) => [e.depth, e.node.firstName]))
      .toEqual([[1, "Ben"], [1, "Bea"], [2, "Cleo"]]);

    const shallow = await asMember(viewerOf(a), DOWNLINE, { depth: 1 });
    expect(shallow.data!.downline.totalCount).toBe(2);
    expect(shallow.data!.downline.edges).toHaveLength(2);

    const p1 = await asMember(viewerOf(a), DOWNLINE, { first: 2 });
    expect(p1.data!.downline.pageInfo.hasNextPage).toBe(true);
    const p2 = await asMember(viewerOf(a), DOWNLINE, { first: 2, after: p1.data!.downline.pageInfo.endCursor });
    expect(p2.data!.downline.edges.map((e: { node: { firstName: string } }) => e.node.firstName)).toEqual(["Cleo"]);
    expect(p2.data!.downline.pageInfo.hasNextPage).toBe(false);
    // A distributor does not get the contact data of the downline.
    expect(all.data!.downline.edges.every((e: { node: { email: string | null } }) => e.node.email === null)).toBe(true);
  });

  it("lets a distributor read their downline's downline but not another line's", async () => {
    const { a, b, x } = await chain();
    const mine = await asMember(viewerOf(a), DOWNLINE, { id: String(b.id) });
    expect(mine.data!.downline.totalCount).toBe(1);
    const other = await asMember(viewerOf(a), DOWNLINE, { id: String(x.id) });
    expect(other.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const up = await asMember(viewerOf(b), DOWNLINE, { id: String(a.id) });
    expect(up.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const stats = await asMember(viewerOf(a), `query($id: ID) { teamStats(memberId: $id) { teamSize } }`, { id: String(x.id) });
    expect(stats.errors![0]!.extensions!.code).toBe("FORBIDDEN");
  });

  it("refuses a cursor from another downline and a bad page size with a field error", async () => {
    const { a } = await chain();
    const res = await asMember(viewerOf(a), DOWNLINE, { id: String(a.id), after: Buffer.from("9:1.2").toString("base64url") });
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    const big = await asMember(viewerOf(a), DOWNLINE, { first: 5000 });
    expect(big.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });

  it("gives the upline from the top down to the parent", async () => {
    const { root, a, b, c } = await chain();
    const res = await asMember(viewerOf(c), `{ upline { firstName } }`);
    expect(res.data!.upline.map((m: { firstName: string }) => m.firstName)).toEqual([root.firstName, a.firstName, b.firstName]);
  });

  it("counts team size, directs, members per level and new members this week", async () => {
    const { a } = await chain();
    const res = await asMember(viewerOf(a), `{ teamStats { teamSize directs newThisWeek levels { level count newThisWeek } } }`);
    expect(res.data!.teamStats).toEqual({
      teamSize: 3, directs: 2, newThisWeek: 3,
      levels: [{ level: 1, count: 2, newThisWeek: 2 }, { level: 2, count: 1, newThisWeek: 1 }],
    });
  });
});

describe("teamChanged subscription", () => {
  const SUB = parse(`subscription($id: ID) { teamChanged(memberId: $id) { kind memberId sponsorLevel member { firstName email } } }`);

  async function start(viewer: MemberRecord | null, id?: number) {
    const result = await subscribe({
      schema: await getSchema(),
      document: SUB,
      variableValues: id ? { id: String(id) } : {},
      contextValue: createContext(viewer ? viewerOf(viewer) : null),
    });
    return result as AsyncGenerator<ExecutionResult> | ExecutionResult;
  }

  it("tells a member and their upline when someone joins below, with the level", async () => {
    await usePlacement({ type: "UNILEVEL" });
    const { a, b } = await chain();
    const mine = (await start(b)) as AsyncGenerator<ExecutionResult>;
    const upline = (await start(a, b.id)) as AsyncGenerator<ExecutionResult>;
    const next = [mine.next(), upline.next()];
    await registerUnder(b, { firstName: "Dora" });
    const [forB, forA] = await Promise.all(next);
    expect(forB.value.data.teamChanged).toEqual({ kind: "JOINED", memberId: String(b.id), sponsorLevel: 1, member: { firstName: "Dora", email: null } });
    expect(forA.value.data.teamChanged.memberId).toBe(String(b.id));
    await mine.return?.(undefined);
    await upline.return?.(undefined);
  });

  it("does not let a member watch another line or a signed-out caller watch anyone", async () => {
    const { a, x } = await chain();
    const other = (await start(a, x.id)) as ExecutionResult;
    expect(other.errors![0]!.message).toMatch(/may not/);
    const anon = (await start(null, a.id)) as ExecutionResult;
    expect(anon.errors![0]!.message).toMatch(/Sign in/);
  });

  it("does not fire for a sign-up in another line", async () => {
    const { b, x } = await chain();
    const mine = (await start(b)) as AsyncGenerator<ExecutionResult>;
    const next = mine.next();
    await registerUnder(x);
    const joined = await registerUnder(b, { firstName: "Only" });
    expect((await next).value.data.teamChanged.member.firstName).toBe(joined.firstName);
    await mine.return?.(undefined);
  });
});

describe("sign-up and placement stay consistent", () => {
  it("keeps sponsor and placement paths ending in the member", async () => {
    await usePlacement({ type: "BINARY", spillover: "SPONSOR_CHOICE" });
    const root = await createRoot();
    const m = await genealogyService.enrol(registration(root.referralCode));
    expect(m.sponsorPath).toEqual([root.id, m.id]);
    expect(m.placementPath.at(-1)).toBe(m.id);
  });
});
