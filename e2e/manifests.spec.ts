import { expect, test } from "@playwright/test";
import {
  ALFA_ADMIN,
  createBranch,
  createManifest,
  createOrder,
  createShopClient,
  signInViaApi,
  today,
  uniqueSuffix,
} from "./fixtures";

// The branches are the test's own and have no integration: sending the bag hands nothing over to a partner.

test("an order sent in a manifest takes the manifest's responsible branch", async ({ page }) => {
  const suffix = uniqueSuffix();
  const manifestNumber = `E2E-${suffix}`;
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const order = await createOrder(api, client.id, `E2E-M-${suffix}`);
  const creating = await createBranch(api, "Москва");
  const responsible = await createBranch(api, "Новосибирск");

  await page.goto(`/orders/${order.id}`);
  await expect(page.getByTestId("responsible-branch")).toHaveText("—");

  await page.goto("/manifests/new");
  await page.getByLabel("Номер манифеста").fill(manifestNumber);
  await page.getByLabel("Создающий филиал").selectOption({ label: creating.name });
  await page.getByLabel("Ответственный филиал").selectOption({ label: responsible.name });
  await page.getByRole("button", { name: "Создать манифест" }).click();
  await expect(page).toHaveURL(/\/manifests\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Манифест ${manifestNumber}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Черновик");

  // As if scanned: one number per line.
  await page.getByLabel("Номера или штрихкоды заказов").fill(`${order.number}\n`);
  await page.getByRole("button", { name: "Добавить", exact: true }).click();
  await expect(page.getByText("Добавлено: 1 заказ")).toBeVisible();
  await expect(page.getByTestId("manifest-orders")).toContainText(order.number);

  await page.getByRole("button", { name: "Скомплектовать" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Скомплектован");

  await page.getByLabel("Дата отправки").fill(today());
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(page.getByText(`Ответственный филиал «${responsible.name}» назначен 1 заказу`)).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Отправлен");

  await page.getByTestId("manifest-orders").getByRole("link", { name: order.number }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${order.id}$`));
  await expect(page.getByTestId("responsible-branch")).toHaveText(responsible.name);
  await expect(page.getByRole("link", { name: manifestNumber })).toBeVisible();
});

test("orders cannot be added to a manifest that is no longer a draft", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const order = await createOrder(api, client.id);
  const manifest = await createManifest(api, (await createBranch(api)).id, [order.id]);
  await page.goto(`/manifests/${manifest.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Манифест ${manifest.number}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Скомплектован");
  await expect(page.getByTestId("manifest-orders")).toContainText(order.number);
  // A manifest never goes back to draft: no way to add or remove orders.
  await expect(page.getByLabel("Номера или штрихкоды заказов")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Убрать заказ/ })).toHaveCount(0);
});
