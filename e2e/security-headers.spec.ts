import { expect, test, type Page, type Response } from "@playwright/test";
import { ALFA_ADMIN, createOrder, createShopClient, signInViaApi } from "./fixtures";

// Issue 8, defect 9: no CSP, framing allowed, no nosniff or Referrer-Policy, X-Powered-By sent. Every page must carry
// the headers and run under its CSP without a single violation or console message.

const CABINET_PAGES = [
  "/orders",
  "/orders/new",
  "/manifests",
  "/manifests/new",
  "/clients",
  "/clients/new",
  "/directories",
  "/directories/branches",
  "/integration",
];

/** Everything the browser reports: console output of any kind, CSP violations, uncaught errors. */
async function watch(page: Page) {
  const problems: string[] = [];
  page.on("console", (m) => problems.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.exposeFunction("__reportCspViolation", (v: string) => problems.push(`securitypolicyviolation: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation: (v: string) => void }).__reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return problems;
}

function expectPageHeaders(res: Response | null, path: string) {
  expect(res, path).not.toBeNull();
  const h = res!.headers();
  const csp = h["content-security-policy"] ?? "";
  expect(csp, `${path}: CSP`).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp, `${path}: CSP`).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(csp, `${path}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${path}: CSP`).toContain("object-src 'none'");
  expect(h["x-frame-options"], `${path}: X-Frame-Options`).toBe("DENY");
  expect(h["x-content-type-options"], `${path}: nosniff`).toBe("nosniff");
  expect(h["referrer-policy"], `${path}: Referrer-Policy`).toBe("same-origin");
  expect(h["x-powered-by"], `${path}: X-Powered-By`).toBeUndefined();
}

async function visit(page: Page, path: string) {
  const res = await page.goto(path);
  await page.waitForLoadState("networkidle");
  expectPageHeaders(res, path);
  return res!;
}

test("sign-in and cabinet pages carry the headers and run under the CSP with no violation", async ({ page }) => {
  const problems = await watch(page);

  const login = await visit(page, "/login");
  const nonces = new Set([/'nonce-([^']+)'/.exec(login.headers()["content-security-policy"]!)![1]]);
  const api = await signInViaApi(page, ALFA_ADMIN);
  const order = await createOrder(api, (await createShopClient(api)).id);

  for (const path of CABINET_PAGES) {
    const res = await visit(page, path);
    nonces.add(/'nonce-([^']+)'/.exec(res.headers()["content-security-policy"]!)![1]);
  }
  // An order card, and a client-side navigation (RSC request) through the menu.
  await visit(page, `/orders/${order.id}`);
  await page.getByRole("link", { name: "Манифесты" }).first().click();
  await expect(page).toHaveURL(/\/manifests$/);
  await page.waitForLoadState("networkidle");

  // A fresh nonce per response.
  expect(nonces.size).toBe(CABINET_PAGES.length + 1);
  expect(problems).toEqual([]);
});

test("API answers carry nosniff, no framing and no X-Powered-By", async ({ request }) => {
  const answers = [
    await request.get("/api/trpc/orders.list"),
    await request.get("/api/auth/session"),
    await request.post("/api", { data: "<statusreq/>", headers: { "content-type": "text/xml" } }),
  ];
  for (const res of answers) {
    const h = res.headers();
    expect(h["content-security-policy"], res.url()).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(h["x-frame-options"], res.url()).toBe("DENY");
    expect(h["x-content-type-options"], res.url()).toBe("nosniff");
    expect(h["referrer-policy"], res.url()).toBe("same-origin");
    expect(h["x-powered-by"], res.url()).toBeUndefined();
  }
});

test("another site cannot frame the sign-in page", async ({ page, baseURL }) => {
  await page.setContent(`<iframe src="${baseURL}/login" onload="document.body.dataset.loaded = '1'"></iframe>`);
  await page.waitForFunction(() => document.body.dataset.loaded === "1");
  // Chromium replaces a refused frame with its error page: no frame shows the form.
  for (const frame of page.frames().slice(1)) expect(await frame.locator("form").count()).toBe(0);
  expect(page.frames().length).toBe(2);
});
