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
// The MeaSoft address is wrong at first, so the hand-over is still retrying when the order card opens: the card
// must follow it to «Передан партнёру» by itself once the address is fixed.
test("send date at Альфа → orders at Бета → Бета delivers → Альфа shows COMPLETE", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const alfa = await browser.newPage();
  const beta = await browser.newPage();
  const betaApi = await signInViaApi(beta, BETA_ADMIN);
  const account = await createPartnerAccount(betaApi, { extra: "202", partnerExtra: "101" });
  const alfaApi = await signInViaApi(alfa, ALFA_ADMIN);
  const branch = await createBranch(alfaApi);
  // A page of ours that is not the XML API: an answer MeaSoft would never give, retried with back-off.
  await configureMeasoft(alfaApi, branch.id, account.credentials, `${baseURL!}/no-such-partner`);
  const client = await createShopClient(alfaApi);
  const order = await createOrder(alfaApi, client.id);
  const number = order.number;
  const manifest = await createManifest(alfaApi, branch.id, [order.id]);

  await alfa.goto(`/manifests/${manifest.id}`);
  await alfa.getByLabel("Дата отправки").fill(today());
  await alfa.getByRole("button", { name: "Отправить" }).click();
  await expect(alfa.getByText(new RegExp(`Ответственный филиал «${branch.name}» назначен`))).toBeVisible();

  // The card opens while the exchange is still moving (queued again after a failed attempt) …
  await alfa.goto(`/orders/${order.id}`);
  const transfer = alfa.getByTestId("transfer");
  await expect(transfer.getByTestId("transfer-error")).toContainText(/не отвечает MeaSoft API|непонятный ответ/, {
    timeout: 30_000,
  });
  await expect(transfer).toContainText("В очереди");
  await expect(alfa.getByText("обновляется…")).toBeVisible();
  // … and, with no reload, shows the hand-over once the right address lets the next attempt through.
  await configureMeasoft(alfaApi, branch.id, account.credentials, baseURL!);
  await expect(transfer).toContainText("Передан партнёру", { timeout: 45_000 });
  await expect(transfer.getByTestId("transfer-error")).toBeHidden();
  await expect(alfa.getByText("обновляется…")).toBeHidden();

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

  // Альфа: the agent's status comes back through the change feed, recorded with source «агент»; the open card of an
  // order at a partner reads it by itself (every 15 s), no reload.
  await expect(alfa.getByTestId("status-history")).toContainText("агент", { timeout: 60_000 });
  await expect(alfa.getByTestId("status-history")).toContainText("COMPLETE");
  await expect(alfa.getByText("Передан партнёру")).toBeVisible();

  // A delivered order may not be edited: its edit page says why instead of offering a form.
  await alfa.goto(`/orders/${order.id}/edit`);
  await expect(alfa.getByTestId("edit-blocked")).toContainText(
    "Заказ в финальном статусе «Доставлен» и не может быть изменён",
  );
  await expect(alfa.getByRole("button", { name: "Сохранить" })).toHaveCount(0);
  await alfa.getByRole("link", { name: "← К заказу" }).click();
  await expect(alfa).toHaveURL(new RegExp(`/orders/${order.id}$`));
});
