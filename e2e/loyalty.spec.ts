import { expect, test } from "@playwright/test";
import { DEMO_ADMIN, DEMO_MEMBER, login } from "./helpers";

const count = (text: string) => Number(text.replace(/[^\d]/g, ""));

test("a new member's order shows pending points live; released by an admin they make her Silver with a badge, without a reload; she redeems a voucher", async ({ browser }) => {
  // A newcomer joins through Ava's referral link, on a phone.
  const avaContext = await browser.newContext();
  const ava = await avaContext.newPage();
  await login(ava, DEMO_MEMBER);
  const link = await ava.getByTestId("referral-link").inputValue();
  await avaContext.close();
  const memberContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await memberContext.newPage();
  await page.goto(new URL(link).pathname + new URL(link).search);
  await page.getByLabel("First name").fill("Lena");
  await page.getByLabel("Last name").fill("Loyal");
  await page.getByLabel("E-mail").fill(`lena.${Date.now()}@example.test`);
  await page.getByLabel("Password").fill("sunny-meadow-42");
  await page.getByLabel("Country").selectOption("US");
  await page.getByLabel("Phone").fill("+1 202 555 0147");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard/);

  // Her rewards page: the welcome bonus, no tier yet.
  await page.goto("/loyalty");
  await expect(page.getByTestId("points-balance-REWARD")).toHaveText("50");
  await expect(page.getByTestId("loyalty-tier")).toHaveText("Member");
  await expect(page.getByTestId("next-tier")).toContainText("1,000 status points to Silver");

  // She orders and pays in a second tab; the rewards tab shows pending points live.
  const shop = await memberContext.newPage();
  await shop.goto("/orders");
  await shop.getByLabel("Quantity of Shake Mix Vanilla").fill("21");
  await shop.getByLabel("Street and number").fill("1 Loyal Street");
  await shop.getByLabel("City").fill("Springfield");
  await shop.getByLabel("Postal code").fill("12345");
  await shop.getByRole("button", { name: "Place order" }).click();
  const placed = shop.getByTestId("order-placed");
  await expect(placed).toContainText(/Order #\d+ is placed/);
  await shop.getByRole("button", { name: "Pay now (test payment)" }).click();
  await expect(placed).toContainText("is paid");
  // 21 × $49.99 = $1,049.79: 1,049 status points, and 10 reward points per dollar.
  await expect(page.getByTestId("points-pending-STATUS")).toHaveText("1,049", { timeout: 5_000 });
  await expect(page.getByTestId("points-pending-REWARD")).toHaveText("10,497");
  await expect(page.getByTestId("points-balance-REWARD")).toHaveText("50");
  await expect(page.getByTestId("loyalty-tier")).toHaveText("Member");
  const memberId = await page.evaluate(async () => {
    const res = await fetch("/api/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ me { id } }" }) });
    return ((await res.json()) as { data: { me: { id: string } } }).data.me.id;
  });

  // The admin releases her pending points before the return window ends.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, DEMO_ADMIN);
  await admin.goto("/admin/loyalty");
  await expect(admin.getByTestId("loyalty-report")).toBeVisible();
  const release = admin.getByTestId("release-form");
  await release.getByLabel("Member number to release").fill(memberId);
  await release.getByRole("button", { name: "Release" }).click();
  await expect(release.getByRole("status")).toHaveText(`Member ${memberId}'s pending points are active.`);

  // Her page, never reloaded: active points, Silver, and the badge.
  await expect(page.getByTestId("loyalty-tier")).toHaveText("Silver", { timeout: 5_000 });
  await expect(page.getByTestId("points-balance-REWARD")).toHaveText("10,547");
  await expect(page.getByTestId("points-worth-REWARD")).toHaveText("worth $105.47");
  await expect(page.getByTestId("points-pending-REWARD")).toHaveText("0");
  await expect(page.getByTestId("new-badge")).toContainText("Silver member");
  await expect(page.getByTestId("badge-SILVER")).toBeVisible();
  await expect(page.getByTestId("badge-FIRST_ORDER")).toBeVisible();
  await expect(page.getByTestId("next-tier")).toContainText("3,951 status points to Gold");

  // She redeems the voucher: a code, and the points leave her balance.
  const voucher = page.locator("[data-testid^=reward-]", { hasText: "10 % off your next order" });
  const button = voucher.getByRole("button", { name: /Redeem for 1,000/ });
  await button.click();
  await expect(voucher.getByRole("status")).toHaveText(/Your code: LOY-[0-9A-F]{8}/);
  await expect.poll(async () => count(await page.getByTestId("points-balance-REWARD").innerText())).toBe(9_547);
  await expect(page.getByTestId("my-redemptions")).toContainText("10 % off your next order");
  await expect(page.getByTestId("points-history")).toContainText("Redeemed");

  // She pays half of her next order with points: they leave her balance when she places it, the rest is charged.
  await shop.goto("/orders");
  await shop.getByLabel("Quantity of Shake Mix Vanilla").fill("2");
  const withPoints = shop.getByTestId("pay-with-points");
  await expect(withPoints).toContainText("You have 9,547 points");
  await withPoints.getByRole("button", { name: "Use 4,999" }).click();
  await expect(withPoints.getByRole("status")).toHaveText("4,999 points pay $49.99.");
  await shop.getByLabel("Street and number").fill("1 Loyal Street");
  await shop.getByLabel("City").fill("Springfield");
  await shop.getByLabel("Postal code").fill("12345");
  await shop.getByRole("button", { name: "Place order" }).click();
  await expect(shop.getByTestId("paid-with-points")).toContainText("$49.99 paid with 4,999 points");
  await expect.poll(async () => count(await page.getByTestId("points-balance-REWARD").innerText())).toBe(4_548);
  await shop.getByRole("button", { name: "Pay now (test payment)" }).click();
  await expect(shop.getByTestId("order-placed")).toContainText("is paid");
  // Silver now, she is in the cashback programme too: 1 % of what she paid in money, pending through the return window.
  await expect.poll(async () => {
    await page.reload();
    return page.getByTestId("cashback").innerText();
  }).toMatch(/1 % cashback for Silver and Gold members[\s\S]*USD\s+0\.00 paid · \d+\.\d\d pending/);

  await adminContext.close();
  await memberContext.close();
});

test("missions show their progress to the member; the admin sees segments with their members, campaigns with their budget and missions with completions", async ({ browser }) => {
  const memberContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const ava = await memberContext.newPage();
  await login(ava, DEMO_MEMBER);
  await ava.goto("/loyalty");
  const challenge = ava.getByTestId("mission-MONTH_CHALLENGE");
  await expect(challenge).toContainText("This month's challenge");
  await expect(challenge.getByRole("progressbar", { name: "Pay 2 orders" })).toBeVisible();

  // She shares a badge: the public card carries her referral code, and its image renders.
  const share = ava.getByTestId("share-achievement").first();
  await share.locator("summary").click();
  await expect(share.getByRole("link", { name: "WhatsApp" })).toHaveAttribute("href", /^https:\/\/wa\.me\/\?text=.*%2Fshare%2F/);
  const path = await share.getByTestId("share-preview").getAttribute("href");
  // Every card's image renders (a badge, a tier), offline: no font or emoji is fetched.
  for (const href of await ava.getByTestId("share-preview").evaluateAll((links) => links.map((a) => a.getAttribute("href")!))) {
    const image = await ava.request.get(href.replace("?", "/image?"));
    expect(image.status(), href).toBe(200);
    expect(image.headers()["content-type"]).toBe("image/png");
    expect((await image.body()).length).toBeGreaterThan(10_000);
  }
  const visitor = await browser.newContext();
  const card = await visitor.newPage();
  await card.goto(path!);
  await expect(card.getByText(/Ava M\. (earned|is a)/)).toBeVisible();
  await expect.poll(() => card.getByTestId("share-card").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
  await expect(card.getByRole("link", { name: "Join Ava's team" })).toHaveAttribute("href", /\/join\?ref=[A-Z0-9]+/);
  expect((await card.goto(path!.replace(/s=[^&]+/, "s=forged")))?.status()).toBe(404);
  await visitor.close();
  await memberContext.close();

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, DEMO_ADMIN);
  await admin.goto("/admin/loyalty");
  const segments = admin.getByTestId("segments");
  await expect(segments.getByRole("row", { name: /Lapsed buyers/ })).toContainText("bought before, no order for 60 days");
  expect(count(await segments.getByRole("row", { name: /Supplement fans/ }).locator("td").last().innerText())).toBeGreaterThan(0);
  await expect(admin.getByTestId("campaigns").getByRole("row", { name: /Welcome back/ })).toContainText(/\d[\d,]* \/ 1,000,000/);
  const sprint = admin.getByTestId("missions").getByRole("row", { name: /Autumn sprint/ });
  expect(count(await sprint.locator("td").nth(2).innerText())).toBeGreaterThan(0);
  await adminContext.close();
});

test("an admin adds a segment and a holiday campaign for it with the forms, is told which field is wrong, and removes them again", async ({ page }) => {
  await login(page, DEMO_ADMIN);
  await page.goto("/admin/loyalty");
  const seg = page.getByTestId("segment-form");
  await seg.getByLabel("Segment code").fill("E2E_JAPAN");
  await seg.getByLabel("Segment name").fill("Japan buyers");
  await seg.getByLabel("Countries").fill("jp");
  await seg.getByLabel("Ordered within days").fill("0");
  await seg.getByRole("button", { name: "Add segment" }).click();
  await expect(seg.getByRole("alert")).toContainText("when.orderedWithinDays");
  await seg.getByLabel("Ordered within days").fill("90");
  await seg.getByRole("button", { name: "Add segment" }).click();
  await expect(seg.getByRole("status")).toContainText("Segment E2E_JAPAN saved");
  await expect(page.getByTestId("segments").getByRole("row", { name: /Japan buyers/ })).toBeVisible();

  const campaign = page.getByTestId("campaign-form");
  await campaign.getByLabel("Campaign code").fill("E2E_GOLDEN_WEEK");
  await campaign.getByLabel("Campaign name").fill("Golden Week double points");
  await campaign.getByLabel("Campaign type").selectOption("MULTIPLIER");
  await campaign.getByLabel("Campaign amount").fill("2");
  await campaign.getByLabel("Only on days").fill("2027-04-29 2027-05-03 2027-05-04 2027-05-05");
  await campaign.getByLabel("Campaign countries").fill("JP");
  await campaign.getByLabel("Campaign segment").selectOption("E2E_JAPAN");
  await campaign.getByRole("button", { name: "Add campaign" }).click();
  await expect(campaign.getByRole("status")).toContainText("Campaign E2E_GOLDEN_WEEK saved");
  const row = page.getByTestId("campaigns").getByRole("row", { name: /Golden Week double points/ });
  await expect(row).toContainText("on 2027-04-29, 2027-05-03");
  await expect(row).toContainText("Japan buyers");

  // The segment is in use: the form says so, and nothing changes.
  await seg.getByLabel("Segment to edit").selectOption("E2E_JAPAN");
  await page.getByTestId("segment-form").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByTestId("segment-form").getByRole("alert")).toContainText("No segment is called");
  await page.getByTestId("campaign-form").getByLabel("Campaign to edit").selectOption("E2E_GOLDEN_WEEK");
  await expect(page.getByTestId("campaign-form").getByLabel("Campaign amount")).toHaveValue("2");
  await page.getByTestId("campaign-form").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByTestId("campaigns").getByRole("row", { name: /Golden Week double points/ })).toHaveCount(0);
  await page.getByTestId("segment-form").getByLabel("Segment to edit").selectOption("E2E_JAPAN");
  await page.getByTestId("segment-form").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByTestId("segments").getByRole("row", { name: /Japan buyers/ })).toHaveCount(0);
});

test("a distributor sees the points her retail customers earned on the orders she placed for them", async ({ page }) => {
  await login(page, { email: "olivia.founder@demo.test", password: "demo-member-123" });
  await page.goto("/orders");
  const card = page.getByTestId("customer-points");
  const ray = card.getByRole("row", { name: /Ray Founder/ });
  await expect(ray).toBeVisible();
  const before = count(await ray.getByTestId("customer-balance-REWARD").innerText());
  expect(before).toBeGreaterThan(100);

  // Ray's next order is paid partly with Ray's own points.
  await page.getByLabel("For", { exact: true }).selectOption({ label: "Ray Founder (customer)" });
  await page.getByLabel("Quantity of Shake Mix Vanilla").fill("2");
  const withPoints = page.getByTestId("pay-with-points");
  await expect(withPoints).toContainText(`Ray Founder has ${before.toLocaleString("en-US")} points`);
  await withPoints.getByRole("button", { name: /^Use [\d,]+$/ }).click();
  const used = count((await withPoints.getByRole("status").innerText()).split(" points")[0]!);
  expect(used).toBeGreaterThan(0);
  await page.getByLabel("Street and number").fill("2 Customer Lane");
  await page.getByLabel("City").fill("Springfield");
  await page.getByLabel("Postal code").fill("12345");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByTestId("paid-with-points")).toContainText(`with ${used.toLocaleString("en-US")} points`);
  await page.reload();
  await expect.poll(async () => count(await page.getByTestId("customer-points").getByRole("row", { name: /Ray Founder/ }).getByTestId("customer-balance-REWARD").innerText())).toBe(before - used);
});
