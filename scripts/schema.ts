import { existsSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { breakingChanges, CHANGES_FILE, currentSdl, SDL_FILE } from "../src/server/graphql/sdl";

/**
 * npm run schema:write [-- --acknowledge "why clients must change"]
 * Writes the API's schema to schema.graphql. A change that breaks clients (a field
 * removed, a type changed, an argument made required) is refused unless acknowledged;
 * an acknowledged one is recorded in schema-changes.md with the reason. The test
 * src/server/graphql/sdl.test.ts fails while schema.graphql differs from the code.
 */
const args = process.argv.slice(2);
const ack = args.includes("--acknowledge") ? args[args.indexOf("--acknowledge") + 1]?.trim() : null;
const next = await currentSdl();
const published = existsSync(SDL_FILE) ? readFileSync(SDL_FILE, "utf8") : null;
if (published === next) {
  console.log(`${SDL_FILE} is up to date.`);
  process.exit(0);
}
const breaking = published ? breakingChanges(published, next) : [];
if (breaking.length > 0 && !ack) {
  console.error(`These changes break clients of the published schema:\n${breaking.map((b) => `  - ${b.type}: ${b.description}`).join("\n")}`);
  console.error(`Avoid them (deprecate instead), or acknowledge them: npm run schema:write -- --acknowledge "why"`);
  process.exit(1);
}
if (breaking.length > 0) {
  appendFileSync(CHANGES_FILE, `\n## ${new Date().toISOString().slice(0, 10)}: ${ack}\n\n${breaking.map((b) => `- ${b.type}: ${b.description}`).join("\n")}\n`);
}
writeFileSync(SDL_FILE, next);
console.log(`wrote ${SDL_FILE}${breaking.length ? ` (${breaking.length} breaking change(s) recorded in ${CHANGES_FILE})` : ""}`);
process.exit(0);
