import { answerControl, createStandInServer, readBody } from "../shared/process";
import { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  autologinSignature,
  ControlError,
  InSalesPartner,
  MAX_PER_PAGE,
  type OrderEvent,
  parseUpdatedSince,
  resolveTuning,
} from "./state";
import type {
  CallResult,
  CreateShopInput,
  Hop,
  InSalesAppUrls,
  InSalesOrder,
  InSalesShop,
  InSalesStandInOptions,
  InSalesStandInState,
  InSalesStandInTuning,
  OpenAppResult,
  OrderInput,
  OrderPatch,
  OrderWrite,
  StandInCounters,
  Webhook,
  WebhookDelivery,
} from "./types";

export type * from "./types";
export { autologinSignature, DEFAULT_APP_ID, DEFAULT_APP_SECRET, md5, passwordFor } from "./state";

/**
 * The InSales stand-in: the app store / back office that calls our install, uninstall and login URLs, the autologin
 * endpoint `/shops/<host>/admin/applications/<app id>/login`, and each shop's REST API under `/shops/<host>/admin/`.
 */
export interface InSalesStandIn {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  appId: string;
  appSecret: string;
  /** The live in-memory state, for inspection. */
  state: InSalesStandInState;
  /** Counters since the start or the last `resetCounters()`. */
  readonly counters: StandInCounters;
  close(): Promise<void>;
  createShop(input?: CreateShopInput): InSalesShop;
  shop(ref: string | number): InSalesShop;
  /** InSales calls our install URL with shop, token, insales_id; the app counts as installed only on a 200. */
  install(shop: string | number, options?: { repeat?: boolean }): Promise<CallResult>;
  /** InSales calls our uninstall URL with token = the stored password (or `token` to test a mismatch). */
  uninstall(shop: string | number, options?: { token?: string }): Promise<CallResult>;
  /** «Войти в приложение»: our login URL, then every redirect (the stand-in's own autologin endpoint included). */
  openApp(shop: string | number, options?: { userId?: number }): Promise<OpenAppResult>;
  createOrder(input: OrderInput): InSalesOrder;
  updateOrder(shop: string | number, id: number, patch: OrderPatch): InSalesOrder;
  /** The staff moves an order to a custom status (permalink) or a system fulfillment_status; fires orders/update. */
  setOrderStatus(shop: string | number, id: number, status: string): InSalesOrder;
  order(shop: string | number, id: number): InSalesOrder;
  orders(shop: string | number): InSalesOrder[];
  /** What our app wrote through PUT /admin/orders/{id}.json, oldest first. */
  writes(shop?: string | number): OrderWrite[];
  webhooks(shop: string | number): Webhook[];
  deliveries(): WebhookDelivery[];
  /** Resolves when every webhook delivery started so far has been answered or has failed. */
  flushWebhooks(): Promise<void>;
  configure(patch: Partial<InSalesStandInTuning> & { appUrls?: Partial<InSalesAppUrls> }): InSalesStandInTuning;
  resetCounters(): void;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const JSON_TYPE = "application/json; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";
const ADMIN_USER_COOKIE = "insales_admin_user";

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
  const buf = Buffer.from(body, "utf8");
  res.writeHead(status, { "content-type": type, "content-length": buf.length, ...headers }).end(buf);
}

/** Admitted REST requests of one shop within the sliding window (refused ones do not use the budget). */
class ShopWindow {
  private readonly admitted: number[] = [];
  attempt(limit: number, windowMs: number, now = Date.now()): { ok: boolean; used: number; retryAfterS: number } {
    while (this.admitted.length && this.admitted[0]! <= now - windowMs) this.admitted.shift();
    if (this.admitted.length >= limit) {
      const retryAfterS = Math.max(1, Math.ceil((this.admitted[0]! + windowMs - now) / 1000));
      return { ok: false, used: this.admitted.length, retryAfterS };
    }
    this.admitted.push(now);
    return { ok: true, used: this.admitted.length, retryAfterS: 0 };
  }
}

/** Rails-style XML of a record, for webhooks registered with format_type "xml" (the old default). */
function toXml(name: string, value: unknown): string {
  const tag = name.replace(/_/g, "-");
  if (value === null || value === undefined) return `<${tag} nil="true"/>`;
  if (Array.isArray(value)) {
    const item = name.endsWith("s") ? name.slice(0, -1) : "item";
    return `<${tag} type="array">${value.map((v) => toXml(item, v)).join("")}</${tag}>`;
  }
  if (typeof value === "object")
    return `<${tag}>${Object.entries(value)
      .map(([k, v]) => toXml(k, v))
      .join("")}</${tag}>`;
  const type = typeof value === "number" ? (Number.isInteger(value) ? ' type="integer"' : ' type="float"') : "";
  const text = String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<${tag}${typeof value === "boolean" ? ' type="boolean"' : type}>${text}</${tag}>`;
}

function basicAuth(header: string | undefined): { login: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function cookies(header: string | undefined): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) jar.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return jar;
}

interface ApiRoute {
  method: string;
  pattern: RegExp;
  /** The counter key, e.g. `GET /admin/orders/{id}.json`. */
  name: string;
  run(shop: InSalesShop, match: RegExpExecArray, query: URLSearchParams, body: () => Record<string, unknown>): unknown;
}

/** Starts the InSales stand-in on 127.0.0.1. */
export async function startInSalesStandIn(options: InSalesStandInOptions = {}): Promise<InSalesStandIn> {
  let url = "";
  const base = () => options.publicUrl?.replace(/\/+$/, "") ?? url;
  const pending = new Set<Promise<void>>();
  const partner = new InSalesPartner(options, base, (event) => announce(event));
  const state = partner.state;
  const windows = new Map<number, ShopWindow>();
  /** What the autologin endpoint signed, by nonce, for `openApp` to report. */
  const signed = new Map<string, NonNullable<OpenAppResult["autologin"]>>();

  // ---- webhooks ----

  function announce({ shop, topic, order, webhooks }: OrderEvent) {
    const { loseWebhooks, duplicateWebhooks } = state.tuning;
    for (const w of webhooks) {
      const record = { webhookId: w.id, shop: shop.host, topic, orderId: order.id, address: w.address };
      if (partner.random() < loseWebhooks) {
        state.counters.webhooksLost++;
        state.deliveries.push({ ...record, lost: true, duplicate: false });
        continue;
      }
      const twice = partner.random() < duplicateWebhooks;
      if (twice) state.counters.webhooksDuplicated++;
      const body =
        w.format_type === "json"
          ? JSON.stringify(order)
          : `<?xml version="1.0" encoding="UTF-8"?>${toXml("order", order)}`;
      const type = w.format_type === "json" ? JSON_TYPE : "application/xml; charset=utf-8";
      const deliver = async () => {
        for (let i = 0; i < (twice ? 2 : 1); i++) {
          const delivery: WebhookDelivery = { ...record, lost: false, duplicate: i > 0 };
          state.deliveries.push(delivery);
          try {
            const res = await fetch(w.address, {
              method: "POST",
              headers: { "content-type": type },
              body,
              signal: AbortSignal.timeout(10_000),
            });
            await res.arrayBuffer();
            delivery.status = res.status;
            state.counters.webhooksSent++;
            if (!res.ok) state.counters.webhookFailures++;
          } catch (e) {
            delivery.error = e instanceof Error ? e.message : String(e);
            state.counters.webhookFailures++;
          }
        }
      };
      const p = deliver().finally(() => pending.delete(p));
      pending.add(p);
    }
  }

  async function flushWebhooks() {
    while (pending.size) await Promise.allSettled([...pending]);
  }

  // ---- the back office: install, uninstall, autologin ----

  function appUrl(kind: keyof InSalesAppUrls): URL {
    const raw = state.appUrls[kind];
    if (!raw) throw new ControlError(409, `Не задан адрес приложения appUrls.${kind}`);
    try {
      return new URL(raw);
    } catch {
      throw new ControlError(400, `appUrls.${kind}: «${raw}» — не адрес`);
    }
  }

  async function call(target: URL): Promise<{ status: number; body: string }> {
    try {
      const res = await fetch(target, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: await res.text() };
    } catch (e) {
      return { status: 0, body: e instanceof Error ? e.message : String(e) };
    }
  }

  async function install(ref: string | number, opts: { repeat?: boolean } = {}): Promise<CallResult> {
    const shop = partner.shop(ref);
    if (shop.installed && !opts.repeat)
      throw new ControlError(409, `Приложение уже установлено в ${shop.host}; repeat: true повторит тот же вызов`);
    const target = appUrl("install");
    const { token, password } =
      opts.repeat && shop.token && shop.password
        ? { token: shop.token, password: shop.password }
        : partner.issueToken();
    target.searchParams.set("shop", shop.host);
    target.searchParams.set("token", token);
    target.searchParams.set("insales_id", String(shop.insalesId));
    state.counters.installCalls++;
    const { status, body } = await call(target);
    if (status === 200) partner.markInstalled(shop, token, password);
    return { url: target.href, status, body, installed: shop.installed, token, password };
  }

  async function uninstall(ref: string | number, opts: { token?: string } = {}): Promise<CallResult> {
    const shop = partner.shop(ref);
    if (!shop.installed) throw new ControlError(409, `Приложение не установлено в ${shop.host}`);
    const target = appUrl("uninstall");
    const token = opts.token ?? shop.password!;
    target.searchParams.set("shop", shop.host);
    target.searchParams.set("token", token);
    target.searchParams.set("insales_id", String(shop.insalesId));
    state.counters.uninstallCalls++;
    const { status, body } = await call(target);
    // The merchant removed the app: InSales forgets it whatever our app answered.
    partner.markUninstalled(shop);
    return { url: target.href, status, body, installed: false, token };
  }

  /** InSales' autologin endpoint (§4 step 2 → 3): checks the return host and redirects there with the signature. */
  function autologin(shop: InSalesShop, appId: string, query: URLSearchParams, cookieHeader: string | undefined) {
    if (appId !== partner.appId || !shop.installed)
      return { status: 404, text: `Приложение «${appId}» не установлено в ${shop.host}` };
    const nonce = query.get("token");
    const login = query.get("login");
    if (!nonce || !login) return { status: 400, text: "Нужны параметры token и login" };
    let back: URL;
    try {
      back = new URL(login);
    } catch {
      return { status: 400, text: `login: «${login}» — не адрес` };
    }
    const expected = state.appUrls.login ? new URL(state.appUrls.login).host : undefined;
    if (back.host !== expected)
      return {
        status: 400,
        text: `Хост адреса login (${back.host}) не совпадает с хостом адреса входа приложения (${expected})`,
      };
    let user;
    try {
      user = partner.user(shop, cookies(cookieHeader).get(ADMIN_USER_COOKIE));
    } catch (e) {
      return { status: 403, text: (e as Error).message };
    }
    const { autologinSignature: formula, autologinParam: param } = state.tuning;
    const signature = autologinSignature(formula, nonce, user, shop.password!);
    back.searchParams.set(param, signature);
    back.searchParams.set("user_email", user.email);
    back.searchParams.set("user_name", user.name);
    back.searchParams.set("user_id", String(user.id));
    back.searchParams.set("email_confirmed", "true");
    signed.set(nonce, { nonce, signature, param, formula, user: { ...user } });
    state.counters.autologins++;
    return { status: 302, location: back.href };
  }

  async function openApp(ref: string | number, opts: { userId?: number } = {}): Promise<OpenAppResult> {
    const shop = partner.shop(ref);
    if (!shop.installed) throw new ControlError(409, `Приложение не установлено в ${shop.host}`);
    const user = partner.user(shop, opts.userId);
    let current = appUrl("login");
    current.searchParams.set("shop", shop.host);
    current.searchParams.set("insales_id", String(shop.insalesId));
    current.searchParams.set("user_id", String(user.id));
    const jar = new Map<string, Map<string, string>>();
    const hops: Hop[] = [];
    let autologinInfo: OpenAppResult["autologin"];
    for (let i = 0; i < 20; i++) {
      // A shop's *.myinsales.ru host is served by the stand-in itself, as if DNS pointed there.
      const own = partner.findShopByHost(current.hostname) ?? undefined;
      const fetchUrl = own ? new URL(`${url}/shops/${own.host}${current.pathname}${current.search}`) : current;
      const cookieJar = jar.get(fetchUrl.host) ?? new Map<string, string>();
      jar.set(fetchUrl.host, cookieJar);
      const sent = new Map(cookieJar);
      if (fetchUrl.origin === url) sent.set(ADMIN_USER_COOKIE, String(user.id));
      const res = await fetch(fetchUrl, {
        redirect: "manual",
        headers: { cookie: [...sent].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ") },
        signal: AbortSignal.timeout(10_000),
      });
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(";")[0]!;
        const eq = pair.indexOf("=");
        if (eq > 0) cookieJar.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()));
      }
      const location = res.headers.get("location") ?? undefined;
      const servedByStandIn = fetchUrl.origin === url;
      hops.push({ method: "GET", url: current.href, status: res.status, location, servedByStandIn });
      if (servedByStandIn) {
        const nonce = new URL(fetchUrl).searchParams.get("token");
        if (nonce && signed.has(nonce)) autologinInfo = signed.get(nonce);
      }
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        current = new URL(location, current);
        continue;
      }
      return { finalUrl: current.href, status: res.status, body: await res.text(), hops, autologin: autologinInfo };
    }
    throw new ControlError(508, "Больше 20 переадресаций при входе в приложение");
  }

  // ---- the REST API ----

  const routes: ApiRoute[] = [
    {
      method: "GET",
      pattern: /^\/admin\/account\.json$/,
      name: "GET /admin/account.json",
      run: (shop) => ({ id: shop.insalesId, title: shop.title, subdomain: shop.host.split(".")[0], host: shop.host }),
    },
    {
      method: "GET",
      pattern: /^\/admin\/orders\.json$/,
      name: "GET /admin/orders.json",
      run: (shop, _m, q) => partner.listOrders(shop, listQuery(q)),
    },
    {
      method: "GET",
      pattern: /^\/admin\/orders\/count\.json$/,
      name: "GET /admin/orders/count.json",
      run: (shop) => ({ count: partner.countOrders(shop) }),
    },
    {
      method: "GET",
      pattern: /^\/admin\/orders\/(\d+)\.json$/,
      name: "GET /admin/orders/{id}.json",
      run: (shop, m) => partner.order(shop.insalesId, m[1]!),
    },
    {
      method: "PUT",
      pattern: /^\/admin\/orders\/(\d+)\.json$/,
      name: "PUT /admin/orders/{id}.json",
      run: (shop, m, _q, body) => partner.writeOrder(shop, m[1]!, rooted(body(), "order")),
    },
    {
      method: "DELETE",
      pattern: /^\/admin\/orders\/(\d+)\.json$/,
      name: "DELETE /admin/orders/{id}.json",
      run: (shop, m) => partner.deleteOrder(shop, m[1]!),
    },
    {
      method: "GET",
      pattern: /^\/admin\/custom_statuses\.json$/,
      name: "GET /admin/custom_statuses.json",
      run: (shop) => partner.statuses(shop),
    },
    {
      method: "POST",
      pattern: /^\/admin\/custom_statuses\.json$/,
      name: "POST /admin/custom_statuses.json",
      run: (shop, _m, _q, body) => partner.createStatus(shop, rooted(body(), "custom_status")),
    },
    {
      method: "GET",
      pattern: /^\/admin\/custom_statuses\/([^/]+)\.json$/,
      name: "GET /admin/custom_statuses/{permalink}.json",
      run: (shop, m) => structuredClone(partner.status(shop, decodeURIComponent(m[1]!))),
    },
    {
      method: "PUT",
      pattern: /^\/admin\/custom_statuses\/([^/]+)\.json$/,
      name: "PUT /admin/custom_statuses/{permalink}.json",
      run: (shop, m, _q, body) =>
        partner.updateStatus(shop, decodeURIComponent(m[1]!), rooted(body(), "custom_status")),
    },
    {
      method: "DELETE",
      pattern: /^\/admin\/custom_statuses\/([^/]+)\.json$/,
      name: "DELETE /admin/custom_statuses/{permalink}.json",
      run: (shop, m) => partner.deleteStatus(shop, decodeURIComponent(m[1]!)),
    },
    {
      method: "GET",
      pattern: /^\/admin\/fields\.json$/,
      name: "GET /admin/fields.json",
      run: (shop) => partner.fields(shop),
    },
    {
      method: "POST",
      pattern: /^\/admin\/fields\.json$/,
      name: "POST /admin/fields.json",
      run: (shop, _m, _q, body) => partner.createField(shop, rooted(body(), "field")),
    },
    {
      method: "GET",
      pattern: /^\/admin\/webhooks\.json$/,
      name: "GET /admin/webhooks.json",
      run: (shop) => partner.webhooks(shop),
    },
    {
      method: "POST",
      pattern: /^\/admin\/webhooks\.json$/,
      name: "POST /admin/webhooks.json",
      run: (shop, _m, _q, body) => partner.createWebhook(shop, rooted(body(), "webhook")),
    },
    {
      method: "GET",
      pattern: /^\/admin\/webhooks\/(\d+)\.json$/,
      name: "GET /admin/webhooks/{id}.json",
      run: (shop, m) => structuredClone(partner.webhook(shop, m[1]!)),
    },
    {
      method: "PUT",
      pattern: /^\/admin\/webhooks\/(\d+)\.json$/,
      name: "PUT /admin/webhooks/{id}.json",
      run: (shop, m, _q, body) => partner.updateWebhook(shop, m[1]!, rooted(body(), "webhook")),
    },
    {
      method: "DELETE",
      pattern: /^\/admin\/webhooks\/(\d+)\.json$/,
      name: "DELETE /admin/webhooks/{id}.json",
      run: (shop, m) => partner.deleteWebhook(shop, m[1]!),
    },
  ];

  function listQuery(q: URLSearchParams) {
    const intParam = (name: string, min: number) => {
      const raw = q.get(name);
      if (raw === null || raw === "") return undefined;
      if (!/^\d+$/.test(raw) || Number(raw) < min) throw new ControlError(400, `${name}: нужно целое число ≥ ${min}`);
      return Number(raw);
    };
    const rawSince = q.get("updated_since");
    const updatedSince = rawSince ? parseUpdatedSince(rawSince) : undefined;
    if (rawSince && updatedSince === undefined)
      throw new ControlError(400, `updated_since: «${rawSince}» — нужна дата вида 2025-03-01 00:00:00 +03:00`);
    const perPage = intParam("per_page", 1) ?? state.tuning.defaultPerPage;
    if (perPage > MAX_PER_PAGE) throw new ControlError(400, `per_page: не больше ${MAX_PER_PAGE}`);
    return { updatedSince, fromId: intParam("from_id", 0), page: intParam("page", 1) ?? 1, perPage };
  }

  function rooted(body: Record<string, unknown>, root: string): Record<string, unknown> {
    const inner = body[root];
    if (!inner || typeof inner !== "object" || Array.isArray(inner))
      throw new ControlError(400, `Тело запроса: объект нужно обернуть в корневой ключ {"${root}": {…}}`);
    return inner as Record<string, unknown>;
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    host: string | undefined,
    path: string,
    query: URLSearchParams,
    raw: Buffer,
  ) {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      send(res, status, JSON_TYPE, JSON.stringify(body), headers);
    const errors = (status: number, message: string, headers: Record<string, string> = {}) =>
      json(status, { errors: [message] }, headers);
    const creds = basicAuth(req.headers.authorization);
    // The shop is the request's host (here: /shops/<host>/ or the Host header); without one, whose password it is.
    const shop = host ? partner.findShopByHost(host) : creds && partner.findShopByPassword(creds.password);
    if (host && !shop) return errors(404, `Магазин ${host} не найден`);
    if (!creds || !shop || !shop.installed || creds.login !== partner.appId || creds.password !== shop.password) {
      state.counters.unauthorized++;
      return errors(401, "Неверный логин или пароль (HTTP Basic: идентификатор приложения и MD5(token + secret))", {
        "www-authenticate": 'Basic realm="InSales API"',
      });
    }
    let window = windows.get(shop.insalesId);
    if (!window) windows.set(shop.insalesId, (window = new ShopWindow()));
    const { requests: limit, windowMs } = state.tuning.rateLimit;
    const { ok, used, retryAfterS } = window.attempt(limit, windowMs);
    const usage = { "api-usage-limit": `${used}/${limit}` };
    if (!ok) {
      state.counters.rateLimited++;
      return errors(503, `Превышен лимит запросов: ${limit} за ${Math.round(windowMs / 1000)} с. Повторите позже`, {
        ...usage,
        "retry-after": String(retryAfterS),
      });
    }
    state.counters.peakUsage = Math.max(state.counters.peakUsage, used);
    if (/\.xml$/.test(path)) return errors(400, "Заглушка InSales отвечает только в JSON: используйте .json", usage);
    const route = routes.find((r) => r.method === req.method && r.pattern.test(path));
    if (!route) return errors(404, `Нет такого ресурса: ${req.method} ${path}`, usage);
    state.counters.requests[route.name] = (state.counters.requests[route.name] ?? 0) + 1;
    const body = () => {
      try {
        const parsed: unknown = JSON.parse(raw.toString("utf8") || "null");
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // answered below
      }
      throw new ControlError(400, "Тело запроса должно быть объектом JSON (Content-Type: application/json)");
    };
    try {
      const result = route.run(shop, route.pattern.exec(path)!, query, body);
      json(req.method === "POST" ? 201 : 200, result, usage);
    } catch (e) {
      if (!(e instanceof ControlError)) throw e;
      errors(e.status, e.message, usage);
    }
  }

  // ---- control ----

  function setOrderStatus(ref: string | number, id: number, status: string) {
    const shop = partner.shop(ref);
    const isCustom = partner.statuses(shop).some((s) => s.permalink === status);
    if (!isCustom) throw new ControlError(400, `Статуса «${status}» в магазине ${shop.host} нет`);
    return partner.updateOrder(ref, id, { custom_status: status });
  }

  function configure(patch: Partial<InSalesStandInTuning> & { appUrls?: Partial<InSalesAppUrls> }) {
    const { appUrls, ...tuning } = patch;
    const next = resolveTuning(tuning, state.tuning);
    if (appUrls) {
      for (const [k, v] of Object.entries(appUrls))
        if (v !== undefined)
          try {
            new URL(v);
          } catch {
            throw new ControlError(400, `appUrls.${k}: «${v}» — не адрес`);
          }
      Object.assign(state.appUrls, appUrls);
    }
    state.tuning = next;
    return next;
  }

  const controls = controlRoutes({
    info: () => ({
      url,
      appId: partner.appId,
      appUrls: state.appUrls,
      tuning: state.tuning,
      shops: state.shops.map((s) => ({ ...s, password: undefined, token: undefined })),
    }),
    partner,
    install,
    uninstall,
    openApp,
    setOrderStatus,
    configure,
    flushWebhooks,
  });

  async function handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    raw: Buffer,
  ) {
    const control = controls.find((c) => c.method === req.method && c.path === path);
    const json = (status: number, body: unknown) => send(res, status, JSON_TYPE, JSON.stringify(body));
    if (!control) return json(404, { error: `Нет такой управляющей команды: ${req.method} ${path}` });
    const answer = await answerControl(raw, Object.fromEntries(query), control.run);
    json(answer.status, answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = new URL(req.url ?? "/", "http://stand-in");
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === "too-large") return send(res, 413, TEXT_TYPE, `Тело запроса больше ${MAX_BODY_BYTES} байт`);
    if (target.pathname.startsWith("/_control/"))
      return handleControl(req, res, target.pathname, target.searchParams, raw);
    const prefixed = /^\/shops\/([^/]+)(\/.*)$/.exec(target.pathname);
    const hostHeader = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    const host = prefixed ? decodeURIComponent(prefixed[1]!).toLowerCase() : partner.findShopByHost(hostHeader)?.host;
    const path = prefixed ? prefixed[2]! : target.pathname;
    const login = /^\/admin\/applications\/([^/]+)\/login$/.exec(path);
    if (login && req.method === "GET") {
      const shop = host ? partner.findShopByHost(host) : undefined;
      if (!shop) return send(res, 404, TEXT_TYPE, `Магазин ${host ?? "(не указан)"} не найден`);
      const answer = autologin(shop, decodeURIComponent(login[1]!), target.searchParams, req.headers.cookie);
      if ("location" in answer) return send(res, 302, TEXT_TYPE, "", { location: answer.location! });
      return send(res, answer.status, TEXT_TYPE, answer.text!);
    }
    if (path.startsWith("/admin/")) return handleApi(req, res, host, path, target.searchParams, raw);
    send(res, 404, TEXT_TYPE, `Нет такого адреса: ${req.method} ${target.pathname}`);
  }

  const server = createStandInServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error("InSales stand-in:", e);
      if (!res.headersSent) send(res, 500, JSON_TYPE, JSON.stringify({ errors: ["Внутренняя ошибка сервера"] }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    appId: partner.appId,
    appSecret: partner.appSecret,
    state,
    get counters() {
      return state.counters;
    },
    async close() {
      await flushWebhooks();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    createShop: (input) => partner.createShop(input),
    shop: (ref) => partner.shop(ref),
    install,
    uninstall,
    openApp,
    createOrder: (input) => partner.createOrder(input),
    updateOrder: (shop, id, patch) => partner.updateOrder(shop, id, patch),
    setOrderStatus,
    order: (shop, id) => partner.order(shop, id),
    orders: (shop) => partner.orderList(shop),
    writes: (shop) => {
      const host = shop === undefined ? undefined : partner.shop(shop).host;
      return state.writes.filter((w) => host === undefined || w.shop === host);
    },
    webhooks: (shop) => partner.webhooks(partner.shop(shop)),
    deliveries: () => state.deliveries,
    flushWebhooks,
    configure,
    resetCounters: () => partner.resetCounters(),
  };
}

interface Control {
  method: "GET" | "POST";
  path: string;
  run(input: Record<string, unknown>): unknown;
}

interface ControlDeps {
  info(): unknown;
  partner: InSalesPartner;
  install(shop: string | number, options?: { repeat?: boolean }): Promise<CallResult>;
  uninstall(shop: string | number, options?: { token?: string }): Promise<CallResult>;
  openApp(shop: string | number, options?: { userId?: number }): Promise<OpenAppResult>;
  setOrderStatus(shop: string | number, id: number, status: string): InSalesOrder;
  configure(patch: Record<string, unknown>): InSalesStandInTuning;
  flushWebhooks(): Promise<void>;
}

/** `/_control/…`: the same calls over HTTP for Playwright, the demo and other processes; bodies are the arguments. */
function controlRoutes(d: ControlDeps): Control[] {
  const shopOf = (input: Record<string, unknown>) => input.shop as string | number;
  const idOf = (input: Record<string, unknown>) => {
    const id = Number(input.id);
    if (!Number.isInteger(id) || id <= 0) throw new ControlError(400, "id: нужен номер заказа (id)");
    return id;
  };
  return [
    { method: "GET", path: "/_control/info", run: d.info },
    { method: "GET", path: "/_control/counters", run: () => d.partner.state.counters },
    { method: "POST", path: "/_control/counters/reset", run: () => (d.partner.resetCounters(), {}) },
    { method: "POST", path: "/_control/configure", run: (input) => ({ tuning: d.configure(input) }) },
    { method: "POST", path: "/_control/shops", run: (input) => d.partner.createShop(input as CreateShopInput) },
    {
      method: "POST",
      path: "/_control/install",
      run: (input) => d.install(shopOf(input), { repeat: input.repeat === true }),
    },
    {
      method: "POST",
      path: "/_control/uninstall",
      run: (input) => d.uninstall(shopOf(input), { token: input.token as string | undefined }),
    },
    {
      method: "POST",
      path: "/_control/open-app",
      run: (input) =>
        d.openApp(shopOf(input), { userId: input.userId === undefined ? undefined : Number(input.userId) }),
    },
    { method: "GET", path: "/_control/orders", run: (input) => d.partner.orderList(shopOf(input)) },
    { method: "GET", path: "/_control/order", run: (input) => d.partner.order(shopOf(input), idOf(input)) },
    { method: "POST", path: "/_control/orders", run: (input) => d.partner.createOrder(input as unknown as OrderInput) },
    {
      method: "POST",
      path: "/_control/orders/update",
      run: (input) => d.partner.updateOrder(shopOf(input), idOf(input), (input.patch ?? {}) as OrderPatch),
    },
    {
      method: "POST",
      path: "/_control/orders/status",
      run: (input) => d.setOrderStatus(shopOf(input), idOf(input), String(input.status ?? "")),
    },
    {
      method: "GET",
      path: "/_control/writes",
      run: (input) => {
        const host = input.shop === undefined ? undefined : d.partner.shop(shopOf(input)).host;
        return d.partner.state.writes.filter((w) => host === undefined || w.shop === host);
      },
    },
    { method: "GET", path: "/_control/webhooks", run: (input) => d.partner.webhooks(d.partner.shop(shopOf(input))) },
    {
      method: "GET",
      path: "/_control/statuses",
      run: (input) => d.partner.statuses(d.partner.shop(shopOf(input))),
    },
    { method: "GET", path: "/_control/fields", run: (input) => d.partner.fields(d.partner.shop(shopOf(input))) },
    { method: "GET", path: "/_control/deliveries", run: () => d.partner.state.deliveries },
    { method: "POST", path: "/_control/webhooks/flush", run: async () => (await d.flushWebhooks(), {}) },
  ];
}
