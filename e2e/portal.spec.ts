import { expect, test } from "@playwright/test";
import { DEMO_ADMIN, DEMO_MEMBER, login } from "./helpers";

test.describe("on a 390px phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the dashboard fits the screen and the genealogy tree opens level by level", async ({ page }) => {
    await login(page, DEMO_MEMBER);
    await expect(page.getByTestId("team-size")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await page.getByRole("link", { name: "Genealogy" }).click();
    const tree = page.getByTestId("genealogy-tree");
    const root = tree.locator("button[aria-expanded]").first();
    await expect(async () => {
      if ((await root.getAttribute("aria-expanded")) !== "true") await root.click();
      await expect(root).toHaveAttribute("aria-expanded", "true", { timeout: 1000 });
    }).toPass();
    const firstLevel = tree.locator("ul button[aria-expanded]");
    await expect(firstLevel.first()).toBeVisible();
    const count = await firstLevel.count();
    expect(count).toBeGreaterThan(0);
    await firstLevel.first().click();
    await expect(firstLevel.first()).toHaveAttribute("aria-expanded", "true");
    await expect(tree.getByText(/directly below/).first()).toBeVisible();
  });

  test("every page of the portal and the back office fits the screen (wide tables scroll in place)", async ({ page, browser, baseURL }) => {
    const wider = async (page: import("@playwright/test").Page, paths: string[]) => {
      const out: string[] = [];
      for (const path of paths) {
        await page.goto(path);
        await page.waitForLoadState("networkidle");
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) out.push(`${path} by ${overflow}px`);
      }
      return out;
    };
    await login(page, DEMO_MEMBER);
    expect(await wider(page, ["/dashboard", "/genealogy", "/orders", "/earnings", "/wallet", "/loyalty", "/profile", "/profile/security"])).toEqual([]);
    const admin = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, baseURL })).newPage();
    await login(admin, DEMO_ADMIN);
    expect(await wider(admin, [
      "/admin", "/admin/members", "/admin/members/2", "/admin/orders", "/admin/compensation", "/admin/ledger", "/admin/ledger/3",
      "/admin/loyalty", "/admin/withdrawals", "/admin/roles", "/admin/audit", "/admin/api-keys", "/admin/webhooks", "/admin/outbox", "/admin/products",
    ])).toEqual([]);
    await admin.context().close();
  });
});

test("a member edits the profile and sees the change in the history", async ({ page }) => {
  await login(page, DEMO_MEMBER);
  await page.goto("/profile");
  await page.getByLabel("Phone").fill("not a phone");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Use international format")).toBeVisible();
  await page.getByLabel("Phone").fill("+1 202 555 0142");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expect(page.getByTestId("profile-history")).toContainText("+12025550142");
});

test("an admin searches members and opens one with sponsor, downline and history", async ({ page }) => {
  await login(page, DEMO_ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/admin\/members/);
  await page.getByLabel("Search").fill("ava@demo.test");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("member-count")).toHaveText("1 found");
  await page.getByRole("link", { name: "Ava Martin" }).click();
  await expect(page.getByTestId("member-name")).toHaveText("Ava Martin");
  await expect(page.getByText("Olivia Founder").first()).toBeVisible();
  await expect(page.getByText(/Downline \(two levels/)).toBeVisible();
  // Her downline pages on past the first 25.
  const firstRow = await page.locator("table").filter({ hasText: "Level" }).locator("tbody tr").first().innerText();
  await page.getByTestId("downline-next").click();
  await expect(page).toHaveURL(/after=/);
  await expect(page.locator("table").filter({ hasText: "Level" }).locator("tbody tr").first()).not.toHaveText(firstRow);
  await expect(page.getByRole("link", { name: "First page" })).toBeVisible();
});

test("a distributor without a role cannot open the back office; Ava, a leader, sees her own team there and nothing company-wide", async ({ page }) => {
  await login(page, { email: "olivia.founder@demo.test", password: DEMO_MEMBER.password });
  await expect(page.locator("header nav")).not.toContainText("Admin");
  await page.goto("/admin/members");
  await expect(page).toHaveURL(/\/dashboard/);

  await page.context().clearCookies();
  await login(page, DEMO_MEMBER);
  await page.locator("header nav").getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin\/orders/);
  // Her team's orders are in the back office; her own order page lists only hers and her customers'.
  const teamOrders = Number((await page.getByTestId("order-count").innerText()).replace(/[^\d]/g, ""));
  await page.goto("/orders");
  const own = Number(/\((\d[\d,]*)\)/.exec(await page.getByText("Your orders and your customers' orders").innerText())![1]!.replace(/,/g, ""));
  expect(own).toBeGreaterThan(0);
  expect(own).toBeLessThan(teamOrders);
  await page.goto("/admin/members");
  const inTeam = Number((await page.getByTestId("member-count").innerText()).replace(/[^\d]/g, ""));
  expect(inTeam).toBeGreaterThan(100);
  expect(inTeam).toBeLessThan(3000);
  await expect(page.getByTestId("member-table")).not.toContainText("Olivia Founder"); // her sponsor is not in her team
  await page.goto("/admin/ledger");
  await expect(page).toHaveURL(/\/admin\/orders/);
});

test("an admin finds members' points accounts in the ledger, owners by name", async ({ page }) => {
  await login(page, DEMO_ADMIN);
  await page.goto("/admin/ledger");
  // Every kind of account can be chosen (points too), and owners show by name.
  await page.getByLabel("Kind").selectOption({ label: "Points" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/kind=POINTS(&|$)/);
  const rows = page.getByTestId("ledger-accounts").locator("tbody tr");
  await expect(rows.first()).toContainText("Points");
  await expect(rows.first().locator("td").nth(1)).not.toHaveText(/^member \d+$/);
  await expect(rows.first().locator("td").nth(1)).toHaveText(/^[A-Z][a-z]+ [A-Z]/);
});

test("an address that names nothing shows a page that says so and leads home", async ({ page }) => {
  await login(page, DEMO_ADMIN);
  const response = await page.goto("/admin/members/999999");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to your home page" }).click();
  await expect(page).toHaveURL(/\/admin/);
});
