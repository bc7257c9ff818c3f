import { expect, test } from "@playwright/test";
import { DEMO_MEMBER, login, metric } from "./helpers";

test("a referral sign-up lands on the dashboard and the sponsor's team size goes up live", async ({ browser }) => {
  // The sponsor watches the dashboard.
  const sponsorContext = await browser.newContext();
  const sponsor = await sponsorContext.newPage();
  await login(sponsor, DEMO_MEMBER);
  await expect(sponsor).toHaveURL(/\/dashboard/);
  await expect(sponsor.getByTestId("live-status")).toHaveAttribute("data-live", "yes");
  const teamBefore = await metric(sponsor, "team-size");
  const directsBefore = await metric(sponsor, "directs");
  const link = await sponsor.getByTestId("referral-link").inputValue();
  expect(link).toMatch(/\/join\?ref=[A-Z0-9]+$/);

  // A newcomer opens the referral link in another browser context.
  const newcomerContext = await browser.newContext();
  const page = await newcomerContext.newPage();
  await page.goto(new URL(link).pathname + new URL(link).search);
  await expect(page.getByTestId("sponsor-name")).toContainText("Ava Martin");
  const email = `zoe.${Date.now()}@example.test`;
  await page.getByLabel("First name").fill("Zoe");
  await page.getByLabel("Last name").fill("Newman");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Country").selectOption("DE");
  await page.getByLabel("Phone").fill("+49 30 5550123");
  await page.getByRole("button", { name: "Create account" }).click();
  // A weak password is refused with a message at the field, nothing is created.
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();

  await page.getByLabel("Password").fill("sunny-meadow-42");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole("heading", { name: "Hello, Zoe" })).toBeVisible();
  await expect(page.getByTestId("team-size")).toHaveText("0");

  // The sponsor's numbers changed without a reload.
  await expect(sponsor.getByTestId("team-size")).toHaveText((teamBefore + 1).toLocaleString("en-US"));
  await expect(sponsor.getByTestId("directs")).toHaveText(String(directsBefore + 1));
  await expect(sponsor.getByTestId("recent-joins")).toContainText("Zoe Newman");

  // The newcomer can sign out and back in with the new password.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await login(page, { email, password: "sunny-meadow-42" });
  await expect(page.getByRole("heading", { name: "Hello, Zoe" })).toBeVisible();

  await sponsorContext.close();
  await newcomerContext.close();
});
