import { z } from "zod";

/**
 * Placement: where a new member lands in the placement tree. Pure decisions over an
 * abstract view of the tree, so the same code runs against the database (sign-up),
 * against an in-memory tree (bulk generation) and in unit tests.
 */

export const LEFT = 0;
export const RIGHT = 1;
export type LegName = "LEFT" | "RIGHT";

export const placementConfigSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("UNILEVEL") }),
  z.object({
    type: z.literal("BINARY"),
    spillover: z.enum(["SPONSOR_CHOICE", "WEAKER_LEG", "OUTERMOST"]),
  }),
  z.object({ type: z.literal("MATRIX"), width: z.number().int().min(2).max(50) }),
]);
export type PlacementConfig = z.infer<typeof placementConfigSchema>;
export type SpilloverPolicy = Extract<PlacementConfig, { type: "BINARY" }>["spillover"];

export const DEFAULT_PLACEMENT: PlacementConfig = { type: "BINARY", spillover: "WEAKER_LEG" };

export interface Slot {
  parentId: number;
  position: number;
}

/** What placement needs to know about the tree; implemented by SQL and in memory. */
export interface PlacementTreeView {
  childAt(parentId: number, position: number): Promise<number | null>;
  /** Members in the subtree of nodeId, nodeId included. */
  subtreeSize(nodeId: number): Promise<number>;
  /**
   * The shallowest member of rootId's subtree (rootId included) with fewer than
   * `width` children; ties go to the smallest path (the earliest-joined lineage:
   * ids grow with join order). Its free positions.
   */
  firstOpenSlot(rootId: number, width: number): Promise<{ nodeId: number; freePositions: number[] }>;
  /** One past the highest child position under parentId (0 when it has none). */
  nextPosition(parentId: number): Promise<number>;
  /** The last member reached from nodeId by always taking the child at `position` (nodeId when it has none). */
  outerEnd(nodeId: number, position: number): Promise<number>;
}

export interface SponsorForPlacement {
  id: number;
  preferredLeg: LegName;
}

/** Number of children a placement node can hold (Infinity for unilevel). */
export function placementWidth(config: PlacementConfig): number {
  // 1. unilevel: unlimited frontline  2. binary: two legs  3. matrix: configured width
  switch (config.type) {
    case "UNILEVEL":
      return Number.POSITIVE_INFINITY;
    case "BINARY":
      return 2;
    case "MATRIX":
      return config.width;
  }
}

export function legPosition(leg: LegName): number {
  return leg === "LEFT" ? LEFT : RIGHT;
}

/**
 * Which of the sponsor's two legs a new recruit goes into.
 * 1. WEAKER_LEG: the leg with fewer members; a tie goes to the sponsor's preferred leg
 * 2. SPONSOR_CHOICE and OUTERMOST: the sponsor's preferred leg
 */
export function chooseBinaryLeg(
  policy: SpilloverPolicy,
  preferred: LegName,
  leftSize: number,
  rightSize: number,
): number {
  if (policy === "WEAKER_LEG" && leftSize !== rightSize) return leftSize < rightSize ? LEFT : RIGHT;
  return legPosition(preferred);
}

export async function planPlacement(
  config: PlacementConfig,
  sponsor: SponsorForPlacement,
  tree: PlacementTreeView,
): Promise<Slot> {
  switch (config.type) {
    case "UNILEVEL":
      return { parentId: sponsor.id, position: await tree.nextPosition(sponsor.id) };
    case "MATRIX": {
      const open = await tree.firstOpenSlot(sponsor.id, config.width);
      return { parentId: open.nodeId, position: open.freePositions[0]! };
    }
    case "BINARY":
      return planBinary(config.spillover, sponsor, tree);
  }
}

async function planBinary(
  policy: SpilloverPolicy,
  sponsor: SponsorForPlacement,
  tree: PlacementTreeView,
): Promise<Slot> {
  const [leftChild, rightChild] = await Promise.all([
    tree.childAt(sponsor.id, LEFT),
    tree.childAt(sponsor.id, RIGHT),
  ]);
  const leg =
    policy === "WEAKER_LEG"
      ? chooseBinaryLeg(
          policy,
          sponsor.preferredLeg,
          leftChild === null ? 0 : await tree.subtreeSize(leftChild),
          rightChild === null ? 0 : await tree.subtreeSize(rightChild),
        )
      : legPosition(sponsor.preferredLeg);
  const legRoot = leg === LEFT ? leftChild : rightChild;
  if (legRoot === null) return { parentId: sponsor.id, position: leg };
  if (policy === "OUTERMOST") {
    // Follow the outer edge of the leg down to its end (one level per recruit: asked in one go).
    return { parentId: await tree.outerEnd(legRoot, leg), position: leg };
  }
  const open = await tree.firstOpenSlot(legRoot, 2);
  return { parentId: open.nodeId, position: open.freePositions[0]! };
}

/**
 * An in-memory placement tree with the same semantics as the SQL view: used to
 * generate large networks and to test the rules. Node ids must be inserted parent first.
 */
export class InMemoryPlacementTree implements PlacementTreeView {
  private readonly children = new Map<number, Map<number, number>>();
  private readonly parent = new Map<number, number>();
  private readonly size = new Map<number, number>();

  addRoot(id: number): void {
    this.size.set(id, 1);
  }

  place(id: number, slot: Slot): void {
    const kids = this.children.get(slot.parentId) ?? new Map<number, number>();
    if (kids.has(slot.position)) throw new Error(`slot ${slot.parentId}/${slot.position} is taken`);
    kids.set(slot.position, id);
    this.children.set(slot.parentId, kids);
    this.parent.set(id, slot.parentId);
    this.size.set(id, 1);
    for (let p: number | undefined = slot.parentId; p !== undefined; p = this.parent.get(p)) {
      this.size.set(p, (this.size.get(p) ?? 1) + 1);
    }
  }

  parentOf(id: number): number | undefined {
    return this.parent.get(id);
  }

  childrenOf(id: number): Map<number, number> {
    return this.children.get(id) ?? new Map();
  }

  async childAt(parentId: number, position: number): Promise<number | null> {
    return this.children.get(parentId)?.get(position) ?? null;
  }

  async subtreeSize(nodeId: number): Promise<number> {
    return this.size.get(nodeId) ?? 0;
  }

  async nextPosition(parentId: number): Promise<number> {
    const kids = this.children.get(parentId);
    return kids && kids.size > 0 ? Math.max(...kids.keys()) + 1 : 0;
  }

  async outerEnd(nodeId: number, position: number): Promise<number> {
    let node = nodeId;
    for (let next = this.children.get(node)?.get(position); next !== undefined; next = this.children.get(node)?.get(position)) node = next;
    return node;
  }

  async firstOpenSlot(rootId: number, width: number) {
    // Breadth first, children in id order: the same order as (depth, path) in SQL.
    let level = [rootId];
    while (level.length > 0) {
      const next: number[] = [];
      for (const node of level) {
        const kids = this.children.get(node) ?? new Map<number, number>();
        if (kids.size < width) {
          const freePositions: number[] = [];
          for (let p = 0; p < width; p++) if (!kids.has(p)) freePositions.push(p);
          return { nodeId: node, freePositions };
        }
        next.push(...[...kids.values()].sort((a, b) => a - b));
      }
      level = next;
    }
    throw new Error(`node ${rootId} is not in the tree`);
  }
}
