import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, createBranch, createOrder, createShopClient, signInViaApi, uniqueSuffix } from "./fixtures";

test("staff pick rows and cancel them: the summary names the refused order and why", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const prefix = `E2E-BK-${uniqueSuffix()}-`;
  const [a, b, done] = [
    await createOrder(api, client.id, `${prefix}1`),
    await createOrder(api, client.id, `${prefix}2`),
    await createOrder(api, client.id, `${prefix}3`),
  ];
  await api.orders.setStatus.mutate({ id: done.id, status: "COMPLETE" });

  await page.goto(`/orders?q=${encodeURIComponent(prefix)}`);
  await expect(page.getByTestId("order-row")).toHaveCount(3);
  for (const o of [a, b, done]) await page.getByLabel(`Выбрать заказ ${o.number}`).check();
  await expect(page.getByTestId("bulk-selected")).toHaveText("Выбрано: 3");

  await page.getByRole("button", { name: "Отменить", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Отменить выбранные заказы (3)?" });
  await dialog.getByRole("button", { name: "Да, отменить" }).click();
  await expect(dialog).toBeHidden();

  const summary = page.getByTestId("bulk-summary");
  await expect(summary).toContainText("Готово: 2, отказано: 1");
  await expect(summary.getByTestId("bulk-refused").getByRole("listitem")).toHaveText([
    `${done.number} — Заказ в финальном статусе «Доставлен» и не может быть отменён`,
  ]);
  // The list is read again: the two are cancelled, the delivered one is as it was.
  const row = (n: string) => page.getByTestId("order-row").filter({ hasText: n });
  await expect(row(a.number)).toContainText("Не доставлен (отмена)");
  await expect(row(b.number)).toContainText("Не доставлен (отмена)");
  await expect(row(done.number)).toContainText("Доставлен");
  await expect(row(done.number)).not.toContainText("отмена");
});

test("«Выбрать все по фильтру» takes every order the filter finds, then a status is set on them", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const prefix = `E2E-BF-${uniqueSuffix()}-`;
  const orders = [];
  for (let i = 1; i <= 3; i++) orders.push(await createOrder(api, client.id, `${prefix}${i}`));

  await page.goto(`/orders?q=${encodeURIComponent(prefix)}`);
  await expect(page.getByTestId("order-row")).toHaveCount(3);
  await page.getByLabel(`Выбрать заказ ${orders[0]!.number}`).check();
  await page.getByRole("button", { name: "Выбрать все по фильтру (3)" }).click();
  await expect(page.getByTestId("bulk-selected")).toHaveText("Выбраны все заказы по фильтру: 3");

  await page.getByRole("button", { name: "Сменить статус" }).click();
  const dialog = page.getByRole("dialog", { name: "Сменить статус" });
  // Cancelling is the cancel verb's (it knows about partners): the lifecycle keeps CANCELED out of the list.
  await expect(dialog.getByRole("option", { name: "Выдан курьеру" })).toHaveCount(1);
  await expect(dialog.getByRole("option", { name: "Не доставлен (отмена)" })).toHaveCount(0);
  await dialog.getByLabel("Новый статус").selectOption({ label: "Выдан курьеру" });
  await dialog.getByRole("button", { name: "Сменить статус" }).click();
  await expect(page.getByTestId("bulk-summary")).toContainText("Готово: 3, отказано: 0");
  await expect(page.getByTestId("order-row").filter({ hasText: "Выдан курьеру" })).toHaveCount(3);
});

test("staff put picked orders into a draft manifest chosen in the dialog", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const branch = await createBranch(api);
  const manifest = await api.manifests.create.mutate({
    number: `E2E-BM-${uniqueSuffix()}`,
    responsibleBranchId: branch.id,
  });
  const prefix = `E2E-BM-${uniqueSuffix()}-`;
  const orders = [await createOrder(api, client.id, `${prefix}1`), await createOrder(api, client.id, `${prefix}2`)];

  await page.goto(`/orders?q=${encodeURIComponent(prefix)}`);
  await expect(page.getByTestId("order-row")).toHaveCount(2);
  for (const o of orders) await page.getByLabel(`Выбрать заказ ${o.number}`).check();
  await page.getByRole("button", { name: "Добавить в манифест" }).click();
  const dialog = page.getByRole("dialog", { name: "Добавить в манифест" });
  await dialog.getByLabel("Манифест (черновик)").selectOption(String(manifest.id));
  await dialog.getByRole("button", { name: "Добавить", exact: true }).click();
  await expect(page.getByTestId("bulk-summary")).toContainText("Готово: 2, отказано: 0");
  const saved = await api.manifests.get.query({ id: manifest.id });
  expect(saved.orders.map((o) => o.number).sort()).toEqual(orders.map((o) => o.number).sort());
});

test("labels of «все по фильтру» are printed by the filter's ids", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const prefix = `E2E-BL-${uniqueSuffix()}-`;
  const orders = [];
  for (let i = 1; i <= 3; i++) orders.push(await createOrder(api, client.id, `${prefix}${i}`));

  await page.goto(`/orders?q=${encodeURIComponent(prefix)}`);
  await page.getByLabel(`Выбрать заказ ${orders[2]!.number}`).check();
  await page.getByRole("button", { name: "Выбрать все по фильтру (3)" }).click();
  await expect(page.getByTestId("bulk-selected")).toHaveText("Выбраны все заказы по фильтру: 3");
  const response = page.context().waitForEvent("response", (r) => r.url().endsWith("/api/documents"));
  await page.getByRole("button", { name: "Печать этикеток" }).click();
  const r = await response;
  expect(r.status()).toBe(200);
  expect(r.headers()["x-document-orders"]).toBe("3");
});

test("a client account cancels its own new orders only, and has no staff actions", async ({ page, request }) => {
  const staff = await signInViaApi(request, ALFA_ADMIN);
  const shop = await createShopClient(staff, { withLogin: true });
  const prefix = `E2E-BC-${uniqueSuffix()}-`;
  const fresh = await createOrder(staff, shop.id, `${prefix}1`);
  const inWork = await createOrder(staff, shop.id, `${prefix}2`);
  await staff.orders.setStatus.mutate({ id: inWork.id, status: "DELIVERY" });

  await signInViaApi(page, { extra: ALFA_ADMIN.extra, login: shop.login!, password: shop.password! });
  await page.goto(`/orders?q=${encodeURIComponent(prefix)}`);
  await expect(page.getByTestId("order-row")).toHaveCount(2);
  await page.getByLabel("Выбрать все показанные заказы").check();
  await expect(page.getByTestId("bulk-selected")).toHaveText("Выбрано: 2");
  await expect(page.getByRole("button", { name: "Сменить статус" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Добавить в манифест" })).toHaveCount(0);

  await page.getByRole("button", { name: "Отменить", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Да, отменить" }).click();
  const summary = page.getByTestId("bulk-summary");
  await expect(summary).toContainText("Готово: 1, отказано: 1");
  await expect(summary.getByRole("listitem")).toHaveText([
    `${inWork.number} — Заказ уже в работе у курьерской службы и не может быть отменён`,
  ]);
  await expect(page.getByTestId("order-row").filter({ hasText: fresh.number })).toContainText("Не доставлен (отмена)");
});
