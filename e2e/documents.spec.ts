import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { readPdf } from "../server/documents/__tests__/read-pdf";
import { ALFA_ADMIN, createBranch, createManifest, createOrder, createShopClient, signInViaApi } from "./fixtures";

// Our own documents, made by the app: the manifest card's labels downloaded as a person gets them — the link opens a
// new tab, the browser saves the PDF — then read back (page size, places, the barcode's value).

test("a manifest's labels download from the manifest card as one PDF in the picked format", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const first = await createOrder(api, client.id);
  const second = await createOrder(api, client.id);
  const branch = await createBranch(api);
  const manifest = await createManifest(api, branch.id, [first.id, second.id]);

  await page.goto(`/manifests/${manifest.id}`);
  const documents = page.getByTestId("documents");
  await documents.getByLabel("Формат этикеток").selectOption({ label: "58 × 40 мм" });
  const labels = documents.getByRole("link", { name: "Этикетки всех заказов (PDF)" });
  await expect(labels).toHaveAttribute("href", `/api/documents?kind=labels&format=58x40&manifestId=${manifest.id}`);
  await expect(documents.getByRole("link", { name: "Акт приёма-передачи (PDF)" })).toBeVisible();

  // Headless Chromium has no PDF viewer: the tab the link opens hands the file to the browser as a download.
  const popup = page.waitForEvent("popup");
  await labels.click();
  const download = await (await popup).waitForEvent("download");
  expect(download.suggestedFilename()).toBe(`Этикетки — манифест ${manifest.number} (58 × 40 мм).pdf`);
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");

  const pages = await readPdf(new Uint8Array(bytes));
  expect(pages.map((p) => [Math.round(p.width * 10) / 10, Math.round(p.height * 10) / 10])).toEqual([
    [164.4, 113.4],
    [164.4, 113.4],
  ]);
  expect(pages.map((p) => p.barcodes)).toEqual([[first.number], [second.number]]);
  expect(pages.every((p) => p.text.includes("Место 1 из 1"))).toBe(true);
  expect(pages[0]!.text).toContain("Тестова Анна");
});
