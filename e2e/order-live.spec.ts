import { expect, test, type Page } from "@playwright/test";
import { DEMO_ADMIN, DEMO_MEMBER, login } from "./helpers";

const DEMO_PASSWORD = DEMO_MEMBER.password; // every demo distributor has the same one

async function gql<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await page.request.post("/api/graphql", { data: { query, variables } });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

test("an order three levels below moves the sponsor's GV live and shows in the admin's sales feed", async ({ browser }) => {
  // The admin watches the live sales feed and looks up a member three levels below Ava.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, DEMO_ADMIN);
  await admin.goto("/admin");
  await expect(admin.getByTestId("live-orders")).toBeVisible();
  const { me } = await gql<{ me: { id: string } }>(admin, `{ me { id } }`);
  expect(me.id).toBeTruthy();
  const { members } = await gql<{ members: { edges: { node: { id: string } }[] } }>(admin, `{ members(search: "${DEMO_MEMBER.email}") { edges { node { id } } } }`);
  const avaId = members.edges[0]!.node.id;
  const { downline } = await gql<{ downline: { edges: { depth: number; node: { email: string; firstName: string; lastName: string } }[] } }>(
    admin,
    `query($id: ID!) { downline(memberId: $id, maxDepth: 3, first: 200) { edges { depth node { email firstName lastName } } } }`,
    { id: avaId },
  );
  const buyer = downline.edges.find((e) => e.depth === 3)!.node;

  // Ava (the sponsor) has her dashboard open.
  const sponsorContext = await browser.newContext();
  const sponsor = await sponsorContext.newPage();
  await login(sponsor, DEMO_MEMBER);
  await expect(sponsor).toHaveURL(/\/dashboard/);
  await expect(sponsor.getByTestId("live-status")).toHaveAttribute("data-live", "yes");
  const gvBefore = await sponsor.getByTestId("volume-gv").innerText();

  // The member three levels below orders in another browser context and pays.
  const buyerContext = await browser.newContext();
  const page = await buyerContext.newPage();
  await login(page, { email: buyer.email, password: DEMO_PASSWORD });
  await page.goto("/orders");
  await page.getByLabel("Quantity of Vitamin C 1000").fill("2");
  await page.getByLabel("Street and number").fill("1 Test Street");
  await page.getByLabel("City").fill("Testville");
  // A missing postal code is refused at the field; nothing is ordered.
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByText("Required for delivery.")).toBeVisible();
  await page.getByLabel("Postal code").fill("12345");
  await page.getByRole("button", { name: "Place order" }).click();
  const placed = page.getByTestId("order-placed");
  await expect(placed).toContainText(/Order #\d+ is placed/);
  const orderId = (await placed.innerText()).match(/#(\d+)/)![1]!;

  // The admin's feed shows the new order without a reload.
  await expect(admin.getByTestId("live-orders")).toContainText(`#${orderId}`);
  await expect(admin.getByTestId("live-orders")).toContainText(`${buyer.firstName} ${buyer.lastName}`);

  // Paying moves the volume: Ava's GV card changes within a second, without a reload.
  await page.getByRole("button", { name: "Pay now (test payment)" }).click();
  await expect(placed).toContainText("is paid");
  await expect(sponsor.getByTestId("volume-gv")).not.toHaveText(gvBefore, { timeout: 1000 });
  const gvAfter = Number((await sponsor.getByTestId("volume-gv").innerText()).replace(/,/g, ""));
  expect(gvAfter - Number(gvBefore.replace(/,/g, ""))).toBeCloseTo(40, 2); // 2 × 20 PV

  await adminContext.close();
  await sponsorContext.close();
  await buyerContext.close();
});
