import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseBinaryLeg, InMemoryPlacementTree, LEFT, planPlacement, RIGHT, type PlacementConfig } from "./placement.rules";

describe("chooseBinaryLeg", () => {
  it.each([
    ["WEAKER_LEG", "LEFT", 5, 3, RIGHT, "the smaller leg wins"],
    ["WEAKER_LEG", "RIGHT", 2, 9, LEFT, "the smaller leg wins over the preference"],
    ["WEAKER_LEG", "RIGHT", 4, 4, RIGHT, "a tie goes to the preferred leg"],
    ["SPONSOR_CHOICE", "LEFT", 0, 10, LEFT, "the sponsor's choice ignores sizes"],
    ["OUTERMOST", "RIGHT", 0, 10, RIGHT, "outermost follows the preferred leg"],
  ] as const)("%s, prefers %s, legs %i/%i → %i (%s)", (policy, preferred, left, right, expected, _why) => {
    expect(chooseBinaryLeg(policy, preferred, left, right)).toBe(expected);
  });
});

async function grow(config: PlacementConfig, sponsorPicks: number[], preferred: ("LEFT" | "RIGHT")[]) {
  const tree = new InMemoryPlacementTree();
  tree.addRoot(1);
  for (let i = 0; i < sponsorPicks.length; i++) {
    const id = i + 2;
    const sponsorId = 1 + (sponsorPicks[i]! % (id - 1));
    const slot = await planPlacement(config, { id: sponsorId, preferredLeg: preferred[i % preferred.length]! }, tree);
    tree.place(id, slot);
  }
  return tree;
}

const configs: PlacementConfig[] = [
  { type: "UNILEVEL" },
  { type: "BINARY", spillover: "WEAKER_LEG" },
  { type: "BINARY", spillover: "SPONSOR_CHOICE" },
  { type: "BINARY", spillover: "OUTERMOST" },
  { type: "MATRIX", width: 3 },
];

describe("planPlacement", () => {
  it("never reuses a slot, keeps within the width and places below the sponsor, for any sign-up order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...configs),
        fc.array(fc.nat(), { minLength: 1, maxLength: 80 }),
        fc.array(fc.constantFrom("LEFT" as const, "RIGHT" as const), { minLength: 1, maxLength: 5 }),
        async (config, picks, preferred) => {
          // tree.place throws on a reused slot; widths and ancestry are checked here.
          const tree = await grow(config, picks, preferred);
          const width = config.type === "BINARY" ? 2 : config.type === "MATRIX" ? config.width : Infinity;
          for (let id = 1; id <= picks.length + 1; id++) {
            const kids = tree.childrenOf(id);
            expect(kids.size).toBeLessThanOrEqual(width);
            for (const pos of kids.keys()) expect(pos).toBeLessThan(width);
          }
          for (let i = 0; i < picks.length; i++) {
            const id = i + 2;
            const sponsorId = 1 + (picks[i]! % (id - 1));
            let p = tree.parentOf(id);
            while (p !== undefined && p !== sponsorId) p = tree.parentOf(p);
            expect(p, `member ${id} sits below its sponsor ${sponsorId}`).toBe(sponsorId);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("places unilevel recruits directly under the sponsor in sign-up order", async () => {
    const tree = await grow({ type: "UNILEVEL" }, [0, 0, 0], ["LEFT"]);
    expect([...tree.childrenOf(1).entries()]).toEqual([[0, 2], [1, 3], [2, 4]]);
  });

  it("fills a binary weaker leg breadth first", async () => {
    const tree = await grow({ type: "BINARY", spillover: "WEAKER_LEG" }, [0, 0, 0, 0, 0, 0], ["LEFT"]);
    expect([...tree.childrenOf(1).entries()]).toEqual([[LEFT, 2], [RIGHT, 3]]);
    expect(await tree.subtreeSize(2)).toBe(3);
    expect(await tree.subtreeSize(3)).toBe(3);
  });
});
