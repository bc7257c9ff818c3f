import { describe, expect, it } from "vitest";
import { fieldError } from "./input.errors";
import { pageFrom } from "./page";

describe("pageFrom", () => {
  const read = async (cursor: string | null) => {
    if (cursor === "bad") throw fieldError("after", "INVALID", "Not a cursor of this list.");
    if (cursor === "down") throw new Error("database down");
    return cursor ?? "first";
  };

  it("reads after a good cursor, and from the top when the list refuses the cursor", async () => {
    expect(await pageFrom(read, "p2")).toBe("p2");
    expect(await pageFrom(read, null)).toBe("first");
    expect(await pageFrom(read, "bad")).toBe("first");
  });

  it("lets every other failure through", async () => {
    await expect(pageFrom(read, "down")).rejects.toThrow("database down");
  });
});
