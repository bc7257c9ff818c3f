import { expect, test } from "@playwright/test";
import { DEMO_ADMIN, DEMO_MEMBER, login } from "./helpers";

test("an admin edits the plan (an error shows at its line), previews last month and commits it; Ava sees a line explained and the wallet credit", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  admin.on("dialog", (d) => void d.accept());
  await login(admin, DEMO_ADMIN);
  await admin.goto("/admin/compensation");

  // A negative activity threshold: refused, with the field's JSON path and its line marked.
  const editor = admin.getByTestId("plan-json");
  await expect(editor).toHaveAttribute("data-live", "");
  const text = await editor.inputValue();
  const line = text.split("\n").findIndex((l) => l.includes('"activeMinPv": 50')) + 1;
  expect(line).toBeGreaterThan(0);
  await editor.fill(text.replace('"activeMinPv": 50', '"activeMinPv": -5'));
  await expect(editor).toHaveValue(text.replace('"activeMinPv": 50', '"activeMinPv": -5'));
  await admin.getByRole("button", { name: "Save version" }).click();
  await expect(admin.getByTestId("plan-errors")).toContainText(`line ${line}, activeMinPv`);
  await expect(admin.getByTestId("error-line")).toHaveText(String(line));
  await editor.fill(text.replace('"activeMinPv": 50', '"activeMinPv": 60'));
  await admin.getByLabel("Comment").fill("Activity from 60 PV");
  await admin.getByRole("button", { name: "Save version" }).click();
  await expect(admin.getByRole("status")).toContainText("Saved as version 3");
  await expect(admin.getByTestId("plan-versions")).toContainText("Version 3 — Activity from 60 PV");

  // Last month (closed, not yet paid): preview, then commit from the preview's page.
  const start = admin.getByTestId("start-run");
  await start.getByLabel("Period").selectOption({ index: 1 });
  await start.getByRole("button", { name: "Preview" }).click();
  await expect(admin).toHaveURL(/\/admin\/compensation\/runs\/\d+$/);
  await expect(admin.getByTestId("run-status")).toHaveText("completed", { timeout: 60_000 });
  const total = await admin.getByTestId("run-total").innerText();
  const month = (await admin.getByRole("heading", { level: 1 }).innerText()).replace(/^Run #\d+: (.*) \(preview\)$/, "$1");
  await admin.getByTestId("start-run").getByRole("button", { name: "Commit" }).click();
  await expect(admin.getByRole("heading", { level: 1 })).toContainText("(commit)");
  await expect(admin.getByTestId("run-status")).toHaveText("completed", { timeout: 60_000 });
  await expect(admin.getByTestId("run-total")).toHaveText(total);
  const runId = (await admin.getByRole("heading", { level: 1 }).innerText()).replace(/^Run #(\d+):.*$/, "$1");

  // Ava, on her phone: the month's lines, one explained, and the credit in her wallet.
  const ava = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await login(ava, DEMO_MEMBER);
  await ava.goto("/earnings");
  await expect(ava.getByTestId("rank-card")).toContainText("Paid as");
  await expect(ava.getByTestId("commission-months").locator("a").first()).toContainText(month);
  // The month's total by bonus, each with its lines.
  await expect(ava.getByTestId("month-by-bonus")).toContainText(/[A-Z][a-z ]+ \$[\d,.]+ · [\d,]+ lines?/);
  const first = ava.getByTestId("commission-lines").locator("li").filter({ hasText: /Unilevel|Binary|Retail|Fast start/ }).first();
  await first.locator("summary").click();
  await expect(first.getByTestId("line-explanation")).toContainText(`version 1, run ${runId}`);
  await expect(first.getByTestId("line-explanation")).toContainText("×");
  await ava.goto("/wallet");
  const short = new Date(`1 ${month} UTC`).toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
  await expect(ava.getByTestId("wallet-history")).toContainText(`Commission for ${short} (run ${runId})`);
});
