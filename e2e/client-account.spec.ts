import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, createOrder, createShopClient, signInViaApi, uniqueSuffix } from "./fixtures";

test("a client account sees only its own orders and no staff sections", async ({ page, request }) => {
  // Two fresh clients of the same company: the shop signs in, the other one's order must stay out of its sight.
  const staff = await signInViaApi(request, ALFA_ADMIN);
  const shop = await createShopClient(staff, { withLogin: true });
  const other = await createShopClient(staff);
  const prefix = `E2E-K-${uniqueSuffix()}`;
  const first = await createOrder(staff, shop.id, `${prefix}-1`);
  const foreign = await createOrder(staff, other.id, `${prefix}-X`);
  const second = await createOrder(staff, shop.id, `${prefix}-2`);

  // Staff filter the list by client: exactly the other client's order.
  await signInViaApi(page, ALFA_ADMIN);
  await page.goto("/orders");
  await page.getByLabel("Клиент").selectOption({ label: other.name });
  await expect(page).toHaveURL(new RegExp(`client=${other.id}`));
  await expect(page.getByTestId("order-row").locator("td:first-child")).toHaveText([foreign.number]);

  await page.context().clearCookies();
  await signInViaApi(page, { extra: "101", login: shop.login!, password: shop.password! });
  await page.goto("/orders");

  const nav = page.getByRole("navigation", { name: "Разделы" });
  await expect(nav.getByRole("link")).toHaveText(["Мои заказы", "Приложения", "Подключение магазина", "Автоматизация"]);
  for (const staffOnly of ["Манифесты", "Клиенты", "Справочники", "Интеграция", "Документы"]) {
    await expect(nav.getByRole("link", { name: staffOnly })).toHaveCount(0);
  }
  await expect(page.getByRole("heading", { name: "Мои заказы" })).toBeVisible();
  // No client filter or client column for a client account.
  await expect(page.getByLabel("Клиент", { exact: true })).toHaveCount(0);
  await expect(page.getByTestId("order-client")).toHaveCount(0);

  // Exactly its own orders, newest first; the other client's order created between them is not there.
  await expect(page.getByTestId("order-row").locator("td:first-child")).toHaveText([second.number, first.number]);
  await page.getByRole("link", { name: second.number }).click();
  await expect(page.getByText(new RegExp(`· ${shop.name}$`))).toBeVisible();

  // The other client's order is not found by number, and its card is a 404.
  await page.goto(`/orders?q=${encodeURIComponent(foreign.number)}`);
  await expect(page.getByText("Нет заказов по этим фильтрам")).toBeVisible();
  const res = await page.goto(`/orders/${foreign.id}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();

  // Staff pages opened directly explain instead of crashing.
  for (const path of ["/clients", "/manifests", "/directories/branches", "/integration"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Недостаточно прав" })).toBeVisible();
  }
});
