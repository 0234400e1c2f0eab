import { expect, type Page, test } from "@playwright/test";
import { ALFA_ADMIN, createOrder, createShopClient, signInViaApi, uniqueSuffix } from "./fixtures";

async function fillReceiver(page: Page) {
  await page.getByLabel("Контактное лицо получателя").fill("Тестова Анна");
  await page.getByLabel("Город получателя").fill("Тверь");
  await page.getByLabel("Адрес получателя").fill("ул. Советская, д. 5, кв. 12");
}

test("staff create an order: a missing receiver phone is shown at its field, then the order is saved", async ({
  page,
}) => {
  const client = await createShopClient(await signInViaApi(page, ALFA_ADMIN));
  await page.goto("/orders/new");
  const number = `E2E-O-${uniqueSuffix()}`;

  await page.getByLabel("Клиент", { exact: true }).selectOption({ label: client.name });
  await page.getByLabel("Номер заказа").fill(number);
  await fillReceiver(page);
  await page.getByLabel("Вес, кг").fill("1,5");
  await page.getByLabel("Наложенный платёж").fill("1990");
  await page.getByRole("button", { name: "+ Товар" }).click();
  await page.getByLabel("Товар 1: наименование").fill("Настольная лампа");
  await page.getByLabel("Товар 1: цена").fill("1990");
  await page.getByLabel("Товар 1: ставка НДС").selectOption({ label: "20%" });

  await page.getByRole("button", { name: "Создать заказ" }).click();
  const phone = page.getByLabel("Телефон получателя");
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  await expect(phone).toHaveAccessibleDescription("Укажите телефон получателя");
  await expect(page).toHaveURL(/\/orders\/new$/);
  // Nothing typed is lost.
  await expect(page.getByLabel("Номер заказа")).toHaveValue(number);

  await phone.fill("+7 900 123-45-67");
  await expect(phone).not.toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Создать заказ" }).click();

  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Заказ ${number}`);
  // Stored normalised, as the XML API stores it.
  await expect(page.getByText("+79001234567")).toBeVisible();
  await expect(page.getByText("Настольная лампа")).toBeVisible();
  const history = page.getByTestId("status-history");
  await expect(history).toContainText("Новый");
  await expect(history).toContainText("NEW");
  await expect(history).toContainText("кабинет");

  // The list finds it by number.
  await page.goto(`/orders?q=${encodeURIComponent(number)}`);
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByTestId("order-row")).toContainText(client.name);
});

test("a number already used this year is reported under the number field", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const taken = await createOrder(api, client.id, `E2E-D-${uniqueSuffix()}`);
  await page.goto("/orders/new");
  await page.getByLabel("Клиент", { exact: true }).selectOption({ label: client.name });
  await page.getByLabel("Номер заказа").fill(taken.number);
  await fillReceiver(page);
  await page.getByLabel("Телефон получателя").fill("+7 900 000-00-01");
  await page.getByLabel("Вес, кг").fill("1");
  await page.getByRole("button", { name: "Создать заказ" }).click();

  await expect(page.getByLabel("Номер заказа")).toHaveAccessibleDescription(
    "Заказ с таким номером уже есть в этом году",
  );
  await expect(page).toHaveURL(/\/orders\/new$/);
});
