import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, signInViaApi } from "./fixtures";

// The InSales app's pages open inside the InSales back office: they may be framed by *.myinsales.ru, and say in
// Russian what is wrong with a link instead of failing.
test("the InSales link page may be framed by InSales only and explains a stale link in Russian", async ({ page }) => {
  const res = await page.goto("/shop-apps/insales/link?ticket=stale-or-forged-ticket-value");
  expect(res?.status()).toBe(200);
  expect(res?.headers()["content-security-policy"]).toContain("frame-ancestors https://*.myinsales.ru");
  await expect(page.getByRole("heading", { name: "Подключение магазина InSales" })).toBeVisible();
  await expect(page.getByText("Ссылка устарела: откройте приложение из бэк-офиса InSales ещё раз")).toBeVisible();
  // Cabinet pages stay unframeable.
  const login = await page.request.get("/login");
  expect(login.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});

test("«Приложения» lists the clients' shops; the app's addresses are shown to staff", async ({ page }) => {
  await signInViaApi(page, ALFA_ADMIN);
  await page.goto("/apps");
  await expect(page.getByRole("heading", { name: "Приложения" })).toBeVisible();
  await expect(
    page.getByText("Клиенты пока не подключили ни одного магазина").or(page.getByTestId("shop-apps")),
  ).toBeVisible();
  await expect(page.getByText("Адреса приложения InSales")).toBeVisible();
});
