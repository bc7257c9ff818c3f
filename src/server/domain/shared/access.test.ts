import { describe, expect, it } from "vitest";
import { can, canSome, isSelfOr, listScopes, mayViewTeamOf, memberVisibility, type ScopeTarget } from "./access";
import { grantsOf } from "./permissions";
import { distributorViewer, superAdminViewer, type Viewer } from "./viewer";

const member = (id: number, path: number[], country = "US"): ScopeTarget => ({ id, country, sponsorPath: path, placementPath: path });

describe("memberVisibility", () => {
  const viewer = { ...distributorViewer(4), sponsorPath: [1, 4], placementPath: [1, 4] };
  it.each([
    ["themselves", { id: 4, sponsorPath: [1, 4], placementPath: [1, 4] }, "FULL"],
    ["a recruit", { id: 7, sponsorPath: [1, 4, 7], placementPath: [1, 4, 7] }, "PUBLIC"],
    ["a spillover placed below", { id: 8, sponsorPath: [1, 8], placementPath: [1, 4, 8] }, "PUBLIC"],
    ["their sponsor", { id: 1, sponsorPath: [1], placementPath: [1] }, "PUBLIC"],
    ["another line", { id: 5, sponsorPath: [1, 5], placementPath: [1, 5] }, "NONE"],
  ] as const)("a distributor sees %s: %s", (_label, target, expected) => {
    expect(memberVisibility(viewer, { ...target, country: "US" })).toBe(expected);
  });
  it("super admins see everyone in full", () => {
    expect(memberVisibility({ ...viewer, grants: grantsOf("super_admin") }, member(5, [1, 5]))).toBe("FULL");
  });
  it("members.read without members.personal shows the public part only", () => {
    expect(memberVisibility({ ...viewer, grants: grantsOf("finance") }, member(5, [1, 5]))).toBe("PUBLIC");
  });
  it("a country-limited grant covers that country only", () => {
    const de = { ...viewer, grants: grantsOf("support", { countries: ["DE"] }) };
    expect(memberVisibility(de, member(5, [1, 5], "DE"))).toBe("FULL");
    expect(memberVisibility(de, member(6, [1, 6], "FR"))).toBe("NONE");
  });
  it("an API key is nobody's self and has no upline", () => {
    const key: Viewer & { sponsorPath: number[]; placementPath: number[] } = { id: 0, role: "DISTRIBUTOR", grants: [], apiKeyId: 3, sponsorPath: [], placementPath: [] };
    expect(memberVisibility(key, member(0, [1]))).toBe("NONE");
  });
});

describe("can and its limits", () => {
  const germany: Viewer = { ...distributorViewer(9), grants: grantsOf("support", { countries: ["DE", "AT"] }) };
  const team: Viewer = { ...distributorViewer(4), grants: grantsOf("leader", { teamOf: 4 }) };
  it("a limited grant never counts company-wide", () => {
    expect(can(germany, "members.read")).toBe(false);
    expect(canSome(germany, "members.read")).toBe(true);
    expect(can(germany, "members.read", member(5, [1, 5], "AT"))).toBe(true);
    expect(can(germany, "members.read", member(5, [1, 5], "US"))).toBe(false);
  });
  it("a team grant covers the team in either tree", () => {
    expect(can(team, "orders.read", { id: 8, country: "US", sponsorPath: [1, 8], placementPath: [1, 4, 8] })).toBe(true);
    expect(can(team, "orders.read", member(5, [1, 5]))).toBe(false);
    expect(can(team, "orders.write", member(8, [1, 4, 8]))).toBe(false);
  });
  it("list scopes are the union of the limited grants, or ALL", () => {
    expect(listScopes(germany, "members.read")).toEqual([{ countries: ["DE", "AT"], teamOf: null }]);
    expect(listScopes(superAdminViewer(1), "members.read")).toBe("ALL");
    expect(listScopes(distributorViewer(2), "members.read")).toEqual([]);
  });
  it("isSelfOr: the member, or a covering grant; an API key is never self", () => {
    expect(isSelfOr(distributorViewer(3), "wallets.read", member(3, [1, 3]))).toBe(true);
    expect(isSelfOr(distributorViewer(4), "wallets.read", member(3, [1, 3]))).toBe(false);
    expect(isSelfOr(superAdminViewer(4), "wallets.read", member(3, [1, 3]))).toBe(true);
    expect(isSelfOr({ id: 3, role: "DISTRIBUTOR", grants: [], apiKeyId: 1 }, "wallets.read", member(3, [1, 3]))).toBe(false);
    expect(isSelfOr(null, "wallets.read", member(3, [1, 3]))).toBe(false);
  });
});

describe("mayViewTeamOf", () => {
  const target = { id: 7, country: "US", sponsorPath: [1, 4, 7], placementPath: [1, 4, 6, 7] };
  it.each([
    ["the member itself", distributorViewer(7), true],
    ["its sponsor", distributorViewer(4), true],
    ["a placement ancestor that did not sponsor it", distributorViewer(6), true],
    ["a member of another line", distributorViewer(5), false],
    ["an admin outside the tree", superAdminViewer(99), true],
    ["a US sub-admin", { ...distributorViewer(98), grants: grantsOf("support", { countries: ["US"] }) }, true],
    ["a German sub-admin", { ...distributorViewer(98), grants: grantsOf("support", { countries: ["DE"] }) }, false],
  ])("%s: %s", (_label, viewer, expected) => {
    expect(mayViewTeamOf(viewer, target)).toBe(expected);
  });
});
