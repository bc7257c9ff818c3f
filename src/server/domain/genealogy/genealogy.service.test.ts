import { afterEach, describe, expect, it, vi } from "vitest";
import { genealogyRepository } from "./genealogy.repository";
import { genealogyService } from "./genealogy.service";
import { distributorViewer } from "@/server/domain/shared/viewer";

const member = (id: number, path: number[]) => ({
  id, email: "", firstName: "A", lastName: "B", country: "DE", phone: "", referralCode: "X", role: "DISTRIBUTOR" as const,
  status: "ACTIVE" as const, preferredLeg: "LEFT" as const, sponsorId: path.at(-2) ?? null, sponsorPath: path, sponsorDepth: path.length - 1,
  placementParentId: path.at(-2) ?? null, placementPosition: 0, placementPath: path, placementDepth: path.length - 1, joinedAt: new Date(), birthDate: null, tags: [],
});

describe("mayWatchTeam", () => {
  afterEach(() => vi.restoreAllMocks());

  it("says yes to the upline and no to another line", async () => {
    vi.spyOn(genealogyRepository, "findMembers").mockResolvedValue([member(7, [1, 4, 7])]);
    expect(await genealogyService.mayWatchTeam(distributorViewer(4), 7)).toBe(true);
    expect(await genealogyService.mayWatchTeam(distributorViewer(5), 7)).toBe(false);
  });

  it("lets a failure to read the tree through instead of answering FORBIDDEN", async () => {
    vi.spyOn(genealogyRepository, "findMembers").mockRejectedValue(new Error("connection terminated"));
    await expect(genealogyService.mayWatchTeam(distributorViewer(4), 7)).rejects.toThrow("connection terminated");
  });
});
