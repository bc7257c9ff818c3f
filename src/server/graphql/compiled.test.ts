import { GraphQLScalarType, isEnumType } from "graphql";
import { describe, expect, it } from "vitest";
import { getSchema } from "./schema";

describe("compiled execution", () => {
  it("may hand graphql-jit variables GraphQL already coerced: coercing them again changes nothing", async () => {
    // compiled.ts coerces variables with GraphQL and gives the compiled query the result,
    // which graphql-jit coerces again: every enum's values must be their names and every
    // custom scalar must take its own parsed value back unchanged.
    const schema = await getSchema();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      if (isEnumType(type)) for (const v of type.getValues()) expect(v.value, `${type.name}.${v.name}`).toBe(v.name);
    }
    const custom = Object.values(schema.getTypeMap()).filter((t): t is GraphQLScalarType => t instanceof GraphQLScalarType && !["String", "Int", "Float", "Boolean", "ID"].includes(t.name));
    expect(custom.map((t) => t.name).sort()).toEqual(["DateTimeISO", "JSON"]);
    const date = schema.getType("DateTimeISO") as GraphQLScalarType;
    const once = date.parseValue("2026-12-05T10:00:00.000Z") as Date;
    expect((date.parseValue(once) as Date).toISOString()).toBe(once.toISOString());
    const json = schema.getType("JSON") as GraphQLScalarType;
    const doc = { a: [1, "x", { b: null }] };
    expect(json.parseValue(json.parseValue(doc))).toEqual(doc);
  }, 60_000);
});
