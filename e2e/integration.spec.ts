import { expect, test, type Page } from "@playwright/test";
import { ALFA_ADMIN, BETA_ADMIN, createBranch, createPartnerAccount, signInViaApi } from "./fixtures";

// The partner is Бета Экспресс (202) on this same deployment's XML API. The branch and Бета's client account are
// the test's own, so the wrong password below counts against that account only, never a shared one.

async function save(page: Page) {
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Сохранить" }).click();
  await expect(dialog).toBeHidden();
}

test("configure MeaSoft for a branch, check the connection, see the partner's refusal, then switch integrator", async ({
  page,
  request,
  baseURL,
}) => {
  const beta = await signInViaApi(request, BETA_ADMIN);
  const { credentials: account } = await createPartnerAccount(beta, { extra: "202", partnerExtra: "101" });
  const branch = await createBranch(await signInViaApi(page, ALFA_ADMIN));
  await page.goto("/integration");
  await expect(page.getByRole("heading", { name: "Интеграция" })).toBeVisible();
  const row = page.getByTestId(`integration-row-${branch.code}`);
  await expect(row).toContainText(branch.name);
  await expect(row).toContainText("не настроено");

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

  await dialog.getByLabel("Логин").fill(account.login);
  await dialog.getByLabel("Пароль").fill(account.password);
  await dialog.getByLabel("Код клиента").fill("202");
  await dialog.getByLabel("API URL").fill(`${baseURL}/api/`);
  await save(page);
  await expect(row).toContainText("MeaSoft");
  await expect(row).toContainText("включена");

  // Check the connection: ok.
  await row.getByRole("button", { name: "Проверить подключение" }).click();
  await expect(row.getByTestId("integration-health")).toContainText("работает");
  await expect(row.getByTestId("integration-health")).toContainText("Подключение установлено");

  // Switched off first: the worker must not sign in with the wrong password below (the run shares one address,
  // and the sign-in throttle counts every failure from it).
  await row.getByRole("button", { name: "Выключить" }).click();
  await expect(row).toContainText("выключена");

  // The stored password never comes back; leaving it blank keeps it, a new one replaces it.
  await row.getByRole("button", { name: "Настроить" }).click();
  await expect(dialog.getByLabel("Пароль")).toHaveValue("");
  await expect(dialog.getByText("Сохранён. Оставьте пустым, чтобы не менять")).toBeVisible();
  await dialog.getByLabel("Пароль").fill("wrong-password");
  await save(page);
  await expect(row.getByTestId("integration-health")).toContainText("не проверено");

  await row.getByRole("button", { name: "Проверить подключение" }).click();
  await expect(row.getByTestId("integration-health")).toContainText("ошибка");
  await expect(row.getByTestId("integration-health")).toContainText("Партнёр ответил: Ошибка авторизации (код 25)");

  // A web page where the API should be: a short Russian reason, never the page's markup.
  await row.getByRole("button", { name: "Настроить" }).click();
  await dialog.getByLabel("API URL").fill(`${baseURL}/login`);
  await save(page);
  await row.getByRole("button", { name: "Проверить подключение" }).click();
  await expect(row.getByTestId("integration-health")).toContainText(
    "не отвечает MeaSoft API: вместо ответа API пришла веб-страница",
  );
  await expect(row.getByTestId("integration-health")).not.toContainText(/<|html|Вход в личный кабинет/);

  // Another integrator, after a confirmation: MeaSoft's health and error go with it.
  await row.getByRole("button", { name: "Настроить" }).click();
  await dialog.getByLabel("Интегратор").selectOption("cdek");
  await dialog.getByLabel("Account").fill("acc-e2e");
  await dialog.getByLabel("Secure password").fill("secret-e2e");
  await dialog.getByLabel("Тариф по умолчанию").fill("136");
  await dialog.getByLabel("Пункт приёма (shipment_point)").fill("MSK1");
  await dialog.getByRole("button", { name: "Сохранить" }).click();
  await dialog.getByRole("button", { name: "Заменить интегратора" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("СДЭК");
  await expect(row.getByTestId("integration-health")).toHaveText("не проверено");
  await expect(row.getByTestId("sync-last")).toHaveText("—");

  // The audit log names the fields, never the values.
  await row.getByRole("button", { name: "Журнал" }).click();
  const log = page.getByRole("dialog");
  await expect(log).toContainText("MeaSoft: изменена");
  await expect(log).toContainText("СДЭК: настроена");
  await expect(log).toContainText("Пароль");
  await expect(log).toContainText("проверка подключения — ошибка");
  await expect(log).not.toContainText("wrong-password");
  await expect(log).not.toContainText("secret-e2e");
});
