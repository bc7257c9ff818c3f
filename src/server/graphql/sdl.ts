import { buildSchema, findBreakingChanges, lexicographicSortSchema, printSchema, type BreakingChange } from "graphql";
import { getSchema } from "./schema";

/** The published schema file (repository root) and the log of acknowledged breaking changes. */
export const SDL_FILE = "schema.graphql";
export const CHANGES_FILE = "schema-changes.md";

/** The API's schema as SDL, types sorted so the file diffs cleanly. */
export async function currentSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}

/** What in `next` breaks clients of `published` (removed fields, changed types, …). */
export function breakingChanges(published: string, next: string): BreakingChange[] {
  return findBreakingChanges(buildSchema(published), buildSchema(next));
}
