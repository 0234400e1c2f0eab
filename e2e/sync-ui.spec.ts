import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, ALFA_SHOP, BETA_ADMIN, signIn, uniqueSuffix } from "./fixtures";

// Only what does not depend on a live partner: other specs reconfigure the partner branch while these run.

test("an order never handed over says so briefly and is cancelled here at once after a confirmation", async ({ page }) => {
  const number = `E2E-S-${uniqueSuffix()}`;
  await signIn(page, ALFA_ADMIN);
  await page.goto("/orders/new");
  await page.getByLabel("Клиент", { exact: true }).selectOption({ label: "Демо-магазин" });
  await page.getByLabel("Номер заказа").fill(number);
  await page.getByLabel("Контактное лицо получателя").fill("Отменова Вера");
  await page.getByLabel("Телефон получателя").fill("+7 900 000-00-01");
  await page.getByLabel("Город получателя").fill("Тверь");
  await page.getByLabel("Адрес получателя").fill("ул. Советская, д. 1");
  await page.getByRole("button", { name: "Создать заказ" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);

  await expect(page.getByTestId("order-sync")).toContainText("Заказ не передавался партнёрам");
  await expect(page.getByRole("button", { name: "Повторить" })).toHaveCount(0);

  await page.getByRole("button", { name: "Отменить заказ" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Отменить заказ ${number}?`);
  await dialog.getByRole("button", { name: "Не отменять" }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole("button", { name: "Отменить заказ" }).click();
  await dialog.getByRole("button", { name: "Да, отменить заказ" }).click();
  await expect(page.getByTestId("cancel-outcome")).toHaveText("Заказ отменён");
  await expect(page.getByTestId("status-history")).toContainText("CANCELED");
  // A final status: nothing left to cancel or edit.
  await expect(page.getByRole("button", { name: "Отменить заказ" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Изменить" })).toHaveCount(0);
});

test("the Integration tab shows the exchange columns", async ({ page }) => {
  await signIn(page, ALFA_ADMIN);
  await page.goto("/integration");
  for (const title of ["Последний обмен", "Ждут передачи", "Ошибок за 24 ч", "Не переданы"]) {
    await expect(page.getByRole("columnheader", { name: title })).toBeVisible();
  }
});

test("the agent filters orders received from partners, and the filter survives a reload", async ({ page }) => {
  await signIn(page, BETA_ADMIN);
  await page.goto("/orders");
  const received = page.getByLabel("Полученные от партнёров");
  // The box follows the URL, so it ticks once the address has changed.
  await received.click();
  await expect(page).toHaveURL(/received=1/);
  await expect(received).toBeChecked();
  await page.reload();
  await expect(page.getByLabel("Полученные от партнёров")).toBeChecked();
  // Every row, if any, belongs to a partner courier company's client account.
  const clients = await page.getByTestId("order-client").allTextContents();
  for (const c of clients) expect(c).toBe("Альфа Курьер");
});

test("a courier-company client keeps its partner extra code; a wrong one is shown at the field", async ({ page }) => {
  const name = `Партнёр ${uniqueSuffix()}`;
  await signIn(page, ALFA_ADMIN);
  await page.goto("/clients/new");
  await page.getByLabel("Название").fill(name);
  await expect(page.getByLabel("Код службы партнёра")).toHaveCount(0);
  await page.getByLabel("Тип клиента").selectOption({ label: "Курьерская служба" });
  const code = page.getByLabel("Код службы партнёра");
  await code.fill("двести");
  await page.getByRole("button", { name: "Создать клиента" }).click();
  await expect(code).toHaveAttribute("aria-invalid", "true");
  await expect(code).toHaveAccessibleDescription("Код службы — целое число, например 101");

  await code.fill("303");
  await page.getByRole("button", { name: "Создать клиента" }).click();
  await expect(page).toHaveURL(/\/clients\/\d+$/);
  await expect(page.getByLabel("Код службы партнёра")).toHaveValue("303");
});

test("a client account sees neither the exchange with partners nor the cancel button", async ({ page }) => {
  await signIn(page, ALFA_SHOP);
  await page.getByTestId("order-row").first().click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByRole("heading", { name: "История статусов" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Передача партнёру" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Отменить заказ" })).toHaveCount(0);
  await expect(page.getByText("Недостаточно прав")).toHaveCount(0);
});
