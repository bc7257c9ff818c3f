import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// type-graphql names a type after its class unless told otherwise, and `next build`
// minifies server classes (Member became "w"): the public names third parties use must
// therefore be written out in every @ObjectType / @InputType / @InterfaceType.
const root = path.resolve(import.meta.dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function unnamedTypeDecorators(source: string): string[] {
  // Only the first argument matters: a string or a variable (the type factories in
  // graphql/shared pass the name they are given) names the type; an options object or
  // nothing means the class name decides. Descriptions may hold parentheses.
  return [...source.matchAll(/@(ObjectType|InputType|InterfaceType)\(\s*([{)])?/g)]
    .filter((match) => match[2] !== undefined)
    .map((match) => `@${match[1]} on ${/class\s+(\w+)/.exec(source.slice(match.index))?.[1] ?? "?"}`);
}

describe("GraphQL type names", () => {
  it("finds a decorator without a name (so the check below can fail)", () => {
    expect(unnamedTypeDecorators(`@ObjectType({ description: "x" })\nexport class Member {}`)).toEqual(["@ObjectType on Member"]);
    expect(unnamedTypeDecorators(`@InputType()\nclass Filter {}`)).toEqual(["@InputType on Filter"]);
    expect(unnamedTypeDecorators(`@ObjectType({ description: "Totals (per level)." })\nexport class Stats {}`)).toEqual(["@ObjectType on Stats"]);
    expect(unnamedTypeDecorators(`@ObjectType("Member", { description: "x" })\nexport class Member {}`)).toEqual([]);
    expect(unnamedTypeDecorators(`@ObjectType(name, { description: "x" })\nclass Connection {}`)).toEqual([]);
  });

  it("every type in the API names itself explicitly", () => {
    const files = sourceFiles(root);
    expect(files.length).toBeGreaterThan(3);
    const unnamed = files.flatMap((file) =>
      unnamedTypeDecorators(readFileSync(file, "utf8")).map((what) => `${path.relative(root, file)}: ${what}`),
    );
    expect(unnamed).toEqual([]);
  });
});
