import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, ALFA_SHOP, signIn, uniqueSuffix } from "./fixtures";

test("a client account sees only its own orders and no staff sections", async ({ page }) => {
  // Staff create an order for the other client of the same company.
  const foreignNumber = `E2E-K-${uniqueSuffix()}`;
  await signIn(page, ALFA_ADMIN);
  await page.goto("/orders/new");
  await page.getByLabel("Клиент", { exact: true }).selectOption({ label: "Книжная лавка" });
  await page.getByLabel("Номер заказа").fill(foreignNumber);
  await page.getByLabel("Контактное лицо получателя").fill("Читателев Иван");
  await page.getByLabel("Телефон получателя").fill("+7 900 555-55-55");
  await page.getByLabel("Адрес получателя").fill("ул. Книжная, 7");
  await page.getByRole("button", { name: "Создать заказ" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  const foreignUrl = new URL(page.url()).pathname;

  // The other client's numbers from the staff list, to check none reach the shop's list.
  await page.goto("/orders");
  await page.getByLabel("Клиент").selectOption({ label: "Книжная лавка" });
  await expect(page).toHaveURL(/client=\d+/);
  // The previous page stays on screen while the filtered one loads; wait until only Книжная лавка is listed.
  await expect.poll(async () => [...new Set(await page.getByTestId("order-client").allInnerTexts())]).toEqual(["Книжная лавка"]);
  const foreignNumbers = new Set(await page.getByTestId("order-row").locator("td:first-child").allInnerTexts());
  expect(foreignNumbers.has(foreignNumber)).toBe(true);

  await page.context().clearCookies();
  await signIn(page, ALFA_SHOP);

  const nav = page.getByRole("navigation", { name: "Разделы" });
  await expect(nav.getByRole("link")).toHaveText(["Мои заказы"]);
  for (const staffOnly of ["Манифесты", "Клиенты", "Справочники", "Интеграция", "Приложения", "Автоматизация"]) {
    await expect(nav.getByRole("link", { name: staffOnly })).toHaveCount(0);
  }
  await expect(page.getByRole("heading", { name: "Мои заказы" })).toBeVisible();
  // No client filter or client column for a client account.
  await expect(page.getByLabel("Клиент", { exact: true })).toHaveCount(0);

  const rows = page.getByTestId("order-row");
  await expect(rows.first()).toBeVisible();
  const visible = await rows.locator("td:first-child").allInnerTexts();
  expect(visible.length).toBeGreaterThan(0);
  expect(visible.filter((n) => foreignNumbers.has(n))).toEqual([]);

  // Each visible order belongs to Демо-магазин: spot-check the newest one's card.
  await rows.first().getByRole("link").click();
  await expect(page.getByText(/· Демо-магазин$/)).toBeVisible();

  // The other client's order is not found by number nor by its address.
  await page.goto(`/orders?q=${encodeURIComponent(foreignNumber)}`);
  await expect(page.getByText("Нет заказов по этим фильтрам")).toBeVisible();
  const foreign = await page.goto(foreignUrl);
  expect(foreign?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();

  // Staff pages opened directly explain instead of crashing.
  for (const path of ["/clients", "/manifests", "/directories/branches", "/apps"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Недостаточно прав" })).toBeVisible();
  }
});
