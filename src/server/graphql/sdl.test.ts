import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { breakingChanges, currentSdl, SDL_FILE } from "./sdl";

describe("the published schema (schema.graphql)", () => {
  it("is the schema the code serves: run `npm run schema:write` after changing the API", async () => {
    expect(existsSync(SDL_FILE), `${SDL_FILE} is missing: run npm run schema:write`).toBe(true);
    const published = readFileSync(SDL_FILE, "utf8");
    const current = await currentSdl();
    if (published !== current) {
      const breaking = breakingChanges(published, current).map((b) => `${b.type}: ${b.description}`);
      expect.fail(
        breaking.length
          ? `The API changed in ways that break clients; avoid them or acknowledge them (npm run schema:write -- --acknowledge "why"):\n${breaking.join("\n")}`
          : "The API changed: run npm run schema:write and commit schema.graphql.",
      );
    }
  }, 60_000);

  it("finds what breaks clients", () => {
    const before = "type Query { a: Int, b(x: Int): String }";
    expect(breakingChanges(before, "type Query { a: Int, b(x: Int): String, c: Int }")).toEqual([]);
    expect(breakingChanges(before, "type Query { a: Int }").map((b) => b.type)).toEqual(["FIELD_REMOVED"]);
    expect(breakingChanges(before, "type Query { a: String, b(x: Int!): String }").map((b) => b.type).sort()).toEqual(["ARG_CHANGED_KIND", "FIELD_CHANGED_KIND"]);
  });
});
