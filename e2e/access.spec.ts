import { expect, test } from "@playwright/test";
import { createClient } from "graphql-ws";
import { generate } from "otplib";
import WebSocket from "ws";
import { DEMO_ADMIN, DEMO_MEMBER, login, signUp } from "./helpers";


test("an admin makes a role for France, assigns it; the sub-admin sees French members only; the audit log has it", async ({ browser }) => {
  test.setTimeout(180_000); // the first test of a run also waits for the dev server to compile the pages
  const email = `nadia.${Date.now()}@example.test`;
  const sub = await (await browser.newContext()).newPage();
  await signUp(sub, { first: "Nadia", last: "Desk", email, country: "FR" });
  await expect(sub.locator("header nav")).not.toContainText("Admin");

  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO_ADMIN);
  await admin.goto("/admin/roles");
  const roleForm = admin.getByTestId("role-form");
  await roleForm.getByLabel("Role name").fill("France desk");
  await roleForm.getByRole("checkbox", { name: /members\.read/ }).check();
  await roleForm.getByRole("checkbox", { name: /members\.personal/ }).check();
  await roleForm.getByRole("button", { name: "Create role" }).click();
  await expect(roleForm.getByRole("status")).toHaveText('Role "France desk" created.');

  // Her member number, from the member list.
  await admin.goto(`/admin/members?q=${encodeURIComponent(email)}`);
  const href = await admin.getByTestId("member-table").getByRole("link", { name: "Nadia Desk" }).getAttribute("href");
  const memberId = href!.split("/").pop()!;

  await admin.goto("/admin/roles");
  const assign = admin.getByTestId("assign-form");
  await assign.getByLabel("Member number").fill(memberId);
  await assign.getByLabel("Role", { exact: true }).selectOption({ label: "France desk" });
  await assign.getByLabel("Limit to countries").fill("fr");
  await assign.getByRole("button", { name: "Assign" }).click();
  await expect(assign.getByRole("status")).toHaveText("Nadia Desk is now France desk for FR.");
  await expect(admin.getByTestId("assignments")).toContainText("Nadia Desk");

  // Her next page view knows the role: an Admin link, and French members only.
  await sub.reload();
  await sub.locator("header nav").getByRole("link", { name: "Admin" }).click();
  await expect(sub).toHaveURL(/\/admin\/members/);
  const countries = await sub.getByTestId("member-table").locator("tbody tr td:nth-child(3)").allInnerTexts();
  expect(countries.length).toBeGreaterThan(1);
  expect(new Set(countries)).toEqual(new Set(["FR"]));
  await expect(sub.getByTestId("member-table")).toContainText("@"); // members.personal: e-mails show
  const ava = await sub.goto("/admin/members/3"); // Ava is American
  expect(ava!.status()).toBe(404);
  const orders = await sub.goto("/admin/orders");
  await expect(sub).toHaveURL(/\/admin\/members/); // no orders.read: back to her section
  expect(orders!.ok()).toBe(true);

  await admin.goto(`/admin/audit?target=${memberId}`);
  await expect(admin.getByTestId("audit-log")).toContainText("role.assign");
  await expect(admin.getByTestId("audit-log")).toContainText('"countries":["FR"]');
});

test("an API key reads orders over HTTP and gets live orders over WebSocket; once revoked it is refused", async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const admin = await (await browser.newContext()).newPage();
  await login(admin, DEMO_ADMIN);
  await admin.goto("/admin/api-keys");
  const form = admin.getByTestId("api-key-form");
  await form.getByLabel("Key name").fill("Shop integration");
  await form.getByRole("checkbox", { name: /orders\.read/ }).check();
  await form.getByRole("button", { name: "Create key" }).click();
  const secret = (await form.getByTestId("api-key-secret").innerText()).trim();
  expect(secret).toMatch(/^mlm_[a-z0-9]{8}_/);

  const url = `${baseURL}/api/graphql`;
  const post = (query: string, key: string) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  const read = await post("{ orders(first: 3) { totalCount nodes { id status } } }", secret);
  expect(read.status).toBe(200);
  const body = await read.json();
  expect(body.errors).toBeUndefined();
  expect(body.data.orders.totalCount).toBeGreaterThan(100);
  // The key holds orders.read only.
  const refused = await (await post("{ members(first: 1) { totalCount } }", secret)).json();
  expect(refused.errors[0].extensions.code).toBe("FORBIDDEN");

  // The live sales feed over WebSocket, with the key in connectionParams.
  const client = createClient({ url: url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${secret}` }, retryAttempts: 0 });
  const sale = new Promise<{ id: string }>((resolve, reject) => {
    const stop = client.subscribe<{ orderPlaced: { id: string } }>({ query: "subscription { orderPlaced { id } }" }, {
      next: (v) => { stop(); resolve(v.data!.orderPlaced); },
      error: reject,
      complete: () => undefined,
    });
  });
  await new Promise((r) => setTimeout(r, 500));
  const ava = await (await browser.newContext()).newPage();
  await login(ava, DEMO_MEMBER);
  await ava.goto("/orders");
  await ava.getByLabel("Quantity of Shake Mix Vanilla").fill("1");
  await ava.getByLabel("Street and number").fill("5 Key Street");
  await ava.getByLabel("City").fill("Austin");
  await ava.getByLabel("Postal code").fill("73301");
  await ava.getByRole("button", { name: "Place order" }).click();
  const placed = await ava.getByTestId("order-placed").innerText();
  const orderId = /#(\d+)/.exec(placed)![1];
  expect((await sale).id).toBe(orderId);
  await client.dispose();

  // Revoked in the admin page: HTTP says 401, a new WebSocket is closed (4403).
  await admin.getByRole("button", { name: "Revoke Shop integration" }).first().click();
  await expect(admin.getByTestId("api-keys").locator("tr", { hasText: "Shop integration" }).first()).toContainText("revoked");
  const after = await post("{ orders(first: 1) { totalCount } }", secret);
  expect(after.status).toBe(401);
  expect((await after.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  const closed = await new Promise<number>((resolve) => {
    const again = createClient({ url: url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${secret}` }, retryAttempts: 0, on: { closed: (e) => resolve((e as { code: number }).code) } });
    again.subscribe({ query: "subscription { orderPlaced { id } }" }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  });
  expect(closed).toBe(4403);
});

test("a sub-admin turns on two-factor sign-in and then signs in with a code from the app", async ({ browser }) => {
  test.setTimeout(180_000);
  const greta = { email: "greta.manager@demo.test", password: "demo-manager-123" };
  const page = await (await browser.newContext()).newPage();
  await login(page, greta);
  await page.goto("/profile/security");
  await expect(page.getByTestId("two-factor-state")).toContainText("Off");
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.getByTestId("two-factor-secret").innerText()).trim();
  const now = Math.floor(Date.now() / 1000);
  await page.getByLabel("Authenticator code").fill(await generate({ secret, epoch: now }));
  await page.getByRole("button", { name: "Confirm and turn on" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);

  // Signing in again: the password, then a code.
  const again = await (await browser.newContext()).newPage();
  await again.goto("/login");
  await again.getByLabel("E-mail").fill(greta.email);
  await again.getByLabel("Password").fill(greta.password);
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again.getByLabel("Authenticator code")).toBeVisible();
  await again.getByLabel("Authenticator code").fill("000000");
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again.locator("form").getByRole("alert")).toContainText("code is not right");
  await again.getByLabel("Authenticator code").fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again).not.toHaveURL(/\/login/);
  await again.goto("/admin/members");
  await expect(again.getByTestId("member-table")).toBeVisible();
});
