import { expect, test } from "@playwright/test";
import { BETA_ADMIN, createOrder, createShopClient, signInViaApi, standInControl, uniqueSuffix } from "./fixtures";

// PimPay here is its stand-in, which `npm start` runs beside the demo (PIMPAY_STAND_IN_PORT, 8089 by default) and
// which accepts our company code; the spec plays PimPay's side (token issued, public key pasted, the shop known by
// INN) through its /_control/ endpoints. PimPay settings are company-wide: only this spec touches Бета's (202).
const PIMPAY_URL = `http://127.0.0.1:${process.env.PIMPAY_STAND_IN_PORT ?? "8089"}`;
const COMPANY_CODE = process.env.PIMPAY_STAND_IN_COMPANY_CODE || "kurier_hub";

interface StandInOrder {
  id: string;
  tin: string;
  paymentFromRecipient: number;
  deliveryService: string;
  uniformPimpayDeliveryStatus: string;
  customDeliveryStatus: string;
  history: { uniformPimpayDeliveryStatus: string; source: string }[];
  stateUpdates: number;
}

const control = standInControl(PIMPAY_URL);

/** A random organisation INN (10 digits) with the right check digit, so runs never share a shop at PimPay. */
function validInn() {
  const d = [7, 7, ...Array.from({ length: 7 }, () => Math.floor(Math.random() * 10))];
  const check = ([2, 4, 10, 3, 5, 9, 4, 6, 8].reduce((s, w, i) => s + w * d[i]!, 0) % 11) % 10;
  return [...d, check].join("");
}

test("PimPay journey: keys, public key copied into PimPay, connection checked, client on PimPay, delivered COD order at PimPay", async ({
  page,
  request,
}) => {
  // The worker's sync-payments runs are queued every second; the order and its delivered state take a few runs.
  test.setTimeout(120_000);
  const suffix = uniqueSuffix();
  const token = `pp-e2e-${suffix}`;
  const inn = validInn();
  const staff = await signInViaApi(page, BETA_ADMIN);

  // PimPay issues the company a token; no public key is in its cabinet yet.
  await control(request, "POST", "tokens", { token });

  // Интеграция → PimPay: «Создать ключи», or new ones after the confirm should the company already have some (the
  // settings are loaded once the button is there; reading the key earlier would miss an existing one).
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/integration/pimpay");
  await expect(page.getByRole("heading", { name: "PimPay", exact: true })).toBeVisible();
  const makeKeys = page.getByRole("button", { name: /^Создать (новые )?ключи$/ });
  await expect(makeKeys).toBeVisible();
  const publicKeyBox = page.getByLabel("Открытый ключ (public.pem)");
  const before = (await publicKeyBox.count()) ? await publicKeyBox.inputValue() : null;
  const confirms: string[] = [];
  page.once("dialog", (d) => {
    confirms.push(d.message());
    void d.accept();
  });
  await makeKeys.click();
  await expect(publicKeyBox).toHaveValue(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/);
  if (before) {
    await expect(publicKeyBox).not.toHaveValue(before);
    expect(confirms).toEqual(["Создать новые ключи? Старый открытый ключ в PimPay перестанет подходить."]);
  } else expect(confirms).toEqual([]);
  await expect(page.getByRole("button", { name: "Создать новые ключи" })).toBeVisible();

  // «Скопировать» puts exactly the shown key on the clipboard (emptied first, so nothing stale can pass) — what the
  // company pastes into PimPay's cabinet.
  const shown = await publicKeyBox.inputValue();
  await page.evaluate(() => navigator.clipboard.writeText(""));
  await page.getByRole("button", { name: "Скопировать" }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
  const copied = await page.evaluate(() => navigator.clipboard.readText());

  // Token, company code and the stand-in's address saved: PimPay is on for the company.
  await page.getByLabel("Токен").fill(token);
  await page.getByLabel("Код компании").fill(COMPANY_CODE);
  await page.getByLabel("Адрес API").fill(`${PIMPAY_URL}/v2_7/soap/invoke`);
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByText("Настройки сохранены: PimPay включён")).toBeVisible();

  // Before the key is in PimPay's cabinet the check says the signature is not accepted.
  await page.getByRole("button", { name: "Проверить подключение" }).click();
  // The answer shows as an alert; the health line above the form repeats it once the page data is refreshed.
  await expect(page.getByRole("alert").filter({ hasText: /^Подпись не принята/ })).toBeVisible();
  await expect(page.getByText("Ошибка", { exact: true })).toBeVisible();

  // The company pastes the copied public key into PimPay's cabinet; now the check goes green.
  const registered = await control<{ token: string; hasKey: boolean }>(request, "POST", "tokens", {
    token,
    publicKeyPem: copied,
  });
  expect(registered).toMatchObject({ token, hasKey: true });
  await page.getByRole("button", { name: "Проверить подключение" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "Подключение установлено: PimPay принял токен и подпись" }),
  ).toBeVisible();
  await expect(page.getByText("Работает", { exact: true })).toBeVisible();

  // The shop is known to PimPay by its INN (as PimPay's manager would have it), active with payouts possible.
  await control(request, "POST", "clients", {
    token,
    tin: inn,
    legalEntityName: `ООО «Магазин ${suffix}»`,
    shopName: `Магазин ${suffix}`,
  });

  // Client card → «Финансы»: the INN and PimPay as the payment intermediary, saved; the card shows PimPay's record.
  const client = await createShopClient(staff);
  await page.goto(`/clients/${client.id}`);
  await page.getByRole("tab", { name: "Финансы" }).click();
  await page.getByLabel("ИНН").fill(inn);
  await page.getByLabel("Платёжный посредник").selectOption("pimpay");
  await expect(page.getByText("Сохраните карточку: затем здесь появится состояние клиента в PimPay.")).toBeVisible();
  await page.getByRole("button", { name: "Сохранить", exact: true }).click();
  await expect(page.getByText("Изменения сохранены")).toBeVisible();
  const state = page.getByTestId("pimpay-client-state");
  await expect(state).toContainText(`ИНН ${inn}:`);
  await expect(state.getByText("активен", { exact: true })).toBeVisible();
  await expect(state.getByText("выплаты возможны", { exact: true })).toBeVisible();

  // A COD order of that client: the next batch hands it to PimPay as it is, still «Новый» (uniform `pending`).
  const number = `E2E-PP-${suffix}`;
  const order = await createOrder(staff, client.id, number, "Москва");
  const cod = Number((await staff.orders.get.query({ id: order.id })).codAmount);
  expect(cod).toBeGreaterThan(0);
  const atPimPay = async () =>
    (await control<StandInOrder[]>(request, "GET", "orders", { token, id: String(order.id) }))[0];
  await expect
    .poll(async () => (await atPimPay())?.uniformPimpayDeliveryStatus, { timeout: 30_000, intervals: [1000] })
    .toBe("pending");
  await page.goto(`/orders/${order.id}`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/Данные наложенного платежа переданы, статус «Новый»/)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });

  // Delivered on the order card.
  await page.getByLabel("Новый статус").selectOption("COMPLETE");
  await page.getByRole("button", { name: "Изменить статус" }).click();
  await expect(page.getByText("Статус изменён: Доставлен")).toBeVisible();

  // PimPay has the order under our id, filed under the shop's INN, with the COD and the uniform status `delivered`
  // — the change sent as a state of the known order (updateStateForOrders), not as a new order.
  await expect
    .poll(async () => (await atPimPay())?.uniformPimpayDeliveryStatus, { timeout: 45_000, intervals: [1000] })
    .toBe("delivered");
  const [byInn, ...others] = await control<StandInOrder[]>(request, "GET", "orders", {
    token,
    tin: inn,
  });
  expect(others).toEqual([]);
  expect(byInn).toMatchObject({
    id: String(order.id),
    tin: inn,
    paymentFromRecipient: cod,
    deliveryService: COMPANY_CODE,
    uniformPimpayDeliveryStatus: "delivered",
    customDeliveryStatus: "Доставлен",
  });
  expect(byInn!.stateUpdates).toBeGreaterThanOrEqual(1);
  expect(byInn!.history.at(-1)).toMatchObject({ uniformPimpayDeliveryStatus: "delivered", source: "state" });

  // The order card says the COD data went to PimPay with the delivered status.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/Данные наложенного платежа переданы, статус «Доставлен»/)).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 30_000 });
});
