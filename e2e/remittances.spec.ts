import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { ALFA_ADMIN, BETA_ADMIN, createBranch, signInViaApi, uniqueSuffix } from "./fixtures";

// The CDEK integration is the test's own and never contacted: a registry file is read and matched locally. Its
// order numbers were never handed to CDEK by this company, so every line is «not found» and kept as a problem.

const HEADER =
  "Номер реестра;Дата платежа;Номер заказа СДЭК;Наложенный платёж;Сумма к перечислению;Агентское вознаграждение";

test("a CDEK registry file is previewed, posted once, and kept as a document with its problems", async ({
  page,
  browser,
}) => {
  const suffix = uniqueSuffix();
  const registry = `E2E-${suffix}`;
  const cdekNumber = `9${String(Date.now()).slice(-9)}`;
  const api = await signInViaApi(page, ALFA_ADMIN);
  const branch = await createBranch(api);
  await api.integrations.save.mutate({
    branchId: branch.id,
    integrator: "cdek",
    values: { account: "acc", securePassword: "sec", testMode: true, tariffCode: 136, shipmentPoint: "MSK001" },
    replace: true,
  });

  await page.goto("/documents/remittances");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Входящие АПД");
  await page.getByRole("button", { name: "Загрузить отчёт СДЭК" }).click();
  await page.getByLabel("Интеграция СДЭК").selectOption({ label: `Филиал «${branch.name}»` });
  const fileInput = page.getByLabel(/Файл реестра/);

  // A file without the registry's columns is refused at the field.
  await fileInput.setInputFiles({ name: "wrong.csv", mimeType: "text/csv", buffer: Buffer.from("a;b\n1;2\n") });
  await page.getByRole("button", { name: "Показать сверку" }).click();
  await expect(page.getByText(/Не найдена строка заголовков реестра/)).toBeVisible();

  const csv = `${HEADER}\n${registry};30.11.2026;${cdekNumber};1000;970;10\n`;
  await fileInput.setInputFiles({ name: "registry.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Показать сверку" }).click();
  const preview = page.getByTestId("remittance-preview");
  await expect(preview).toContainText(`Реестр № ${registry}`);
  await expect(preview).toContainText("Не найдены: 1");
  await expect(preview).toContainText(`Заказ СДЭК № ${cdekNumber} не найден среди переданных в СДЭК`);
  await preview.getByRole("button", { name: "Провести" }).click();
  await expect(page.getByTestId("remittance-posted")).toContainText(
    `Реестр № ${registry} проведён: строк 1, с расхождениями 1`,
  );

  // The same file again: the preview says it is loaded and nothing can be posted.
  await page.getByRole("button", { name: "Показать сверку" }).click();
  await expect(preview).toContainText(`Реестр № ${registry} уже загружен`);
  await expect(preview.getByRole("button", { name: "Провести" })).toBeDisabled();

  await preview.getByRole("link", { name: "открыть документ" }).click();
  await expect(page).toHaveURL(/\/documents\/remittances\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`реестр СДЭК № ${registry}`);
  await expect(page.getByTestId("remittance-lines")).toContainText("не найден среди переданных в СДЭК");
  const url = page.url();

  // The same report as an Excel workbook (another registry number): read on the server by exceljs.
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Реестр");
  ws.addRow(HEADER.split(";"));
  ws.addRow([`${registry}-X`, new Date(Date.UTC(2026, 10, 30)), Number(cdekNumber), 1000, 970, 10]);
  await page.goto("/documents/remittances");
  await page.getByRole("button", { name: "Загрузить отчёт СДЭК" }).click();
  await page.getByLabel("Интеграция СДЭК").selectOption({ label: `Филиал «${branch.name}»` });
  await page.getByLabel(/Файл реестра/).setInputFiles({
    name: "registry.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: Buffer.from(await wb.xlsx.writeBuffer()),
  });
  await page.getByRole("button", { name: "Показать сверку" }).click();
  await expect(preview.getByRole("heading", { name: `Реестр № ${registry}-X` })).toContainText("от 30.11.2026");
  await expect(preview).toContainText("Не найдены: 1");

  // Another company's staff get a real 404 for this document.
  const beta = await browser.newContext();
  const betaPage = await beta.newPage();
  await signInViaApi(betaPage, BETA_ADMIN);
  const res = await betaPage.goto(new URL(url).pathname);
  expect(res?.status()).toBe(404);
  await expect(betaPage.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();
  await beta.close();
});
