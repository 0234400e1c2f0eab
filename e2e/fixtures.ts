import { type APIRequestContext, type BrowserContext, expect, type Page } from "@playwright/test";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import { buildNewOrder, parseNewOrderResponse } from "../server/integrators/measoft/mappers";
import type { AppRouter } from "../server/trpc/root";

// The demo companies stay as the tenants; everything a spec looks at it creates itself, through the app's own doors
// (next-auth's credentials endpoint, tRPC over HTTP, the XML API), with names unique to the test.

export interface Credentials {
  extra: string;
  login: string;
  password: string;
}

export const ALFA_ADMIN: Credentials = { extra: "101", login: "admin", password: "admin" };
export const BETA_ADMIN: Credentials = { extra: "202", login: "admin", password: "admin" };

/** Unique per test run and worker, so specs never collide on numbers, codes, names or logins. */
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Today as YYYY-MM-DD in Moscow, the date a person would type as a send date. */
export function today() {
  return new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Moscow" });
}

/** The sign-in form, for the one spec that tests it (auth.spec.ts); every other spec uses `signInViaApi`. */
export async function signInViaForm(page: Page, creds: Credentials) {
  await page.goto("/login");
  await page.getByLabel("Код службы").fill(creds.extra);
  await page.getByLabel("Логин").fill(creds.login);
  await page.getByLabel("Пароль").fill(creds.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/orders/);
}

type Target = Page | BrowserContext | APIRequestContext;
const requestOf = (t: Target): APIRequestContext => ("request" in t ? t.request : t);

/**
 * Signs in through next-auth's credentials endpoint: the session cookie lands in the page's (or context's) cookie
 * jar, so the browser is signed in too. Returns a tRPC client acting as that account. Only ever with right
 * passwords: five failures per login and address block the account for 15 minutes.
 */
export async function signInViaApi(target: Target, creds: Credentials): Promise<Api> {
  const request = requestOf(target);
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, ...creds, callbackUrl: "/orders", json: "true" },
  });
  const session = (await (await request.get("/api/auth/session")).json()) as { actor?: unknown };
  if (!session.actor) {
    throw new Error(`sign-in as ${creds.login}@${creds.extra} failed: HTTP ${res.status()} ${await res.text()}`);
  }
  return apiClient(request);
}

/** tRPC over HTTP with superjson, as the cabinet's own client talks to /api/trpc, on the given cookie jar. */
export function apiClient(request: APIRequestContext) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: "/api/trpc",
        transformer: superjson,
        fetch: async (url, init) => {
          const headers = Object.fromEntries(new Headers(init?.headers as HeadersInit | undefined).entries());
          const data = init?.body as string | undefined;
          const res = await request.fetch(String(url), { method: init?.method ?? "GET", headers, data });
          return new Response(await res.text(), { status: res.status(), headers: res.headers() });
        },
      }),
    ],
  });
}
export type Api = ReturnType<typeof apiClient>;

/** A shop client of the signed-in company, with a cabinet login when `withLogin`. */
export async function createShopClient(api: Api, opts: { withLogin?: boolean } = {}) {
  const suffix = uniqueSuffix();
  const name = `Магазин ${suffix}`;
  const account = opts.withLogin ? { login: `shop-${suffix}`, password: `pw-${suffix}` } : undefined;
  const { id } = await api.clients.create.mutate({ name, kind: "shop", ...account });
  return { id, name, ...account };
}

/**
 * A partner courier company's client account (kind «courier») at the signed-in company `extra`: what the partner
 * (`partnerExtra`) signs in with on the XML API to hand orders over and read their statuses.
 */
export async function createPartnerAccount(api: Api, { extra, partnerExtra }: { extra: string; partnerExtra: string }) {
  const suffix = uniqueSuffix();
  const name = `Партнёр ${suffix}`;
  const credentials: Credentials = { extra, login: `partner-${suffix}`, password: `pw-${suffix}` };
  const { login, password } = credentials;
  const kind = "courier";
  const { id } = await api.clients.create.mutate({ name, kind, partnerExtraCode: partnerExtra, login, password });
  return { id, name, credentials };
}

export async function createBranch(api: Api, town = "Новосибирск") {
  const suffix = uniqueSuffix();
  const code = `B-${suffix}`.toUpperCase();
  const branch = await api.branches.create.mutate({ code, name: `Филиал ${suffix}`, town });
  return { id: branch.id, code: branch.code, name: branch.name };
}

/** MeaSoft on a branch, pointed at this same deployment's XML API (where `account` is a client of the partner). */
export async function configureMeasoft(api: Api, branchId: number, account: Credentials, baseURL: string) {
  const values = { login: account.login, password: account.password, extra: account.extra, apiUrl: `${baseURL}/api/` };
  await api.integrations.save.mutate({ branchId, integrator: "measoft", values, replace: true });
}

/** A valid order as a person would fill the form: real town, phone, address and weight. */
export function orderInput(number: string, receiverTown = "Новосибирск") {
  return {
    number,
    receiver: { person: "Тестова Анна", phone: "+7 913 000-00-00", town: receiverTown, address: "Красный пр., д. 1" },
    weight: 1.2,
    codAmount: 990,
    declaredValue: 990,
    items: [{ name: "Настольная лампа", quantity: 1, mass: 1.2, retailPrice: 990, vatRate: 20 }],
  };
}

export async function createOrder(api: Api, clientId: number, number = `E2E-${uniqueSuffix()}`, town?: string) {
  return api.orders.create.mutate({ clientId, ...orderInput(number, town) });
}

/** A manifest to `responsibleBranchId` with the given orders, assembled; `send` also sets today's send date. */
export async function createManifest(api: Api, branchId: number, orderIds: number[], opts: { send?: boolean } = {}) {
  const m = await api.manifests.create.mutate({ number: `E2E-M-${uniqueSuffix()}`, responsibleBranchId: branchId });
  if (orderIds.length) await api.manifests.addOrders.mutate({ manifestId: m.id, orderIds });
  await api.manifests.markAssembled.mutate({ id: m.id });
  if (opts.send) await api.manifests.setSendDate.mutate({ id: m.id, sendDate: today() });
  return m;
}

/** An order handed in through the MeaSoft-compatible XML API, signed in with `creds`; returns the order number. */
export async function xmlNewOrder(request: APIRequestContext, creds: Credentials, number: string) {
  const o = orderInput(number);
  const body = buildNewOrder({ extra: creds.extra, login: creds.login, pass: creds.password }, [
    {
      orderno: number,
      receiver: o.receiver,
      weight: o.weight,
      quantity: 1,
      payType: "CASH",
      price: o.codAmount,
      declaredValue: o.declaredValue,
      items: o.items,
    },
  ]);
  const res = await request.post("/api/", { data: body, headers: { "content-type": "text/xml; charset=utf-8" } });
  const [result] = parseNewOrderResponse(await res.text());
  if (!result?.ok) throw new Error(`XML neworder ${number} refused: ${result?.message ?? res.status()}`);
  return number;
}

/**
 * The control calls of a partner's stand-in (`/_control/…`): how a spec plays the partner's side (a shop, a CRM, a
 * payment intermediary). A refusal fails the spec with the stand-in's own answer.
 */
export function standInControl(baseUrl: string) {
  return async function control<T>(
    request: APIRequestContext,
    method: "GET" | "POST",
    path: string,
    body: object = {},
  ): Promise<T> {
    const url = `${baseUrl}/_control/${path}`;
    const res =
      method === "GET"
        ? await request.get(url, { params: body as Record<string, string | number> })
        : await request.post(url, { data: body });
    if (!res.ok()) throw new Error(`stand-in ${method} ${path}: HTTP ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  };
}
