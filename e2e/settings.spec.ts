import { expect, type Page, test } from "@playwright/test";
import { ALFA_ADMIN, signInViaApi } from "./fixtures";

const card = (page: Page, title: string) =>
  page.locator("section", { has: page.getByRole("heading", { name: title, exact: true }) });

test("«Услуги и тарифы»: a service, a tariff row and a zone through the inline editors; bad input marked at the field", async ({
  page,
}) => {
  await signInViaApi(page, ALFA_ADMIN);
  await page.goto("/settings");
  await page.getByRole("tab", { name: "Услуги и тарифы" }).click();
  // A code of this run's own, so the demo company's services never collide between runs.
  const code = String(20_000 + Math.floor(Math.random() * 12_000));
  const name = `Доставка E2E ${code}`;

  const services = card(page, "Услуги (виды доставки)");
  await services.getByLabel("Код", { exact: true }).fill("0");
  await services.getByLabel("Название", { exact: true }).fill(name);
  await services.getByRole("button", { name: "Сохранить услугу" }).click();
  await expect(services.getByText("Исправьте ошибки в отмеченных полях")).toBeVisible();
  await expect(services.getByText("Код — от 1")).toBeVisible();
  // Editing the marked field drops its error; a valid service is saved and the form empties.
  await services.getByLabel("Код", { exact: true }).fill(code);
  await expect(services.getByText("Код — от 1")).toHaveCount(0);
  await services.getByRole("button", { name: "Сохранить услугу" }).click();
  await expect(services.getByRole("row", { name: new RegExp(`${code}\\s+${name}`) })).toBeVisible();
  await expect(services.getByLabel("Код", { exact: true })).toHaveValue("");
  await expect(services.getByText("Исправьте ошибки в отмеченных полях")).toHaveCount(0);

  const tariffs = card(page, "Тарифы");
  await tariffs.locator("form").getByLabel("Услуга", { exact: true }).selectOption(code);
  await tariffs.getByLabel("Куда", { exact: true }).fill("Тверь");
  await tariffs.getByLabel("Цена, ₽", { exact: true }).fill("350");
  await tariffs.getByLabel("Вес от, кг", { exact: true }).fill("5");
  await tariffs.getByLabel("Вес до, кг", { exact: true }).fill("1");
  await tariffs.getByRole("button", { name: "Добавить строку" }).click();
  await expect(tariffs.getByText("«Вес до» больше «веса от»")).toBeVisible();
  await tariffs.getByLabel("Вес до, кг", { exact: true }).fill("10");
  await tariffs.getByRole("button", { name: "Добавить строку" }).click();
  await expect(tariffs.getByRole("cell", { name: "Тверь" }).first()).toBeVisible();
  await expect(tariffs.getByLabel("Куда", { exact: true })).toHaveValue("");

  const zones = card(page, "Зоны");
  const zone = String((Number(code) % 900) + 1);
  await zones.getByLabel("Куда", { exact: true }).fill("Тверь");
  await zones.getByLabel("Зона", { exact: true }).fill("abc");
  await zones.getByRole("button", { name: "Добавить зону" }).click();
  await expect(zones.getByText("Зона — целое число")).toBeVisible();
  await zones.getByLabel("Зона", { exact: true }).fill(zone);
  await zones.getByRole("button", { name: "Добавить зону" }).click();
  await expect(zones.getByRole("row", { name: new RegExp(`Тверь\\s+${zone}\\b`) })).toBeVisible();
  await expect(zones.getByLabel("Зона", { exact: true })).toHaveValue("");
});
