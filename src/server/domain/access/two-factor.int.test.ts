import { generate } from "otplib";
import { afterEach, describe, expect, it } from "vitest";
import { authOptions } from "@/server/auth/auth-config";
import { accessService } from "@/server/domain/access/access.service";
import { twoFactorService } from "@/server/domain/access/two-factor.service";
import { createAdmin, createRoot, PASSWORD, viewerOf } from "@/test/factories";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
const now = () => Math.floor(Date.now() / 1000);
const codeAt = (secret: string, epoch: number) => generate({ secret, epoch });

afterEach(() => {
  delete process.env.REQUIRE_STAFF_2FA;
});

describe("two-factor sign-in", () => {
  it("turns on with a code, then sign-in needs a code; each code works once; recovery codes work once", async () => {
    const m = await createRoot();
    const me = viewerOf(m);
    const { secret, uri } = await twoFactorService.begin(me, m.email);
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    await expect(twoFactorService.confirm(me, "000000")).rejects.toMatchObject({ errors: [{ field: "code", code: "INVALID" }] });
    const codes = await twoFactorService.confirm(me, await codeAt(secret, now()));
    expect(codes).toHaveLength(10);
    expect(await twoFactorService.status(m.id)).toEqual({ enabled: true, recoveryCodesLeft: 10 });

    await expect(authorize({ email: m.email, password: PASSWORD }, { headers: {} })).rejects.toThrow("TOTP_REQUIRED");
    await expect(authorize({ email: m.email, password: PASSWORD, code: "123456" }, { headers: {} })).rejects.toThrow(/code is not right/);
    const next = await codeAt(secret, now() + 30); // the confirm used this step's code
    expect(await authorize({ email: m.email, password: PASSWORD, code: next }, { headers: {} })).toMatchObject({ id: String(m.id) });
    expect(await twoFactorService.check(m.id, next)).toBe("WRONG"); // used already
    expect(await authorize({ email: m.email, password: "wrong-password-9", code: next }, { headers: {} })).toBeNull();

    expect(await twoFactorService.check(m.id, codes[0]!.toUpperCase())).toBe("OK");
    expect(await twoFactorService.check(m.id, codes[0]!)).toBe("WRONG");
    expect((await twoFactorService.status(m.id)).recoveryCodesLeft).toBe(9);
    await twoFactorService.disable(me, codes[1]!);
    expect(await twoFactorService.status(m.id)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(await authorize({ email: m.email, password: PASSWORD }, { headers: {} })).toMatchObject({ id: String(m.id) });
  });

  it("where staff must use it, back-office roles count only once it is on", async () => {
    process.env.REQUIRE_STAFF_2FA = "1";
    const admin = await createAdmin();
    const without = await accessService.viewer(admin);
    expect(without).toMatchObject({ grants: [], twoFactorRequired: true });
    const { secret } = await twoFactorService.begin(viewerOf(admin), admin.email);
    await twoFactorService.confirm(viewerOf(admin), await codeAt(secret, now()));
    const withIt = await accessService.viewer(admin);
    expect(withIt.twoFactorRequired).toBeUndefined();
    expect(withIt.grants.length).toBeGreaterThan(10);
    const member = await accessService.viewer(await createRoot());
    expect(member.twoFactorRequired).toBeUndefined(); // distributors choose for themselves
  });

  it("is a person's: an API key cannot set it up", async () => {
    await expect(twoFactorService.begin({ id: 0, role: "DISTRIBUTOR", grants: [], apiKeyId: 1 }, "x")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
