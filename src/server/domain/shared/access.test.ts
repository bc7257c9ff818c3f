import { describe, expect, it } from "vitest";
import { isSelfOrAdmin, mayViewTeamOf, memberVisibility } from "./access";

describe("memberVisibility", () => {
  const viewer = { id: 4, role: "DISTRIBUTOR" as const, sponsorPath: [1, 4], placementPath: [1, 4] };
  it.each([
    ["themselves", { id: 4, sponsorPath: [1, 4], placementPath: [1, 4] }, "FULL"],
    ["a recruit", { id: 7, sponsorPath: [1, 4, 7], placementPath: [1, 4, 7] }, "PUBLIC"],
    ["a spillover placed below", { id: 8, sponsorPath: [1, 8], placementPath: [1, 4, 8] }, "PUBLIC"],
    ["their sponsor", { id: 1, sponsorPath: [1], placementPath: [1] }, "PUBLIC"],
    ["another line", { id: 5, sponsorPath: [1, 5], placementPath: [1, 5] }, "NONE"],
  ] as const)("a distributor sees %s: %s", (_label, target, expected) => {
    expect(memberVisibility(viewer, target)).toBe(expected);
  });
  it("admins see everyone in full", () => {
    expect(memberVisibility({ ...viewer, role: "ADMIN" as const }, { id: 5, sponsorPath: [1, 5], placementPath: [1, 5] })).toBe("FULL");
  });
});

describe("mayViewTeamOf", () => {
  const target = { id: 7, sponsorPath: [1, 4, 7], placementPath: [1, 4, 6, 7] };
  it.each([
    ["the member itself", { id: 7, role: "DISTRIBUTOR" as const }, true],
    ["its sponsor", { id: 4, role: "DISTRIBUTOR" as const }, true],
    ["a placement ancestor that did not sponsor it", { id: 6, role: "DISTRIBUTOR" as const }, true],
    ["a member of another line", { id: 5, role: "DISTRIBUTOR" as const }, false],
    ["an admin outside the tree", { id: 99, role: "ADMIN" as const }, true],
  ])("%s: %s", (_label, viewer, expected) => {
    expect(mayViewTeamOf(viewer, target)).toBe(expected);
  });
});

describe("isSelfOrAdmin", () => {
  it("lets the member and admins through, nobody else and not the signed-out", () => {
    expect(isSelfOrAdmin({ id: 3, role: "DISTRIBUTOR" }, 3)).toBe(true);
    expect(isSelfOrAdmin({ id: 4, role: "DISTRIBUTOR" }, 3)).toBe(false);
    expect(isSelfOrAdmin({ id: 4, role: "ADMIN" }, 3)).toBe(true);
    expect(isSelfOrAdmin(null, 3)).toBe(false);
  });
});
