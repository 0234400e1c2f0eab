import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { sampleXlsx, SAMPLE_HEADERS } from "../server/services/orders/import/sample-file";
import { ALFA_ADMIN, createShopClient, signInViaApi, uniqueSuffix } from "./fixtures";

// Excel import as an operator does it: a generated 300-row file with 5 % bad rows → preview with reasons → the
// progress bar moving to done → the invalid rows as an xlsx → the same file again creates nothing.

async function upload(page: Page, clientName: string, name: string, buffer: Buffer) {
  await page.goto("/orders");
  await page.getByRole("link", { name: "Импорт из Excel" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Импорт заказов из Excel");
  await page.getByLabel("Клиент").selectOption({ label: clientName });
  await page.getByLabel("Файл").setInputFiles({
    name,
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer,
  });
  await page.getByRole("button", { name: "Загрузить и проверить" }).click();
  await expect(page).toHaveURL(/\/orders\/import\/\d+$/);
}

const count = (page: Page, label: string) =>
  page
    .getByTestId("import-counts")
    .locator("div")
    .filter({ has: page.getByText(label, { exact: true }) })
    .locator("dd");

test("a 300-row file: preview with reasons, progress to done, errors as xlsx, the same file again adds nothing", async ({
  page,
}) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const file = await sampleXlsx({ rows: 300, badEvery: 20, prefix: `E2E-${uniqueSuffix()}` });

  await upload(page, client.name, "заказы.xlsx", file);
  await expect(count(page, "Строк в файле")).toHaveText("300");
  await expect(count(page, "Готово к загрузке")).toHaveText("285");
  await expect(count(page, "С ошибками")).toHaveText("15");
  await expect(page.getByText("Укажите телефон получателя").first()).toBeVisible();
  await expect(page.getByText(/Вес: больше нуля/).first()).toBeVisible();

  // Every value the bar takes is recorded in the page, so a fast import still shows that it moved step by step.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progress: number[] }).progress = seen;
    new MutationObserver(() => {
      const bar = document.querySelector('[role="progressbar"]');
      const v = Number(bar?.getAttribute("aria-valuenow") ?? NaN);
      if (!Number.isNaN(v) && seen.at(-1) !== v) seen.push(v);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByRole("button", { name: "Загрузить 285 заказов" }).click();
  const bar = page.getByRole("progressbar", { name: "Загрузка заказов" });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByText("Готово: создано 285, уже было 0, с ошибками 15")).toBeVisible();
  const progress = await page.evaluate(() => (window as unknown as { progress: number[] }).progress);
  expect(progress.some((v) => v > 0 && v < 100)).toBe(true);
  expect(progress.at(-1)).toBe(100);

  // The invalid rows as an xlsx: the file's columns, the row number and the reason.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Скачать строки с ошибками (xlsx)" }).click();
  const download = await downloading;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(await download.path());
  const ws = wb.worksheets[0]!;
  expect(ws.rowCount).toBe(16);
  expect(ws.getRow(1).getCell(SAMPLE_HEADERS.length + 2).value).toBe("Ошибка");
  expect(String(ws.getRow(2).getCell(SAMPLE_HEADERS.length + 2).value)).toMatch(/\S/);

  const orders = await api.orders.list.query({ clientId: client.id, limit: 200 });
  expect(orders.items.length).toBe(200);
  expect(orders.nextCursor).toBeTruthy();

  // The same file again: every good row is «уже есть», there is nothing to load.
  await upload(page, client.name, "заказы.xlsx", file);
  await expect(count(page, "Уже есть")).toHaveText("285");
  await expect(count(page, "Готово к загрузке")).toHaveText("0");
  await expect(page.getByRole("button", { name: "Загрузить 0 заказов" })).toBeDisabled();
});

test("an unknown column is asked about once; the answer is remembered for the client", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const headers = [...SAMPLE_HEADERS, "Склад"];
  const file = await sampleXlsx({ rows: 5, badEvery: 0, prefix: `E2E-${uniqueSuffix()}` }, headers);

  await upload(page, client.name, "склад.xlsx", file);
  await expect(page.getByRole("heading", { name: "Сопоставление столбцов" })).toBeVisible();
  await page.getByLabel("Поле для столбца «Склад»").selectOption({ label: "Не загружать" });
  await page.getByRole("button", { name: "Сохранить и проверить" }).click();
  await expect(count(page, "Готово к загрузке")).toHaveText("5");

  const again = await sampleXlsx({ rows: 5, badEvery: 0, prefix: `E2E-${uniqueSuffix()}` }, headers);
  await upload(page, client.name, "склад-2.xlsx", again);
  await expect(count(page, "Готово к загрузке")).toHaveText("5");
  await expect(page.getByRole("heading", { name: "Сопоставление столбцов" })).toHaveCount(0);
});
