import { expect, type Page } from "@playwright/test";

export const ALFA_ADMIN = { extra: "101", login: "admin", password: "admin" };
export const ALFA_SHOP = { extra: "101", login: "shop", password: "shop" };
export const BETA_ADMIN = { extra: "202", login: "admin", password: "admin" };

export async function signIn(page: Page, creds: { extra: string; login: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Код службы").fill(creds.extra);
  await page.getByLabel("Логин").fill(creds.login);
  await page.getByLabel("Пароль").fill(creds.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/orders/);
}

/** Unique per test run and worker, so specs never collide on order or manifest numbers. */
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}
