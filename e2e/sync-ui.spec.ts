import { expect, test } from "@playwright/test";
import {
  ALFA_ADMIN,
  BETA_ADMIN,
  configureMeasoft,
  createBranch,
  createManifest,
  createOrder,
  createPartnerAccount,
  createShopClient,
  signInViaApi,
  uniqueSuffix,
  xmlNewOrder,
} from "./fixtures";

test("an order never handed over says so briefly and is cancelled here at once after a confirmation", async ({
  page,
}) => {
  const alfa = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(alfa);
  const order = await createOrder(alfa, client.id, `E2E-S-${uniqueSuffix()}`);
  await page.goto(`/orders/${order.id}`);

  await expect(page.getByTestId("order-sync")).toContainText("Заказ не передавался партнёрам");
  await expect(page.getByRole("button", { name: "Повторить" })).toHaveCount(0);

  await page.getByRole("button", { name: "Отменить заказ" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Отменить заказ ${order.number}?`);
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

test("the Integration tab counts a branch's waiting order, then shows its hand-over", async ({
  page,
  request,
  baseURL,
}) => {
  // A branch of its own, handing over to Бета on this same deployment as Бета's client account of its own.
  const beta = await signInViaApi(request, BETA_ADMIN);
  const account = await createPartnerAccount(beta, { extra: "202", partnerExtra: "101" });
  const alfa = await signInViaApi(page, ALFA_ADMIN);
  const branch = await createBranch(alfa);
  await configureMeasoft(alfa, branch.id, account.credentials, baseURL!);

  await page.goto("/integration");
  const row = page.getByTestId(`integration-row-${branch.code}`);
  await expect(row).toContainText(branch.name);
  await expect(row).toContainText("MeaSoft");
  await expect(row.getByTestId("sync-waiting")).toHaveText("0");
  // Switched off, the hand-over waits and the tab counts it.
  await row.getByRole("button", { name: "Выключить" }).click();
  await expect(row).toContainText("выключена");

  const client = await createShopClient(alfa);
  const order = await createOrder(alfa, client.id, `E2E-T-${uniqueSuffix()}`);
  await createManifest(alfa, branch.id, [order.id], { send: true });
  // The count, then how long the oldest one has waited.
  await expect(row.getByTestId("sync-waiting")).toHaveText(/^1 \d+ мин$/, { timeout: 20_000 });
  await expect(row.getByTestId("sync-errors")).toHaveText("0");
  await expect(row.getByTestId("sync-failed")).toHaveText("0");

  // Switched on, the order goes at once: nothing waits, the last exchange (a hand-over or a status poll, both
  // with Бета) is a real time today, no errors.
  await row.getByRole("button", { name: "Включить" }).click();
  await expect(row).toContainText("включена");
  const todayHere = new Date().toLocaleDateString("ru-RU", { day: "2-digit", month: "2-digit", year: "numeric" });
  const exchangedToday = new RegExp(`^${todayHere.replace(/\./g, "\\.")}, \\d{2}:\\d{2}:\\d{2}$`);
  await expect(row.getByTestId("sync-last")).toHaveText(exchangedToday, { timeout: 20_000 });
  await expect(row.getByTestId("sync-waiting")).toHaveText("0", { timeout: 20_000 });
  await expect(row.getByTestId("sync-errors")).toHaveText("0");
  await expect(row.getByTestId("sync-failed")).toHaveText("0");
  await expect(row).not.toHaveAttribute("data-stalled", "true");

  // The order card agrees: handed over to that branch's partner.
  await page.goto(`/orders/${order.id}`);
  await expect(page.getByTestId("transfer")).toContainText(branch.name);
  await expect(page.getByTestId("transfer")).toContainText("Передан партнёру");
});

test("the agent filters orders received from partners, and the filter survives a reload", async ({ page, request }) => {
  const beta = await signInViaApi(page, BETA_ADMIN);
  const partner = await createPartnerAccount(beta, { extra: "202", partnerExtra: "101" });
  const shop = await createShopClient(beta);
  const prefix = `E2E-R-${uniqueSuffix()}`;
  // Received: handed in by a partner courier company through the XML API. Own: an ordinary order of Бета's client.
  const received = await xmlNewOrder(request, partner.credentials, `${prefix}-P`);
  const own = (await createOrder(beta, shop.id, `${prefix}-S`)).number;

  await page.goto(`/orders?q=${prefix}`);
  const numbers = page.getByTestId("order-row").locator("td:first-child");
  await expect(numbers).toHaveText([own, received]);
  const box = page.getByLabel("Полученные от партнёров");
  // The box follows the URL, so it ticks once the address has changed.
  await box.click();
  await expect(page).toHaveURL(/received=1/);
  await expect(box).toBeChecked();
  await expect(numbers).toHaveText([received]);
  await expect(page.getByTestId("order-client")).toHaveText([partner.name]);

  await page.reload();
  await expect(page.getByLabel("Полученные от партнёров")).toBeChecked();
  await expect(numbers).toHaveText([received]);
});

test("a courier-company client keeps its partner extra code; a wrong one is shown at the field", async ({ page }) => {
  const name = `Партнёр ${uniqueSuffix()}`;
  await signInViaApi(page, ALFA_ADMIN);
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

test("a client account sees no exchange with partners, and cancels its own new order", async ({ page, request }) => {
  const alfa = await signInViaApi(request, ALFA_ADMIN);
  const client = await createShopClient(alfa, { withLogin: true });
  const order = await createOrder(alfa, client.id);
  await signInViaApi(page, { extra: "101", login: client.login!, password: client.password! });
  await page.goto("/orders");
  await page.getByTestId("order-row").getByRole("link", { name: order.number }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${order.id}$`));
  await expect(page.getByRole("heading", { name: "История статусов" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Передача партнёру" })).toHaveCount(0);
  await expect(page.getByText("Недостаточно прав")).toHaveCount(0);

  // Not yet in the courier company's work: the client may cancel it, and it is cancelled at once.
  await page.getByRole("button", { name: "Отменить заказ" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Да, отменить заказ" }).click();
  await expect(page.getByTestId("cancel-outcome")).toHaveText("Заказ отменён");
  await expect(page.getByTestId("status-history")).toContainText("CANCELED");
  await expect(page.getByRole("button", { name: "Отменить заказ" })).toHaveCount(0);
});
