import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type APIRequestContext, type Browser, expect, type Page, test } from "@playwright/test";
import { sampleCsv } from "../server/services/orders/import/sample-file";
import {
  ALFA_ADMIN,
  type Api,
  createBranch,
  createManifest,
  createOrder,
  createShopClient,
  signInViaApi,
  standInControl,
  uniqueSuffix,
} from "./fixtures";

const MOBILE = { width: 390, height: 844 };
const INSALES_URL = `http://127.0.0.1:${process.env.INSALES_STAND_IN_PORT ?? "8087"}`;

/** Every page of the app, as its route: `app/**\/page.tsx`, and route handlers outside `app/api` (HTML pages). */
function appRoutes(): string[] {
  const root = fileURLToPath(new URL("../app/", import.meta.url));
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((f) => f.replaceAll("\\", "/"))
    .filter((f) => /(^|\/)page\.tsx$/.test(f) || (/(^|\/)route\.ts$/.test(f) && !f.startsWith("api/")))
    .map(
      (f) =>
        `/${f
          .split("/")
          .slice(0, -1)
          .filter((s) => !/^\(.+\)$/.test(s))
          .join("/")}`,
    )
    .sort();
}

/** The test's own records a page's address is made of. */
interface Records {
  order: { id: number; number: string };
  manifestId: number;
  clientId: number;
  importId: number;
  remittanceId: number;
  appId: number;
  insalesLink: string;
}
type Visit = (r: Records) => string;

/**
 * How each route is visited at 390 px, and by whom: staff (the company admin), a client account, or signed out.
 * A page missing here fails the first test below, so a new page cannot skip the 390 px check.
 */
const ROUTES: Record<string, { staff?: Visit; client?: Visit; public?: Visit }> = {
  "/": { staff: () => "/" },
  "/[...missing]": { staff: () => "/no-such-page", client: () => "/no-such-page" },
  "/apps": { staff: () => "/apps", client: () => "/apps" },
  "/apps/[id]": { staff: (r) => `/apps/${r.appId}`, client: (r) => `/apps/${r.appId}` },
  "/automation": { staff: () => "/automation", client: () => "/automation" },
  "/automation/[id]": { staff: (r) => `/automation/${r.appId}`, client: (r) => `/automation/${r.appId}` },
  "/client-integration": {
    staff: (r) => `/client-integration?client=${r.clientId}`,
    client: () => "/client-integration",
  },
  "/client-integration/[cms]": {
    staff: (r) => `/client-integration/bitrix?client=${r.clientId}`,
    client: () => "/client-integration/opencart",
  },
  "/client-integration/api-reference": {
    staff: (r) => `/client-integration/api-reference?client=${r.clientId}`,
    client: () => "/client-integration/api-reference",
  },
  "/clients": { staff: () => "/clients" },
  "/clients/[id]": { staff: (r) => `/clients/${r.clientId}` },
  "/clients/new": { staff: () => "/clients/new" },
  "/directories": { staff: () => "/directories" },
  "/directories/branches": { staff: () => "/directories/branches" },
  "/documents/cod": { staff: () => "/documents/cod" },
  "/documents/remittances": { staff: () => "/documents/remittances" },
  "/documents/remittances/[id]": { staff: (r) => `/documents/remittances/${r.remittanceId}` },
  "/documents/verifications": { staff: () => "/documents/verifications" },
  "/integration": { staff: () => "/integration" },
  "/integration/pimpay": { staff: () => "/integration/pimpay" },
  "/integration/statuses": { staff: () => "/integration/statuses" },
  "/login": { public: () => "/login" },
  "/manifests": { staff: () => "/manifests" },
  "/manifests/[id]": { staff: (r) => `/manifests/${r.manifestId}` },
  "/manifests/new": { staff: () => "/manifests/new" },
  "/orders": { staff: () => "/orders", client: () => "/orders" },
  "/orders/[id]": { staff: (r) => `/orders/${r.order.id}`, client: (r) => `/orders/${r.order.id}` },
  "/orders/[id]/edit": { staff: (r) => `/orders/${r.order.id}/edit`, client: (r) => `/orders/${r.order.id}/edit` },
  "/orders/import": { staff: () => "/orders/import", client: () => "/orders/import" },
  "/orders/import/[id]": {
    staff: (r) => `/orders/import/${r.importId}`,
    client: (r) => `/orders/import/${r.importId}`,
  },
  "/orders/new": { staff: () => "/orders/new", client: () => "/orders/new" },
  "/security": { staff: () => "/security", client: () => "/security" },
  "/settings": { staff: () => "/settings" },
  // The one-time-ticket pages: a fresh ticket for the InSales link form; the others in their «no ticket» state.
  "/shop-apps/insales/enter": { public: () => "/shop-apps/insales/enter" },
  "/shop-apps/insales/link": { public: (r) => r.insalesLink },
  "/shop-apps/retailcrm/connect": { public: () => "/shop-apps/retailcrm/connect?account=https://e2e.retailcrm.ru" },
  "/shop-apps/retailcrm/enter": { public: () => "/shop-apps/retailcrm/enter" },
  "/shop-apps/retailcrm/link": { public: () => "/shop-apps/retailcrm/link" },
  "/t/[code]/[number]": { public: (r) => `/t/101/${encodeURIComponent(r.order.number)}` },
  "/users": { staff: () => "/users" },
  "/users/password": { staff: () => "/users/password", client: () => "/users/password" },
};

/** Routes that only redirect, and where they land. */
const REDIRECTS: Record<string, string> = { "/directories": "/directories/branches" };

/** Loads `path` (the expected status, no unexpected redirect) and checks the page is no wider than the screen. */
async function expectNoSidewaysScroll(page: Page, path: string, status = 200) {
  const res = await page.goto(path);
  expect(res?.status(), `${path}: HTTP status`).toBe(status);
  const expected = new URL(path, page.url()).pathname;
  expect(new URL(page.url()).pathname, `${path} redirected`).toBe(REDIRECTS[expected] ?? expected);
  await page.waitForLoadState("networkidle");
  const { scrollWidth, clientWidth, widest } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const beyond = (el: Element) => el.getBoundingClientRect().right > width + 0.5;
    // The innermost elements reaching past the screen's edge: what to fix when the page scrolls.
    const widest = [...document.body.querySelectorAll("*")]
      .filter((el) => beyond(el) && ![...el.children].some(beyond))
      .slice(0, 3)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}">`);
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, widest };
  });
  // Soft: one run names every page that scrolls, not just the first.
  expect
    .soft(scrollWidth, `${path} scrolls sideways at 390 px (${widest.join(", ")})`)
    .toBeLessThanOrEqual(clientWidth);
}

/** Every route `who` visits; a visit that reads a record not given here goes to an address with «undefined» and fails. */
async function visitAll(page: Page, who: "staff" | "client" | "public", given: Partial<Records>) {
  const records = given as Records;
  for (const [route, visits] of Object.entries(ROUTES)) {
    const visit = visits[who];
    if (visit) await expectNoSidewaysScroll(page, visit(records), route === "/[...missing]" ? 404 : 200);
  }
}

/** An Excel import uploaded the way the import page does it (raw body); staff name the client. */
async function uploadImport(request: APIRequestContext, clientId?: number) {
  const params = new URLSearchParams({ name: "заказы.csv", ...(clientId ? { clientId: String(clientId) } : {}) });
  const res = await request.post(`/api/orders/import?${params}`, {
    data: sampleCsv({ rows: 5, badEvery: 2, prefix: `E2E-${uniqueSuffix()}` }),
  });
  expect(res.ok(), await res.text()).toBe(true);
  return ((await res.json()) as { id: number }).id;
}

/** A posted CDEK registry document (one «not found» line) on a CDEK integration of its own branch. */
async function postRemittance(api: Api) {
  const branch = await createBranch(api);
  const values = { account: "acc", securePassword: "sec", testMode: true, tariffCode: 136, shipmentPoint: "MSK001" };
  await api.integrations.save.mutate({ branchId: branch.id, integrator: "cdek", values, replace: true });
  const integration = (await api.remittances.integrations.query()).find((i) => i.label.includes(branch.name))!;
  const header =
    "Номер реестра;Дата платежа;Номер заказа СДЭК;Наложенный платёж;Сумма к перечислению;Агентское вознаграждение";
  const csv = `${header}\nE2E-${uniqueSuffix()};30.11.2026;9${String(Date.now()).slice(-9)};1000;970;10\n`;
  const source = {
    kind: "file" as const,
    fileName: "registry.csv",
    contentBase64: Buffer.from(csv).toString("base64"),
  };
  const { created } = await api.remittances.post.mutate({ integrationId: integration.id, source });
  return created[0]!.id;
}

/** A shop installed at the InSales stand-in, opened from its back office: the link page with a fresh ticket. */
async function insalesLinkPage(request: APIRequestContext) {
  const control = standInControl(INSALES_URL);
  const shop = await control<{ insalesId: number; host: string; users: { id: number }[] }>(request, "POST", "shops", {
    host: `chrome-${uniqueSuffix()}.myinsales.ru`,
    title: "Магазин",
  });
  await control(request, "POST", "install", { shop: shop.insalesId });
  const login = `/api/apps/insales/login?shop=${shop.host}&insales_id=${shop.insalesId}&user_id=${shop.users[0]!.id}`;
  // Our login URL → the stand-in signs the nonce → our autologin → the link page.
  const link = new URL((await request.get(login)).url());
  expect(link.pathname).toBe("/shop-apps/insales/link");
  return `${link.pathname}${link.search}`;
}

/** The shop linked to `client` on the link page, signed out as the shop's owner is; returns the app's id. */
async function linkShopApp(browser: Browser, baseURL: string, staff: Api, client: ClientWithLogin) {
  const context = await browser.newContext({ baseURL, viewport: MOBILE });
  try {
    const page = await context.newPage();
    await page.goto(await insalesLinkPage(page.request));
    await page.getByLabel("Код курьерской службы").fill(ALFA_ADMIN.extra);
    await page.getByLabel("Логин", { exact: true }).fill(client.login!);
    await page.getByLabel("Пароль", { exact: true }).fill(client.password!);
    await page.getByLabel("Статус для передачи заказа").selectOption("approved");
    await page.getByLabel("Префикс заказов").fill(`C${uniqueSuffix().slice(-8)}-`);
    await page.getByRole("button", { name: "Сохранить" }).click();
    await expect(page.getByText(`Магазин подключён к клиенту «${client.name}»`)).toBeVisible();
  } finally {
    await context.close();
  }
  return (await staff.shopApps.list.query()).find((a) => a.client.id === client.id)!.id;
}
type ClientWithLogin = Awaited<ReturnType<typeof createShopClient>>;

test("an unknown address inside the cabinet answers 404 with a Russian page and a way back", async ({ page }) => {
  await signInViaApi(page, ALFA_ADMIN);
  const res = await page.goto("/no-such-section");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();
  await expect(page.getByTestId("whoami")).toContainText("Альфа Курьер");
  await page.getByRole("link", { name: "Вернуться к заказам" }).click();
  await expect(page).toHaveURL(/\/orders$/);

  for (const path of [
    "/orders/2147483000",
    "/manifests/2147483000",
    "/clients/2147483000",
    "/orders/abc",
    "/orders/99999999999",
  ]) {
    const r = await page.goto(path);
    expect(r?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Страница не найдена" })).toBeVisible();
  }
});

test.describe("at 390 px", () => {
  test.use({ viewport: MOBILE });

  test("every page of the app is on the 390 px list", () => {
    const routes = appRoutes();
    const known = Object.keys(ROUTES);
    expect(routes.length).toBeGreaterThan(30);
    expect(
      routes.filter((r) => !known.includes(r)),
      "pages the 390 px test does not know how to visit: add each to ROUTES in e2e/chrome.spec.ts",
    ).toEqual([]);
    expect(
      known.filter((r) => !routes.includes(r)),
      "ROUTES lists pages that no longer exist",
    ).toEqual([]);
  });

  test("staff: the navigation folds behind «Меню» and no staff page scrolls sideways", async ({
    page,
    browser,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const api = await signInViaApi(page, ALFA_ADMIN);
    const client = await createShopClient(api, { withLogin: true });
    const order = await createOrder(api, client.id);
    const manifest = await createManifest(api, (await createBranch(api)).id, [order.id]);
    const records = {
      order,
      clientId: client.id,
      manifestId: manifest.id,
      importId: await uploadImport(page.request, client.id),
      remittanceId: await postRemittance(api),
      appId: await linkShopApp(browser, baseURL!, api, client),
    };

    await page.goto("/orders");
    const sections = page.getByRole("navigation", { name: "Разделы" });
    await expect(sections).toBeHidden();
    await page.getByRole("button", { name: "Меню" }).click();
    await sections.getByRole("link", { name: "Манифесты" }).click();
    await expect(page).toHaveURL(/\/manifests$/);
    await expect(sections).toBeHidden();

    await visitAll(page, "staff", records);
  });

  test("a client account's pages do not scroll sideways either", async ({ page, browser, baseURL, request }) => {
    test.setTimeout(120_000);
    const staff = await signInViaApi(request, ALFA_ADMIN);
    const client = await createShopClient(staff, { withLogin: true });
    const order = await createOrder(staff, client.id);
    const appId = await linkShopApp(browser, baseURL!, staff, client);
    await signInViaApi(page, { extra: ALFA_ADMIN.extra, login: client.login!, password: client.password! });
    await visitAll(page, "client", { order, appId, importId: await uploadImport(page.request) });
  });

  test("the pages outside the cabinet do not scroll sideways", async ({ page, request }) => {
    const staff = await signInViaApi(request, ALFA_ADMIN);
    const order = await createOrder(staff, (await createShopClient(staff)).id);
    await visitAll(page, "public", { order, insalesLink: await insalesLinkPage(page.request) });
  });
});
