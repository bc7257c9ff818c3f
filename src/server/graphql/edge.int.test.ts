import { describe, expect, it } from "vitest";
import { createRoot, viewerOf } from "@/test/factories";
import { gql } from "@/test/graphql";
import { LIMITS } from "./armor";

// What the hostile-input suite (e2e/hostile.spec.ts) found, pinned at the API edge.
describe("the API edge", () => {
  it("refuses a NUL character in any argument as bad input, naming the field, before PostgreSQL sees it", async () => {
    const me = viewerOf(await createRoot());
    const r = await gql(`mutation($id: ID!) { signOutSession(id: $id) { signedOut } }`, { id: "abc\u0000" }, me);
    expect(r.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "id" });
    const nested = await gql(`mutation($e: String!) { requestPasswordReset(email: $e) { requested } }`, { e: "a\u0000@x.test" }, null);
    expect(nested.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "email" });
  });

  it("answers a document over the token limit as a parse failure, not a server error", async () => {
    const doc = `query { ${Array.from({ length: LIMITS.maxTokens }, (_, i) => `a${i}: __typename`).join(" ")} }`;
    const r = await gql(doc, {}, null);
    expect(r.errors?.[0]).toMatchObject({ message: expect.stringMatching(/more th\w+ 3000 tokens/), extensions: { code: "GRAPHQL_PARSE_FAILED" } });
  });
});
