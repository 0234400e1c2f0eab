import { expect, test } from "@playwright/test";
import { readPdf } from "../server/documents/__tests__/read-pdf";
import { ALFA_ADMIN, createBranch, createManifest, createOrder, createShopClient, signInViaApi } from "./fixtures";

// Our own documents, made by the app: the manifest card's labels as a person gets them — the link opens the PDF in a
// new tab — then the file read back (page size, places, the barcode's value).

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

  // The link opens a new tab where Chromium's PDF viewer shows the file (the route's CSP lets the viewer run); the
  // same address saved as a file is what is read back (the viewer's own copy is not reachable from here).
  const served = page.context().waitForEvent("response", (r) => r.url().includes("/api/documents?"));
  const popupOpened = page.waitForEvent("popup");
  await labels.click();
  const popup = await popupOpened;
  const response = await served;
  expect(response.status()).toBe(200);
  const headers = response.headers();
  expect(headers["content-type"]).toBe("application/pdf");
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["content-security-policy"]).toBe("frame-ancestors 'none'");
  const title = `Этикетки — манифест ${manifest.number} (58 × 40 мм)`;
  expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(headers["content-disposition"]!)![1]!)).toBe(
    `${title}.pdf`,
  );
  expect(popup.url()).toContain(`/api/documents?kind=labels&format=58x40&manifestId=${manifest.id}`);

  const file = await page.request.get(popup.url());
  const bytes = await file.body();
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

test("orders picked in the list print their labels together; the pick survives a new search", async ({ page }) => {
  const api = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(api);
  const first = await createOrder(api, client.id);
  const second = await createOrder(api, client.id);

  await page.goto("/orders");
  const search = page.getByLabel("Номер или штрихкод");
  for (const o of [first, second]) {
    await search.fill(o.number);
    await expect(page.getByTestId("order-row")).toHaveCount(1);
    await page.getByLabel(`Выбрать заказ ${o.number}`).check();
  }
  const print = page.getByTestId("print-selected");
  await expect(page.getByTestId("bulk-selected")).toHaveText("Выбрано: 2");
  await print.getByLabel("Формат этикеток").selectOption({ label: "A4, 8 на листе" });

  // The ids go as a form (a long pick does not fit in an address) to a new tab.
  const served = page.context().waitForEvent("response", (r) => r.url().endsWith("/api/documents"));
  const popupOpened = page.waitForEvent("popup");
  await print.getByRole("button", { name: "Печать этикеток" }).click();
  await popupOpened;
  const response = await served;
  expect(response.request().method()).toBe("POST");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("application/pdf");
  // What the tab got is in its viewer; the same form posted again gives the file to read back.
  const form = new URLSearchParams(response.request().postData() ?? "");
  expect(Object.fromEntries(form)).toEqual({ kind: "labels", format: "a4", orderIds: expect.any(String) });
  expect(form.get("orderIds")!.split(",").map(Number).sort()).toEqual([first.id, second.id].sort());
  const again = await page.request.post("/api/documents", { form: Object.fromEntries(form) });
  expect(again.headers()["content-type"]).toBe("application/pdf");
  const pages = await readPdf(new Uint8Array(await again.body()));
  expect(pages).toHaveLength(1);
  expect(pages[0]!.barcodes).toEqual([first.number, second.number]);

  await print.getByRole("button", { name: "Снять выбор" }).click();
  await expect(print).toBeHidden();
});
