import { expect, test } from "@playwright/test";
import {
  ALFA_ADMIN,
  BETA_ADMIN,
  configureMeasoft,
  createBranch,
  createManifest,
  createOrder,
  createPartnerAccount,
  createShopClient,
  signInViaApi,
  today,
} from "./fixtures";

// The whole flow on one server, with the test's own accounts: Альфа hands an assembled bag to its agent Бета (a
// branch of its own, MeaSoft to this deployment's XML API as Бета's client), Бета delivers, Альфа sees COMPLETE.
test("send date at Альфа → orders at Бета → Бета delivers → Альфа shows COMPLETE", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const alfa = await browser.newPage();
  const beta = await browser.newPage();
  const betaApi = await signInViaApi(beta, BETA_ADMIN);
  const account = await createPartnerAccount(betaApi, { extra: "202", partnerExtra: "101" });
  const alfaApi = await signInViaApi(alfa, ALFA_ADMIN);
  const branch = await createBranch(alfaApi);
  await configureMeasoft(alfaApi, branch.id, account.credentials, baseURL!);
  const client = await createShopClient(alfaApi);
  const order = await createOrder(alfaApi, client.id);
  const number = order.number;
  const manifest = await createManifest(alfaApi, branch.id, [order.id]);

  await alfa.goto(`/manifests/${manifest.id}`);
  await alfa.getByLabel("Дата отправки").fill(today());
  await alfa.getByRole("button", { name: "Отправить" }).click();
  await expect(alfa.getByText(new RegExp(`Ответственный филиал «${branch.name}» назначен`))).toBeVisible();

  // Бета: the order arrives as an ordinary order of its client account, among the received ones.
  await expect(async () => {
    await beta.goto(`/orders?received=1&q=${encodeURIComponent(number)}`);
    await expect(beta.getByRole("link", { name: number, exact: true })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await beta.goto((await beta.getByRole("link", { name: number, exact: true }).getAttribute("href"))!);
  await expect(beta.getByText(account.name).first()).toBeVisible();
  await beta.getByLabel("Новый статус").selectOption("COMPLETE");
  await beta.getByRole("button", { name: "Изменить статус" }).click();
  await expect(beta.getByRole("heading", { name: new RegExp(`Заказ ${number}`) })).toContainText("Доставлен");

  // Альфа: the agent's status comes back through the change feed, recorded with source «агент».
  await alfa.goto(`/orders?q=${encodeURIComponent(number)}`);
  const link = alfa.getByRole("link", { name: number, exact: true });
  await expect(link).toBeVisible();
  await alfa.goto((await link.getAttribute("href"))!);
  await expect(async () => {
    await alfa.reload();
    await expect(alfa.getByTestId("status-history")).toContainText("агент", { timeout: 2_000 });
    await expect(alfa.getByTestId("status-history")).toContainText("COMPLETE", { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(alfa.getByText("Передан партнёру")).toBeVisible();
});
