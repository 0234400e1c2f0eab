import { expect, test } from "@playwright/test";
import { ALFA_ADMIN, BETA_ADMIN, signIn } from "./fixtures";

// The whole flow on one server: Альфа hands the assembled bag М-00002 to its agent Бета (the demo's MeaSoft
// integration on the branch «Бета Экспресс (Новосибирск)»), Бета delivers one order, Альфа sees COMPLETE.
test("send date at Альфа → orders at Бета → Бета delivers → Альфа shows COMPLETE", async ({ browser }) => {
  test.setTimeout(120_000);
  const alfa = await browser.newPage();
  await signIn(alfa, ALFA_ADMIN);
  await alfa.goto("/manifests");
  await alfa.getByRole("link", { name: "М-00002" }).click();
  const number = (await alfa.getByTestId("manifest-orders").getByRole("link").first().textContent())!.trim();
  await alfa.getByLabel("Дата отправки").fill("2026-11-28");
  await alfa.getByRole("button", { name: "Отправить" }).click();
  await expect(alfa.getByText(/Ответственный филиал «Бета Экспресс \(Новосибирск\)» назначен/)).toBeVisible();

  // Бета: the order arrives as an ordinary order of its client «Альфа Курьер», among the received ones.
  const beta = await browser.newPage();
  await signIn(beta, BETA_ADMIN);
  await expect(async () => {
    await beta.goto(`/orders?received=1&q=${encodeURIComponent(number)}`);
    await expect(beta.getByRole("link", { name: number, exact: true })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await beta.goto((await beta.getByRole("link", { name: number, exact: true }).getAttribute("href"))!);
  await expect(beta.getByText("Альфа Курьер").first()).toBeVisible();
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
