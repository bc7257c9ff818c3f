import { expect, test } from "@playwright/test";
import { DEMO_ADMIN, DEMO_MEMBER, login } from "./helpers";

const money = (text: string) => Number(text.replace(/[^\d.]/g, ""));

test("a distributor requests a withdrawal on a phone; an admin approves and pays it in a batch; the distributor sees it live", async ({ browser }) => {
  // Ava, on her phone, asks for a payout.
  const memberContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const ava = await memberContext.newPage();
  await login(ava, DEMO_MEMBER);
  await ava.goto("/wallet");
  const available = ava.getByTestId("wallet-available-USD");
  const before = money(await available.innerText());
  expect(before).toBeGreaterThan(200);

  const form = ava.getByTestId("withdrawal-form");
  await form.getByLabel("Amount").fill("5");
  await form.getByRole("button", { name: "Request withdrawal" }).click();
  await expect(form.getByRole("alert")).toHaveText(/At least 20\.00/);

  await form.getByLabel("Amount").fill("100");
  await form.getByRole("button", { name: "Request withdrawal" }).click();
  await expect(form.getByText(/Requested/)).toBeVisible();
  // Amount and fee are held at once.
  await expect.poll(async () => money(await available.innerText())).toBeCloseTo(before - 101.5, 2);
  const newest = ava.getByTestId("my-withdrawals").locator("tbody tr").first();
  await expect(newest).toContainText("requested");
  const id = (await newest.locator("td").first().innerText()).replace("#", "");

  // The admin approves it and pays it in a batch.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  admin.on("dialog", (d) => void d.accept());
  await login(admin, DEMO_ADMIN);
  // The queue opens on the requests waiting for a decision.
  await admin.getByRole("link", { name: "Withdrawals" }).click();
  await expect(admin.getByRole("link", { name: "requested", exact: true })).toHaveClass(/font-semibold/);
  await admin.getByLabel(`Select withdrawal ${id}`).check();
  await admin.getByRole("button", { name: "Approve" }).click();
  await expect(admin.getByRole("status")).toHaveText("Approved 1.");
  await admin.goto("/admin/withdrawals?status=APPROVED");
  await admin.getByLabel(`Select withdrawal ${id}`).check();
  await admin.getByRole("button", { name: "Create payout batch" }).click();
  await expect(admin.getByRole("status")).toHaveText(/Payout batch created/);
  const batchRow = admin.getByTestId("payout-batches").locator("tbody tr").first();
  await expect(batchRow).toContainText("$100.00");
  await batchRow.getByRole("button", { name: "Mark paid" }).click();
  await expect(batchRow).toContainText("paid");

  // Ava's page, never reloaded, shows the payout and the settled balance.
  await expect(ava.getByTestId(`withdrawal-status-${id}`)).toHaveText("paid", { timeout: 5_000 });
  await expect(ava.getByTestId("wallet-history")).toContainText(`Withdrawal #${id} paid out (fee 1.50)`);
  await expect.poll(async () => money(await available.innerText())).toBeCloseTo(before - 101.5, 2);
  // The admin's own wallet page lists the admin's withdrawals, not everyone's they may read.
  await admin.goto("/wallet");
  await expect(admin.getByRole("heading", { name: "Wallet", level: 1 })).toBeVisible();
  await expect(admin.getByTestId(`withdrawal-status-${id}`)).toHaveCount(0);
  await adminContext.close();
  await memberContext.close();
});
