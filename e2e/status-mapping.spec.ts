import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, signInViaApi } from "./fixtures";

test("an admin maps a partner's status code differently for the company, then puts the default back", async ({
  page,
}) => {
  await signInViaApi(page, ALFA_ADMIN);
  await page.goto("/integration");
  await page.getByRole("link", { name: "Статусы партнёров" }).click();
  await expect(page.getByRole("heading", { name: "Статусы партнёров" })).toBeVisible();
  await page.getByRole("tab", { name: /^TopDelivery/ }).click();

  const select = page.getByLabel("Наш статус для кода work:3");
  await expect(select).toHaveValue("COMPLETE");
  const row = page.getByRole("row").filter({ has: select });
  await expect(row).toContainText("по умолчанию");

  await select.selectOption("PARTIALLY");
  await row.getByRole("button", { name: "Сохранить" }).click();
  await expect(row).toContainText("изменён; по умолчанию: Доставлен");
  await page.reload();
  await page.getByRole("tab", { name: /^TopDelivery/ }).click();
  await expect(page.getByLabel("Наш статус для кода work:3")).toHaveValue("PARTIALLY");

  await page
    .getByRole("row")
    .filter({ has: page.getByLabel("Наш статус для кода work:3") })
    .getByRole("button", {
      name: "По умолчанию",
    })
    .click();
  await expect(page.getByLabel("Наш статус для кода work:3")).toHaveValue("COMPLETE");
});
