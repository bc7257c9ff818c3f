import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_ADMIN, login, signUp } from "./helpers";

const PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

/** Whether the page's session still holds: a signed-out browser lands on the login page. */
async function signedOut(page: Page): Promise<boolean> {
  await page.goto("/dashboard");
  return /\/login/.test(page.url());
}

test("a member signs out a lost phone from the device list, then resets the password with the mailed link, which signs out everything", async ({ browser }) => {
  test.setTimeout(180_000);
  const who = { first: "Lea", last: "Roux", email: `lea.roux.${Date.now()}@example.test`, country: "FR" };
  const phone = await (await browser.newContext({ userAgent: PHONE_UA })).newPage();
  await signUp(phone, who);
  const laptop = await (await browser.newContext()).newPage();
  await login(laptop, { email: who.email, password: "quiet-harbour-42" });

  await laptop.goto("/profile/security");
  const sessions = laptop.getByTestId("sessions");
  await expect(sessions.locator("li")).toHaveCount(2);
  await expect(sessions.locator("li", { hasText: "This device" })).toContainText("Chrome");
  await sessions.getByRole("button", { name: "Sign out Safari 17 on iOS (mobile)" }).click();
  await expect(laptop.getByText("Signed out Safari 17 on iOS (mobile).")).toBeVisible();
  await expect(sessions.locator("li")).toHaveCount(1);
  expect(await signedOut(phone)).toBe(true);

  // Forgot the password: the link goes to the outbox (no mail server yet), where an admin reads it.
  const forgot = await (await browser.newContext()).newPage();
  await forgot.goto("/login");
  await forgot.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(forgot.getByRole("button", { name: "Send me a link" })).toBeEnabled(); // the form is live
  await forgot.getByLabel("E-mail").fill(who.email);
  await forgot.getByRole("button", { name: "Send me a link" }).click();
  await expect(forgot.getByTestId("reset-requested")).toContainText(who.email);

  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO_ADMIN);
  await admin.goto(`/admin/outbox?to=${encodeURIComponent(who.email)}&kind=password_reset`);
  const mail = admin.getByTestId("outbox").locator("pre").first();
  await expect(mail).toContainText("reset-password?token=");
  const link = /https?:\/\/\S+reset-password\?token=[\w-]+/.exec(await mail.innerText())![0];

  await forgot.goto(new URL(link).pathname + new URL(link).search);
  await expect(forgot.getByRole("button", { name: "Set the new password" })).toBeEnabled();
  await forgot.getByLabel("New password").fill("short");
  await forgot.getByLabel("The same again").fill("short");
  await forgot.getByRole("button", { name: "Set the new password" }).click();
  await expect(forgot.locator("form").getByRole("alert")).toContainText("at least 10 characters");
  await forgot.getByLabel("New password").fill("Brand-new-harbour-77");
  await forgot.getByLabel("The same again").fill("Brand-new-harbour-77");
  await forgot.getByRole("button", { name: "Set the new password" }).click();
  await expect(forgot.getByTestId("password-reset-done")).toBeVisible();

  expect(await signedOut(laptop)).toBe(true); // every session ended with the reset
  await forgot.goto(new URL(link).pathname + new URL(link).search);
  await expect(forgot.getByTestId("reset-link-broken")).toBeVisible(); // a link works once
  await login(forgot, { email: who.email, password: "Brand-new-harbour-77" });
});

test("a member downloads all their data; compliance erases a member, who is anonymised and cannot sign in", async ({ browser }) => {
  test.setTimeout(180_000);
  const who = { first: "Noah", last: "Berg", email: `noah.berg.${Date.now()}@example.test`, country: "DE" };
  const member = await (await browser.newContext()).newPage();
  await signUp(member, who);

  await member.goto("/profile/security");
  const [download] = await Promise.all([member.waitForEvent("download"), member.getByTestId("download-data").click()]);
  expect(download.suggestedFilename()).toMatch(/^personal-data-\d+-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(await readFile((await download.path())!, "utf8")) as { memberId: number; profile: { email: string; first_name: string }[]; sessions: unknown[] };
  expect(data.profile[0]).toMatchObject({ email: who.email, first_name: "Noah" });
  expect(data.sessions.length).toBeGreaterThan(0);

  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO_ADMIN);
  await admin.goto(`/admin/members/${data.memberId}`);
  await expect(admin.getByTestId("member-name")).toHaveText("Noah Berg");
  const form = admin.getByTestId("erase-form");
  await form.getByLabel("Why (kept in the audit log)").fill("The member's request of today, ticket 88");
  await form.getByLabel(/Type the member number/).fill(String(data.memberId));
  await form.getByRole("button", { name: "Erase for good" }).click();
  await expect(admin.getByTestId("erased-note")).toBeVisible();
  await expect(admin.getByTestId("member-name")).toHaveText("Erased member");

  expect(await signedOut(member)).toBe(true);
  await member.goto("/login");
  await member.getByLabel("E-mail").fill(who.email);
  await member.getByLabel("Password").fill("quiet-harbour-42");
  await member.getByRole("button", { name: "Sign in" }).click();
  await expect(member.locator("form").getByRole("alert")).toContainText("E-mail or password is not right");

  await admin.goto(`/admin/audit?action=member.erase&target=${data.memberId}`);
  await expect(admin.getByTestId("audit-log")).toContainText("ticket 88");
});
