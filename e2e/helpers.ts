import { expect, type Page } from "@playwright/test";

export const DEMO_ADMIN = { email: "admin@demo.test", password: "demo-admin-123" };
export const DEMO_MEMBER = { email: "ava@demo.test", password: "demo-member-123" };

export async function login(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export async function metric(page: Page, id: string): Promise<number> {
  return Number((await page.getByTestId(id).innerText()).replace(/[^\d]/g, ""));
}

/** Signs up a new distributor under Ava, through her referral link; `page` ends signed in as them. */
export async function signUp(page: Page, who: { first: string; last: string; email: string; country: string; password?: string }) {
  const ava = await (await page.context().browser()!.newContext()).newPage();
  await login(ava, DEMO_MEMBER);
  const link = await ava.getByTestId("referral-link").inputValue();
  await ava.context().close();
  await page.goto(new URL(link).pathname + new URL(link).search);
  await page.getByLabel("First name").fill(who.first);
  await page.getByLabel("Last name").fill(who.last);
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(who.password ?? "quiet-harbour-42");
  await page.getByLabel("Country").selectOption(who.country);
  await page.getByLabel("Phone").fill("+33 1 23 45 67 89");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}
