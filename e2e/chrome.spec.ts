import { expect, type Page, test } from "@playwright/test";
import { ALFA_ADMIN, ALFA_SHOP, signIn } from "./fixtures";

/** The first record link of a list page, e.g. «/orders/17». */
async function firstRecordPath(page: Page, list: string, pattern: RegExp): Promise<string> {
  await page.goto(list);
  await page.locator("main table a[href]").first().waitFor();
  const hrefs = await page.locator("main table a[href]").evaluateAll((els) => els.map((e) => e.getAttribute("href") ?? ""));
  const found = hrefs.find((h) => pattern.test(h));
  expect(found, `no record link on ${list}`).toBeTruthy();
  return found!;
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
  await signIn(page, ALFA_ADMIN);
  const res = await page.goto("/no-such-section");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();
  await expect(page.getByTestId("whoami")).toContainText("Альфа Курьер");
  await page.getByRole("link", { name: "Вернуться к заказам" }).click();
  await expect(page).toHaveURL(/\/orders$/);

  for (const path of ["/orders/2147483000", "/manifests/2147483000", "/clients/2147483000", "/orders/abc", "/orders/99999999999"]) {
    const r = await page.goto(path);
    expect(r?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();
  }
});

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("staff: the navigation folds behind «Меню» and no page scrolls sideways", async ({ page }) => {
    await signIn(page, ALFA_ADMIN);
    const sections = page.getByRole("navigation", { name: "Разделы" });
    await expect(sections).toBeHidden();
    await page.getByRole("button", { name: "Меню" }).click();
    await sections.getByRole("link", { name: "Манифесты" }).click();
    await expect(page).toHaveURL(/\/manifests$/);
    await expect(sections).toBeHidden();

    const order = await firstRecordPath(page, "/orders", /^\/orders\/\d+$/);
    const manifest = await firstRecordPath(page, "/manifests", /^\/manifests\/\d+$/);
    const client = await firstRecordPath(page, "/clients", /^\/clients\/\d+$/);
    const pages = ["/orders", "/orders/new", order, `${order}/edit`, "/manifests", "/manifests/new", manifest, "/clients"];
    pages.push("/clients/new", client, "/directories/branches", "/integration", "/apps", "/automation", "/no-such-page");
    for (const path of pages) await expectNoSidewaysScroll(page, path);
  });

  test("a client account and the sign-in page do not scroll sideways either", async ({ page }) => {
    await expectNoSidewaysScroll(page, "/login");
    await signIn(page, ALFA_SHOP);
    const order = await firstRecordPath(page, "/orders", /^\/orders\/\d+$/);
    for (const path of ["/orders", "/orders/new", order]) await expectNoSidewaysScroll(page, path);
  });
});
