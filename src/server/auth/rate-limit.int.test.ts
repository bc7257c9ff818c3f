import { describe, expect, it } from "vitest";
import { accessService } from "@/server/domain/access/access.service";
import { viewerFromRequest } from "@/server/graphql/context";
import { createAdmin, createRoot, PASSWORD, viewerOf } from "@/test/factories";
import { gql } from "@/test/graphql";
import { authOptions } from "./auth-config";
import { LIMITS } from "./rate-limit";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
const attempt = (email: string, password: string, ip = "198.51.100.1") => authorize({ email, password }, { headers: { "x-mlm-client-ip": ip } });

describe("sign-in limits", () => {
  it("locks an e-mail after repeated failures, with a message saying for how long; other e-mails are not affected", async () => {
    const [rita, other] = [await createRoot(), await createRoot()];
    for (let i = 0; i < LIMITS.loginFailuresPerEmail.points; i++) expect(await attempt(rita.email, "wrong-password-1")).toBeNull();
    await expect(attempt(rita.email, PASSWORD)).rejects.toThrow(/locked for 15 minutes/);
    await expect(attempt(rita.email.toUpperCase(), PASSWORD)).rejects.toThrow(/locked/);
    expect(await attempt(other.email, PASSWORD)).toMatchObject({ id: String(other.id) });
  });

  it("a success clears earlier failures", async () => {
    const m = await createRoot();
    for (let i = 0; i < LIMITS.loginFailuresPerEmail.points - 1; i++) await attempt(m.email, "wrong-password-1");
    expect(await attempt(m.email, PASSWORD)).toMatchObject({ id: String(m.id) });
    for (let i = 0; i < LIMITS.loginFailuresPerEmail.points - 1; i++) await attempt(m.email, "wrong-password-1");
    expect(await attempt(m.email, PASSWORD)).toMatchObject({ id: String(m.id) });
  });

  it("slows down one address trying many e-mails", async () => {
    const ip = "198.51.100.77";
    let refused: unknown = null;
    for (let i = 0; i <= LIMITS.loginPerIp.points && !refused; i++) {
      await attempt(`nobody${i}@example.test`, "whatever-123", ip).catch((err) => (refused = err));
    }
    expect(String(refused)).toMatch(/Too many sign-in attempts from your network; try again in 10 minutes/);
  });
});

describe("sign-up limits", () => {
  it("answers RATE_LIMITED once an address has made its sign-ups for the hour", async () => {
    const register = () => gql(`mutation { registerMember(input: { email: "x", password: "x", firstName: "", lastName: "", country: "US", phone: "", sponsorCode: "NONE" }) { member { id } errors { code } } }`);
    for (let i = 0; i < LIMITS.signupPerIp.points; i++) expect((await register()).errors).toBeUndefined();
    const refused = await register();
    expect(refused.errors?.[0]).toMatchObject({ message: "Too many sign-ups from your network; try again in 60 minutes.", extensions: { code: "RATE_LIMITED" } });
  });
});

describe("API key limits", () => {
  it("answers RATE_LIMITED (HTTP 429) once a key has used its requests for the minute", async () => {
    const admin = viewerOf(await createAdmin());
    const { secret } = await accessService.createApiKey(admin, { name: "Busy", scopes: ["orders.read"] });
    for (let i = 0; i < LIMITS.apiKey.points; i++) await viewerFromRequest({ authorization: `Bearer ${secret}` });
    const err = await viewerFromRequest({ authorization: `Bearer ${secret}` }).catch((e) => e);
    expect(err.extensions).toMatchObject({ code: "RATE_LIMITED", http: { status: 429 } });
    expect(err.message).toMatch(/too many requests/);
  });
});
