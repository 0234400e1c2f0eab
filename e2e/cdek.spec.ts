import { expect, test } from "@playwright/test";
import {
  ALFA_ADMIN,
  createBranch,
  createManifest,
  createShopClient,
  orderInput,
  signInViaApi,
  uniqueSuffix,
} from "./fixtures";

// CDEK here is its stand-in, which `npm start` runs beside the demo (CDEK_STAND_IN_PORT, 8085 by default).
const CDEK_URL = `http://127.0.0.1:${process.env.CDEK_STAND_IN_PORT ?? "8085"}`;

test("a CDEK branch: one order goes to CDEK and comes back with CDEK's number and forms; one above the city's COD limit is held", async ({
  page,
}) => {
  const alfa = await signInViaApi(page, ALFA_ADMIN);
  const client = await createShopClient(alfa);
  const branch = await createBranch(alfa, "Москва");
  await alfa.integrations.save.mutate({
    branchId: branch.id,
    integrator: "cdek",
    replace: true,
    values: {
      account: "demo-account",
      securePassword: "demo-secure",
      apiUrl: CDEK_URL,
      tariffCode: 136,
      shipmentPoint: "MSK1",
      defaultDimensions: "30x20x10",
    },
  });
  const good = await alfa.orders.create.mutate({
    clientId: client.id,
    ...orderInput(`E2E-C-${uniqueSuffix()}`, "Москва"),
  });
  // Новосибирск takes at most 50,000 cash on delivery at the stand-in (its city list says so, as CDEK's does).
  const base = orderInput(`E2E-C-${uniqueSuffix()}`, "Новосибирск");
  const held = await alfa.orders.create.mutate({
    clientId: client.id,
    ...base,
    codAmount: 60_000,
    items: [{ name: "Телевизор", quantity: 1, mass: 1.2, retailPrice: 60_000, vatRate: 20 }],
  });
  await createManifest(alfa, branch.id, [good.id, held.id], { send: true });

  await page.goto(`/orders/${held.id}`);
  await expect(page.getByTestId("transfer-error")).toHaveText(
    "Не передан в СДЭК: Наложенный платёж 60000 больше предела СДЭК для города назначения (50000)",
    { timeout: 20_000 },
  );

  await page.goto(`/orders/${good.id}`);
  const transfer = page.getByTestId("transfer");
  await expect(transfer).toContainText("Передан партнёру", { timeout: 20_000 });
  await expect(transfer).toContainText("одним местом СДЭК, 1200 г");
  await expect(transfer).toContainText(/Код заказа у партнёра\s*\d{10}/);
  const waybill = page.getByRole("link", { name: "Накладная партнёра (PDF)" });
  await expect(waybill).toBeVisible();
  const pdf = await page.request.get((await waybill.getAttribute("href"))!);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
});
