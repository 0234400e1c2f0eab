import { expect, type Page, test } from "@playwright/test";
import {
  ALFA_ADMIN,
  type Api,
  createBranch,
  createManifest,
  createOrder,
  createShopClient,
  signInViaApi,
} from "./fixtures";

/** A record of each kind, the test's own: its order, manifest and client pages. */
async function ownRecords(api: Api) {
  const client = await createShopClient(api);
  const order = await createOrder(api, client.id);
  const manifest = await createManifest(api, (await createBranch(api)).id, [order.id]);
  return { order: `/orders/${order.id}`, manifest: `/manifests/${manifest.id}`, client: `/clients/${client.id}` };
}

async function expectNoSidewaysScroll(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `${path} scrolls sideways at 390 px`).toBeLessThanOrEqual(clientWidth);
}

test("an unknown address inside the cabinet answers 404 with a Russian page and a way back", async ({ page }) => {
  await signInViaApi(page, ALFA_ADMIN);
  const res = await page.goto("/no-such-section");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();
  await expect(page.getByTestId("whoami")).toContainText("Альфа Курьер");
  await page.getByRole("link", { name: "Вернуться к заказам" }).click();
  await expect(page).toHaveURL(/\/orders$/);

  for (const path of [
    "/orders/2147483000",
    "/manifests/2147483000",
    "/clients/2147483000",
    "/orders/abc",
    "/orders/99999999999",
  ]) {
    const r = await page.goto(path);
    expect(r?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();
  }
});

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("staff: the navigation folds behind «Меню» and no page scrolls sideways", async ({ page }) => {
    const { order, manifest, client } = await ownRecords(await signInViaApi(page, ALFA_ADMIN));
    await page.goto("/orders");
    const sections = page.getByRole("navigation", { name: "Разделы" });
    await expect(sections).toBeHidden();
    await page.getByRole("button", { name: "Меню" }).click();
    await sections.getByRole("link", { name: "Манифесты" }).click();
    await expect(page).toHaveURL(/\/manifests$/);
    await expect(sections).toBeHidden();

    const pages = ["/orders", "/orders/new", order, `${order}/edit`, "/manifests", "/manifests/new", manifest];
    pages.push("/clients", "/clients/new", client, "/directories/branches", "/integration", "/apps", "/automation");
    pages.push("/security", "/no-such-page");
    for (const path of pages) await expectNoSidewaysScroll(page, path);
  });

  test("a client account and the sign-in page do not scroll sideways either", async ({ page, request }) => {
    const staff = await signInViaApi(request, ALFA_ADMIN);
    const client = await createShopClient(staff, { withLogin: true });
    const order = await createOrder(staff, client.id);
    await expectNoSidewaysScroll(page, "/login");
    await signInViaApi(page, { extra: "101", login: client.login!, password: client.password! });
    for (const path of ["/orders", "/orders/new", `/orders/${order.id}`]) await expectNoSidewaysScroll(page, path);
  });
});
