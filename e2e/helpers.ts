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
