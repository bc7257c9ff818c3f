import { describe, expect, it } from "vitest";
import type { Viewer } from "@/server/domain/shared/viewer";
import { closeCodeFor } from "./ws-access";

const member: Viewer = { id: 7, role: "DISTRIBUTOR", grants: [], sessionId: "s-7" };
const admin: Viewer = { id: 8, role: "ADMIN", grants: [{ permission: "members.read", countries: null, teamOf: null }] as never, sessionId: "s-8" };
const key: Viewer = { id: 0, role: "ADMIN", grants: [{ permission: "orders.read", countries: null, teamOf: null }] as never, apiKeyId: 3 };

describe("which live connections an access change closes", () => {
  it.each([
    ["the member's session ended: signed out", member, { sessionIds: ["s-7"] }, 4401],
    ["another session ended", member, { sessionIds: ["s-9"] }, null],
    ["the key was revoked", key, { apiKeyIds: [3] }, 4403],
    ["another key", key, { apiKeyIds: [4] }, null],
    ["the member's roles changed: reconnect", admin, { memberIds: [8] }, 1012],
    ["a key is nobody's member 0", key, { memberIds: [0] }, null],
    ["a role's permissions changed: staff reconnect", admin, { staff: true }, 1012],
    ["... not API keys (their scopes are their own)", key, { staff: true }, null],
    ["... not a distributor without grants", member, { staff: true }, null],
    ["an anonymous connection", null, { staff: true, memberIds: [0] }, null],
  ] as const)("%s", (_n, viewer, event, code) => expect(closeCodeFor(viewer, event as never)).toBe(code));
});
