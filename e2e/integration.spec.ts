import { expect, test, type Page } from "@playwright/test";
import { ALFA_ADMIN, signIn } from "./fixtures";

// The partner is Бета Экспресс (202) on this same deployment's XML API, where Альфа is the client «alfa». The branch
// «Москва (головной)» is used so the demo's Бета branch keeps its working integration for the sync spec.

async function saveDialog(page: Page) {
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Сохранить" }).click();
  // A branch configured for another integrator by an earlier run asks first.
  const replace = dialog.getByRole("button", { name: "Заменить интегратора" });
  if (await replace.isVisible().catch(() => false)) await replace.click();
  await expect(dialog).toBeHidden();
}

test("configure MeaSoft for a branch, check the connection, then see the partner's authorization error", async ({ page, baseURL }) => {
  await signIn(page, ALFA_ADMIN);
  await page.goto("/integration");
  await expect(page.getByRole("heading", { name: "Интеграция" })).toBeVisible();
  const row = page.getByTestId("integration-row-MSK");
  await expect(row).toContainText("Москва (головной)");

  // Configure: pick MeaSoft, fill its generated form.
  await row.getByRole("button", { name: "Настроить" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Интегратор").selectOption("measoft");
  await dialog.getByLabel("Логин").fill("");
  await dialog.getByLabel("Пароль").fill("");
  await dialog.getByLabel("Код клиента").fill("двести два");
  await dialog.getByRole("button", { name: "Сохранить" }).click();
  // Validation errors appear at the fields, nothing is saved.
  await expect(dialog.getByText("Укажите логин")).toBeVisible();
  await expect(dialog.getByText("Код клиента — число, например 202")).toBeVisible();

  await dialog.getByLabel("Логин").fill("alfa");
  await dialog.getByLabel("Пароль").fill("alfa");
  await dialog.getByLabel("Код клиента").fill("202");
  await dialog.getByLabel("API URL").fill(`${baseURL}/api/`);
  await saveDialog(page);
  await expect(row).toContainText("MeaSoft");
  await expect(row).toContainText("включена");

  // Check the connection: ok.
  await row.getByRole("button", { name: "Проверить подключение" }).click();
  await expect(row.getByTestId("integration-health")).toContainText("работает");
  await expect(row.getByTestId("integration-health")).toContainText("Подключение установлено");

  // The stored password never comes back; leaving it blank keeps it, a new one replaces it.
  await row.getByRole("button", { name: "Настроить" }).click();
  await expect(dialog.getByLabel("Пароль")).toHaveValue("");
  await expect(dialog.getByText("Сохранён. Оставьте пустым, чтобы не менять")).toBeVisible();
  await dialog.getByLabel("Пароль").fill("wrong-password");
  await saveDialog(page);
  await expect(row.getByTestId("integration-health")).toContainText("не проверено");

  await row.getByRole("button", { name: "Проверить подключение" }).click();
  await expect(row.getByTestId("integration-health")).toContainText("ошибка");
  await expect(row.getByTestId("integration-health")).toContainText("Партнёр ответил: Ошибка авторизации (код 25)");

  // The audit log names the fields, never the values.
  await row.getByRole("button", { name: "Журнал" }).click();
  const log = page.getByRole("dialog");
  await expect(log).toContainText("MeaSoft: изменена");
  await expect(log).toContainText("Пароль");
  await expect(log).toContainText("проверка подключения — ошибка");
  await expect(log).not.toContainText("wrong-password");
});
