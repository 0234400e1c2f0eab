import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, signIn, uniqueSuffix } from "./fixtures";

test("an order sent in a manifest takes the manifest's responsible branch", async ({ page }) => {
  const suffix = uniqueSuffix();
  const orderNumber = `E2E-M-${suffix}`;
  const manifestNumber = `E2E-${suffix}`;
  await signIn(page, ALFA_ADMIN);

  await page.goto("/orders/new");
  await page.getByLabel("Клиент", { exact: true }).selectOption({ label: "Демо-магазин" });
  await page.getByLabel("Номер заказа").fill(orderNumber);
  await page.getByLabel("Контактное лицо получателя").fill("Сибиряков Олег");
  await page.getByLabel("Телефон получателя").fill("+7 913 000-00-00");
  await page.getByLabel("Город получателя").fill("Новосибирск");
  await page.getByLabel("Адрес получателя").fill("Красный пр., д. 1");
  await page.getByRole("button", { name: "Создать заказ" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByTestId("responsible-branch")).toHaveText("—");

  await page.goto("/manifests/new");
  await page.getByLabel("Номер манифеста").fill(manifestNumber);
  await page.getByLabel("Создающий филиал").selectOption({ label: "Москва (головной)" });
  await page.getByLabel("Ответственный филиал").selectOption({ label: "Бета Экспресс (Новосибирск)" });
  await page.getByRole("button", { name: "Создать манифест" }).click();
  await expect(page).toHaveURL(/\/manifests\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Манифест ${manifestNumber}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Черновик");

  // As if scanned: one number per line.
  await page.getByLabel("Номера или штрихкоды заказов").fill(`${orderNumber}\n`);
  await page.getByRole("button", { name: "Добавить", exact: true }).click();
  await expect(page.getByText("Добавлено: 1 заказ")).toBeVisible();
  await expect(page.getByTestId("manifest-orders")).toContainText(orderNumber);

  await page.getByRole("button", { name: "Скомплектовать" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Скомплектован");

  await page.getByLabel("Дата отправки").fill("2026-12-01");
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page.getByText("Ответственный филиал «Бета Экспресс (Новосибирск)» назначен 1 заказу")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Отправлен");

  await page.getByTestId("manifest-orders").getByRole("link", { name: orderNumber }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByTestId("responsible-branch")).toHaveText("Бета Экспресс (Новосибирск)");
  await expect(page.getByRole("link", { name: manifestNumber })).toBeVisible();
});

test("orders cannot be added to a manifest that is no longer a draft", async ({ page }) => {
  await signIn(page, ALFA_ADMIN);
  await page.goto("/manifests");
  // Seeded assembled; a manifest never goes back to draft.
  await page.getByRole("link", { name: "М-00002" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Манифест М-00002");
  await expect(page.getByRole("heading", { level: 1 })).not.toContainText("Черновик");
  // A non-draft manifest offers no way to add or remove orders.
  await expect(page.getByLabel("Номера или штрихкоды заказов")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Убрать заказ/ })).toHaveCount(0);
});
