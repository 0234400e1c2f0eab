import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, createShopClient, signInViaApi, standInControl, uniqueSuffix } from "./fixtures";

// InSales here is its stand-in, which `npm start` runs beside the demo (INSALES_STAND_IN_PORT, 8087 by default) with
// our app's install/login URLs wired in; the spec drives the shop's side through the stand-in's /_control/ endpoints.
const INSALES_URL = `http://127.0.0.1:${process.env.INSALES_STAND_IN_PORT ?? "8087"}`;

interface StandInShop {
  insalesId: number;
  host: string;
  users: { id: number; email: string; name: string }[];
}
interface StandInOrder {
  id: number;
  number: number;
  fulfillment_status: string;
  custom_status: { permalink: string } | null;
  fields_values: { field_id: number; handle: string; value: string | null }[];
}

const control = standInControl(INSALES_URL);

test("InSales journey: install, autologin, link (wrong then right password), order in, status and track back", async ({
  page,
  request,
}) => {
  // Webhook registration, the shop poll (INBOUND_POLL_SECONDS) and the write-back each take seconds in e2e.
  test.setTimeout(150_000);
  const suffix = uniqueSuffix();
  // Our own client with a login, so the one wrong password below never nears another spec's sign-in throttle.
  const staff = await signInViaApi(request, ALFA_ADMIN);
  const client = await createShopClient(staff, { withLogin: true });
  const prefix = `J${suffix.slice(-8)}-`;

  // The shop installs the app: the stand-in calls our install URL with its token.
  const shop = await control<StandInShop>(request, "POST", "shops", {
    host: `journey-${suffix}.myinsales.ru`,
    title: `Магазин ${suffix}`,
  });
  const installed = await control<{ installed: boolean; status: number }>(request, "POST", "install", {
    shop: shop.insalesId,
  });
  expect(installed).toMatchObject({ installed: true, status: 200 });

  // «Войти в приложение» in the back office: our login URL → the shop signs the nonce → our autologin → link page.
  const openApp = `/api/apps/insales/login?shop=${shop.host}&insales_id=${shop.insalesId}&user_id=${shop.users[0]!.id}`;
  await page.goto(openApp);
  await expect(page).toHaveURL(/\/shop-apps\/insales\/link\?ticket=/);
  await expect(page.getByRole("heading", { name: "Подключение магазина InSales" })).toBeVisible();
  await expect(page.getByText(`Магазин ${shop.host}.`)).toBeVisible();

  await page.getByLabel("Код курьерской службы").fill(ALFA_ADMIN.extra);
  await page.getByLabel("Логин", { exact: true }).fill(client.login!);
  await page.getByLabel("Пароль", { exact: true }).fill(`${client.password!}-wrong`);
  await page.getByLabel("Статус для передачи заказа").selectOption("approved");
  await page.getByLabel("Префикс заказов").fill(prefix);
  await page.getByText("Статусы магазина для статусов доставки").click();
  // Our «Выдан курьеру» becomes the shop's «Отгружен».
  await page.getByLabel("Выдан курьеру", { exact: true }).selectOption("dispatched");
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByText("Неверный код курьерской службы, логин или пароль")).toBeVisible();

  await page.getByLabel("Пароль", { exact: true }).fill(client.password!);
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByText(`Магазин подключён к клиенту «${client.name}»`)).toBeVisible();

  // Opening the app again now signs the shop's owner straight into the client's cabinet.
  await page.goto(openApp);
  await expect(page).toHaveURL(/\/orders$/, { timeout: 20_000 });

  // The shop's manager moves a new order to the trigger status; webhook or poll brings it into the cabinet.
  const created = await control<StandInOrder>(request, "POST", "orders", { shop: shop.insalesId });
  await control(request, "POST", "orders/status", { shop: shop.insalesId, id: created.id, status: "approved" });
  const number = `${prefix}${created.number}`;
  let orderId = 0;
  await expect
    .poll(
      async () => {
        const { items } = await staff.orders.list.query({ clientId: client.id, search: number });
        orderId = items.find((o) => o.number === number)?.id ?? 0;
        return orderId;
      },
      { timeout: 45_000, intervals: [1000] },
    )
    .toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByText(number, { exact: true })).toBeVisible();

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

  // The shop gets the mapped status and the track (our barcode, else our number) in the app's order field.
  const ours = await staff.orders.get.query({ id: orderId });
  // The shop gets the public tracking page of the order (PUBLIC_URL is the app's own address under `npm start`).
  const track = new URL(
    `/t/101/${encodeURIComponent(ours.barcode?.trim() || ours.number)}`,
    test.info().project.use.baseURL,
  ).toString();
  await expect
    .poll(
      async () => {
        const o = await control<StandInOrder>(request, "GET", "order", { shop: shop.insalesId, id: created.id });
        const field = o.fields_values.find((f) => f.handle === "courier_track");
        return { status: o.fulfillment_status, permalink: o.custom_status?.permalink, track: field?.value };
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toEqual({ status: "dispatched", permalink: "dispatched", track });
  // One write: unmapped statuses (the order's first ones here) send nothing to the shop.
  const writes = await control<{ orderId: number; body: Record<string, unknown> }[]>(request, "GET", "writes", {
    shop: shop.insalesId,
  });
  expect(writes.filter((w) => w.orderId === created.id).map((w) => w.body)).toEqual([
    { fulfillment_status: "dispatched", fields_values_attributes: [{ field_id: expect.any(Number), value: track }] },
  ]);
});
