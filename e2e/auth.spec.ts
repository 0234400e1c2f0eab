import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, signInViaApi, signInViaForm } from "./fixtures";

// The one spec that signs in through the form; every other spec signs in through the API (fixtures.ts).

test("a signed-out visitor is sent to sign-in and back to the page asked for", async ({ page }) => {
  await page.goto("/manifests");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fmanifests/);
  await page.getByLabel("Код службы").fill(ALFA_ADMIN.extra);
  await page.getByLabel("Логин").fill(ALFA_ADMIN.login);
  await page.getByLabel("Пароль").fill(ALFA_ADMIN.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/manifests$/);
});

test("wrong credentials get a clear Russian message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Код службы").fill("101");
  await page.getByLabel("Логин").fill("nobody-" + Date.now());
  await page.getByLabel("Пароль").fill("wrong");
  await page.getByRole("button", { name: "Войти" }).click();
  // Next.js adds its own empty role=alert route announcer, so look inside the form.
  await expect(page.locator("form").getByRole("alert")).toHaveText("Неверный код службы, логин или пароль");
  await expect(page).toHaveURL(/\/login/);
});

test("staff sign in, see the company and sign out", async ({ page }) => {
  await signInViaForm(page, ALFA_ADMIN);
  await expect(page.getByTestId("whoami")).toContainText("Альфа Курьер (101)");
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/orders");
  await expect(page).toHaveURL(/\/login/);
});

test.describe("before the page's script runs", () => {
  test.use({ javaScriptEnabled: false });

  test("«Выйти» still signs out, and the session no longer opens the cabinet", async ({ page }) => {
    await signInViaApi(page, ALFA_ADMIN);
    await page.goto("/orders");
    await expect(page.getByTestId("whoami")).toContainText("Альфа Курьер (101)");
    await page.getByRole("button", { name: "Выйти" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/orders");
    await expect(page).toHaveURL(/\/login/);
  });
});
