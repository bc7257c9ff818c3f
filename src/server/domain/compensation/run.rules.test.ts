import { describe, expect, it } from "vitest";
import { isLineCursor, lineCursor } from "./run.rules";

describe("commission line cursors", () => {
  it("accepts what lineCursor makes and nothing else", () => {
    const made = lineCursor({ periodStartsAt: new Date("2026-10-01T00:00:00Z"), runId: 4, memberId: 1234, bonusIndex: 0, sourceMemberId: null, level: 2 });
    expect(isLineCursor(made)).toBe(true);
    for (const bad of ["", "x", `${made}|1`, made.replace("2026-10-01", "2026-99-99"), made.replace("|4|", `|${"9".repeat(30)}|`), "602670985878569164327252101278", "2026-10-01T00:00:00.000Z|1|2|3|4|-5"]) {
      expect(isLineCursor(bad), bad).toBe(false);
    }
  });
});
