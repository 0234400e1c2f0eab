import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, createShopClient, signInViaApi, standInControl, uniqueSuffix } from "./fixtures";

// RetailCRM here is its stand-in, which `npm start` runs beside the demo (RETAILCRM_STAND_IN_PORT, 8088 by default)
// with our connect page, module code and secret wired in; the spec drives the CRM's side through /_control/.
const RETAILCRM_URL = `http://127.0.0.1:${process.env.RETAILCRM_STAND_IN_PORT ?? "8088"}`;

interface StandInAccount {
  slug: string;
  url: string;
  keys: { key: string; revoked: boolean }[];
}
interface StandInModule {
  code: string;
  active: boolean;
  payload: { integrations?: { delivery?: { settings?: { paymentTypes?: { code: string; cod?: boolean }[] } } } };
}
interface CallbackRecord {
  status: number;
  json?: { success?: boolean; errorMsg?: string; result?: { deliveryId?: string; trackNumber?: string } };
  error?: string;
  order: { number: string; delivery: { data: { externalId?: string } } };
}
interface TrackingPush {
  accepted: boolean;
  status: number;
  errorMsg?: string;
  items: unknown;
}
type TrackingItem = { deliveryId: string; trackNumber?: string; history?: { code: string }[] };

const control = standInControl(RETAILCRM_URL);

test("RetailCRM journey: connect (wrong then right key), COD payment types, order saved in the CRM, status pushed back", async ({
  page,
  request,
}) => {
  // Connect, settings, save and the worker's tracking push (sync-tick every few seconds) take a while in e2e.
  test.setTimeout(150_000);
  const suffix = uniqueSuffix();
  const staff = await signInViaApi(request, ALFA_ADMIN);
  const client = await createShopClient(staff, { withLogin: true });

  // A CRM account of its own (not the shared demo one), and a key that was revoked: the «wrong» one.
  const crm = await control<StandInAccount>(request, "POST", "accounts", {
    slug: `journey-${suffix}`,
    name: `Магазин ${suffix}`,
  });
  const revoked = await control<{ key: string }>(request, "POST", "keys", {
    account: crm.slug,
    scopes: ["delivery_read", "delivery_write", "integration_read", "integration_write"],
  });
  await control(request, "POST", "keys/revoke", { account: crm.slug, key: revoked.key });

  // The Marketplace's «Подключить»: our connect page with ?account= pre-filled.
  const connect = await control<{ url: string; account: string; apiKey: string }>(request, "GET", "connect-url", {
    account: crm.slug,
  });
  expect(connect.account).toBe(crm.url);
  await page.goto(connect.url);
  await expect(page.getByRole("heading", { name: "Подключение RetailCRM к курьерской службе" })).toBeVisible();
  await expect(page.getByLabel("Адрес RetailCRM")).toHaveValue(crm.url);
  await page.getByLabel("API-ключ").fill(revoked.key);
  await page.getByLabel("Код курьерской службы").fill(ALFA_ADMIN.extra);
  await page.getByLabel("Логин", { exact: true }).fill(client.login!);
  await page.getByLabel("Пароль", { exact: true }).fill(client.password!);
  await page.getByRole("button", { name: "Подключить" }).click();
  // The CRM's refusal is named at the key's field (and nothing is registered in the CRM).
  await expect(page.getByLabel("API-ключ")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("API-ключ")).toHaveAccessibleDescription(/RetailCRM не принял API-ключ/);
  expect(await control<unknown[]>(request, "GET", "modules", { account: crm.slug })).toEqual([]);

  // The form clears the password after a refusal; the right key this time.
  await page.getByLabel("API-ключ").fill(connect.apiKey);
  await page.getByLabel("Пароль", { exact: true }).fill(client.password!);
  await page.getByRole("button", { name: "Подключить" }).click();
  await expect(page.getByText(`RetailCRM подключена к клиенту «${client.name}»`)).toBeVisible();
  // …and back to the CRM's integration list, where our module now stands, active.
  await expect(page).toHaveURL(`${crm.url}/admin/integration/list`, { timeout: 15_000 });
  await expect(page.locator("li[data-code^='kurier-hub-']")).toContainText("активен");
  const registered = await control<StandInModule>(request, "GET", "module", { account: crm.slug });
  expect(registered.active).toBe(true);
  // No COD payment type chosen yet.
  const codTypes = (m: StandInModule) =>
    (m.payload.integrations?.delivery?.settings?.paymentTypes ?? []).filter((p) => p.cod).map((p) => p.code);
  expect(codTypes(registered)).toEqual([]);

  // Settings: the CRM opens the module's accountUrl, which signs the client into its «Автоматизация».
  const opened = await control<{ status: number; location?: string }>(request, "POST", "open-settings", {
    account: crm.slug,
  });
  expect(opened.status, JSON.stringify(opened)).toBe(303);
  await page.goto(opened.location!);
  await expect(page).toHaveURL(/\/automation\/\d+$/, { timeout: 20_000 });
  await expect(page.getByText(`Клиент: ${client.name}.`)).toBeVisible();
  await page.getByRole("checkbox", { name: "Наличные", exact: true }).check();
  await page.getByRole("button", { name: "Сохранить" }).click();
  // Not «Настройки сохранены»: the form remounts when the history gains this row, which wipes that message at once.
  const auditRow = page
    .getByTestId("automation-audit")
    .getByRole("row")
    .filter({ hasText: `Клиент «${client.name}»` })
    .filter({ hasText: "изменены настройки: Типы оплаты с наложенным платежом" });
  await expect(auditRow).toHaveCount(1);
  await expect(page.getByRole("checkbox", { name: "Наличные", exact: true })).toBeChecked();
  // Saving re-registered the module: the CRM now knows cash means cash on delivery.
  const resent = await control<StandInModule>(request, "GET", "module", { account: crm.slug });
  expect(codTypes(resent)).toEqual(["cash"]);

  // The CRM saves an order: 1990 + 1000 of goods and 250 delivery, 1000 already paid by card, 2240 cash on delivery,
  // in two packages.
  const orderNumber = `RC-${suffix}`;
  const saved = await control<CallbackRecord>(request, "POST", "callbacks/save", {
    account: crm.slug,
    orderNumber,
    customer: { firstName: "Анна", lastName: "Тестова", phone: "+79130000000" },
    address: { index: "101000", region: "Москва", city: "Москва", street: "Мясницкая", building: "10", flat: "5" },
    items: [
      { article: "LAMP-1", name: "Настольная лампа", quantity: 1, price: 1990, weight: 900 },
      { article: "SHADE-1", name: "Абажур", quantity: 1, price: 1000, weight: 400 },
    ],
    packages: [
      { weight: 1000, length: 300, width: 200, height: 150, items: [0] },
      { weight: 500, length: 250, width: 250, height: 100, items: [1] },
    ],
    cost: 250,
    payerType: "receiver",
    payments: [
      { type: "bank-card", amount: 1000, paid: true },
      { type: "cash", amount: 2240, paid: false },
    ],
  });
  expect(saved.json, JSON.stringify(saved)).toMatchObject({
    success: true,
    result: { deliveryId: expect.any(String) },
  });
  const deliveryId = saved.json!.result!.deliveryId!;
  expect(saved.order.delivery.data.externalId).toBe(deliveryId);

  // The order is here, as the client's, with the unpaid cash as COD and both packages as places.
  let orderId = 0;
  await expect
    .poll(
      async () => {
        const { items } = await staff.orders.list.query({ clientId: client.id, search: orderNumber });
        orderId = items.find((o) => o.number === orderNumber)?.id ?? 0;
        return orderId;
      },
      { timeout: 20_000, intervals: [500, 1000] },
    )
    .toBeGreaterThan(0);
  expect(String(orderId)).toBe(deliveryId);
  const order = await staff.orders.get.query({ id: orderId });
  expect({
    cod: Number(order.codAmount),
    places: order.quantity,
    packages: order.packages.length,
    town: order.receiverTown,
    payType: order.payType,
  }).toEqual({ cod: 2240, places: 2, packages: 2, town: "Москва", payType: "CASH" });
  // The client sees the same on the order card.
  await page.goto(`/orders/${orderId}`);
  const detail = (term: string) =>
    page.locator("dt", { hasText: new RegExp(`^${term}$`) }).locator("xpath=following-sibling::dd[1]");
  await expect(detail("Мест")).toHaveText("2");
  await expect(detail("Наложенный платёж")).toHaveText(/^2\s?240/);
  await expect(page.getByText("Места (2)")).toBeVisible();

  // Staff hand it to a courier on the order card, in their own browser context.
  const staffContext = await page.context().browser()!.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const staffPage = await staffContext.newPage();
    await signInViaApi(staffPage, ALFA_ADMIN);
    await staffPage.goto(`/orders/${orderId}`);
    await staffPage.getByLabel("Новый статус").selectOption("DELIVERY");
    await staffPage.getByRole("button", { name: "Изменить статус" }).click();
    await expect(staffPage.getByText("Статус изменён: Выдан курьеру")).toBeVisible();
  } finally {
    await staffContext.close();
  }

  // The worker pushes it to the CRM's tracking: our «Выдан курьеру» is the module's «courier», with our track.
  const track = order.barcode?.trim() || order.number;
  const pushedCodes = async () => {
    const pushes = await control<TrackingPush[]>(request, "GET", "tracking", { account: crm.slug });
    return pushes
      .filter((p) => p.accepted && Array.isArray(p.items))
      .flatMap((p) => p.items as TrackingItem[])
      .filter((i) => i.deliveryId === deliveryId)
      .flatMap((i) => (i.history ?? []).map((h) => `${h.code}:${i.trackNumber ?? ""}`));
  };
  await expect.poll(pushedCodes, { timeout: 30_000, intervals: [1000] }).toContain(`courier:${track}`);
  // The CRM took it: the order's delivery status is now «courier».
  const crmOrder = await control<{ delivery: { data: { status?: string; trackNumber?: string } } }>(
    request,
    "GET",
    "order",
    { account: crm.slug, order: orderNumber },
  );
  expect(crmOrder.delivery.data).toMatchObject({ status: "courier", trackNumber: track });
});
