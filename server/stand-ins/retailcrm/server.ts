import { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ControlError,
  type CreateAccountInput,
  DEFAULT_DEMO_API_KEY,
  DEFAULT_TUNING,
  findOrder,
  newAccount,
  randomKey,
  resolveTuning,
  simpleConnectionToken,
} from "./state";
import type {
  ApiCall,
  ApiKey,
  CallbackRecord,
  CrmAccount,
  CrmOrder,
  Json,
  RetailCrmStandInOptions,
  RetailCrmStandInTuning,
  StoredModule,
  TrackingPush,
} from "./types";
import { validateModule, validateTracking } from "./validation";
import { answerControl, createStandInServer, readBody } from "../shared/process";

export type * from "./types";
export { ALL_SCOPES, DEFAULT_DEMO_API_KEY, DEFAULT_SECRET, simpleConnectionToken } from "./state";

/**
 * The RetailCRM stand-in: CRM accounts with API v5 (`/api/credentials`, integration modules, reference lists,
 * delivery tracking) under `<url>/a/<slug>`, plus a driver that makes the CRM's callbacks to our module.
 */
export interface RetailCrmStandIn {
  url: string;
  /** The demo account (slug `demo`), also served at the stand-in's root. */
  demo: CrmAccount;
  tuning: RetailCrmStandInTuning;
  accounts: Map<string, CrmAccount>;
  callbacks: CallbackRecord[];
  tracking: TrackingPush[];
  apiCalls: ApiCall[];
  close(): Promise<void>;
  createAccount(input?: CreateAccountInput): CrmAccount;
  account(ref?: string): CrmAccount;
  /** Runs a control command as `POST|GET /_control/<path>` would (same input, same result). */
  control(path: string, input?: Json): Promise<unknown>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const JSON_TYPE = "application/json; charset=utf-8";
const FORM_TYPE = "application/x-www-form-urlencoded";

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
  const buf = Buffer.from(body, "utf8");
  res.writeHead(status, { "content-type": type, "content-length": buf.length, ...headers }).end(buf);
}

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const now = () => new Date().toISOString();

/** An API answer: status plus the CRM envelope. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorMsg: string,
    readonly errors?: Record<string, string>,
  ) {
    super(errorMsg);
  }
}

interface ApiRoute {
  method: "GET" | "POST";
  pattern: RegExp;
  /** Any one of these scopes admits the call; empty = any valid key. */
  scopes: (t: RetailCrmStandInTuning) => string[];
  run(ctx: ApiContext, m: RegExpExecArray): Json | Promise<Json>;
}

interface ApiContext {
  account: CrmAccount;
  key: ApiKey;
  auth: "header" | "param";
  query: URLSearchParams;
  form: URLSearchParams;
}

/** Sliding window of admitted calls per API key. */
const windows = new WeakMap<ApiKey, number[]>();

/** Starts the RetailCRM stand-in on 127.0.0.1. */
export async function startRetailCrmStandIn(options: RetailCrmStandInOptions = {}): Promise<RetailCrmStandIn> {
  let url = "";
  const base = () => options.publicUrl?.replace(/\/+$/, "") ?? url;
  let tuning = resolveTuning(options, DEFAULT_TUNING);
  const accounts = new Map<string, CrmAccount>();
  const callbacks: CallbackRecord[] = [];
  const tracking: TrackingPush[] = [];
  const apiCalls: ApiCall[] = [];
  let nextOrderId = 5501;
  let nextDeliveryTypeId = 10;

  function createAccount(input: CreateAccountInput = {}): CrmAccount {
    const slug = input.slug ?? `shop-${accounts.size + 1}`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(slug))
      throw new ControlError(400, `slug: «${slug}» — нужны латиница, цифры, дефис`);
    if (accounts.has(slug)) throw new ControlError(409, `Аккаунт «${slug}» уже есть`);
    const account = newAccount(slug, `${base()}/a/${slug}`, input);
    accounts.set(slug, account);
    return account;
  }

  function account(ref?: string): CrmAccount {
    if (ref === undefined || ref === "") return accounts.get("demo") ?? [...accounts.values()][0]!;
    // Accept a slug or an account URL (what our module stores as systemUrl).
    if (ref.replace(/\/+$/, "") === base()) return account();
    const slug = /\/a\/([^/]+)\/?$/.exec(ref)?.[1] ?? ref;
    const a = accounts.get(slug);
    if (!a) throw new ControlError(404, `Аккаунта «${ref}» нет`);
    return a;
  }

  // ---- CRM API v5 ----

  const integrationRead = () => ["integration_read", "integration_write"];
  const routes: ApiRoute[] = [
    {
      method: "GET",
      pattern: /^\/api\/(?:v5\/)?credentials$/,
      scopes: () => [],
      run: ({ account: a, key }) => ({
        success: true,
        scopes: key.scopes,
        siteAccess: key.sites.length ? "access_selective" : "access_full",
        sitesAvailable: key.sites.length ? key.sites : a.sites.map((s) => s.code),
      }),
    },
    {
      method: "GET",
      pattern: /^\/api\/v5\/integration-modules\/([^/]+)$/,
      scopes: integrationRead,
      run: ({ account: a }, m) => {
        const mod = a.modules.get(decodeURIComponent(m[1]!));
        if (!mod) throw new ApiError(404, "Not found");
        return { success: true, integrationModule: { ...mod.payload, active: mod.active, freeze: mod.freeze } };
      },
    },
    {
      method: "POST",
      pattern: /^\/api\/v5\/integration-modules\/([^/]+)\/edit$/,
      scopes: () => ["integration_write"],
      run: (ctx, m) => editModule(ctx, decodeURIComponent(m[1]!)),
    },
    {
      method: "POST",
      pattern: /^\/api\/v5\/integration-modules\/([^/]+)\/update-scopes$/,
      scopes: () => ["integration_write"],
      run: ({ account: a, key, form }, m) => {
        if (!a.modules.has(decodeURIComponent(m[1]!))) throw new ApiError(404, "Not found");
        const requires = parseJsonField(form, "requires");
        if (!isObj(requires) || !Array.isArray(requires.scopes) || requires.scopes.some((s) => typeof s !== "string"))
          throw new ApiError(400, "Errors in the entity format", { requires: 'Нужен JSON {"scopes": ["…"]}' });
        const fresh: ApiKey = {
          key: randomKey(),
          scopes: requires.scopes as string[],
          sites: [...key.sites],
          revoked: false,
          createdBy: "update-scopes",
        };
        a.keys.push(fresh);
        return { success: true, apiKey: fresh.key };
      },
    },
    ...(["payment-types", "delivery-types", "statuses", "stores", "sites"] as const).map((name): ApiRoute => ({
      method: "GET",
      pattern: new RegExp(`^/api/v5/reference/${name}$`),
      scopes: (t) => t.referenceScopes,
      run: ({ account: a }) => {
        const list =
          name === "payment-types"
            ? a.paymentTypes
            : name === "delivery-types"
              ? a.deliveryTypes
              : name === "statuses"
                ? a.statuses
                : name === "stores"
                  ? a.stores
                  : a.sites.map((s) => ({ ...s, url: a.url }));
        // RetailCRM's reference lists are objects keyed by code *(stand-in: not in the note)*.
        const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
        return { success: true, [key]: Object.fromEntries(list.map((x) => [x.code, x])) };
      },
    })),
    {
      method: "POST",
      pattern: /^\/api\/v5\/reference\/delivery-types\/([^/]+)\/edit$/,
      scopes: () => ["reference_write", "delivery_write"],
      run: ({ account: a, form }, m) => {
        const code = decodeURIComponent(m[1]!);
        const input = parseJsonField(form, "deliveryType");
        if (!isObj(input) || typeof input.name !== "string" || !input.name)
          throw new ApiError(400, "Errors in the entity format", { deliveryType: "Нужен JSON с полем name" });
        const existing = a.deliveryTypes.find((d) => d.code === code);
        if (existing) Object.assign(existing, input, { code });
        else a.deliveryTypes.push({ active: true, ...input, code, name: input.name, id: nextDeliveryTypeId++ });
        return { success: true };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/v5\/orders\/([^/]+)$/,
      scopes: () => ["order_read", "delivery_read"],
      run: ({ account: a, query }, m) => {
        const ref = decodeURIComponent(m[1]!);
        const by = query.get("by") ?? "externalId";
        const order = a.orders.find((o) => (by === "id" ? String(o.id) === ref : o.externalId === ref));
        if (!order) throw new ApiError(404, "Not found");
        return { success: true, order: orderView(order) };
      },
    },
    {
      method: "POST",
      pattern: /^\/api\/v5\/delivery\/generic\/([^/]+)\/tracking$/,
      scopes: () => ["delivery_write"],
      run: (ctx, m) => track(ctx, decodeURIComponent(m[1]!)),
    },
  ];

  function orderView(o: CrmOrder) {
    const { lastSave: _ignored, ...view } = o;
    return structuredClone(view);
  }

  function parseJsonField(form: URLSearchParams, field: string): unknown {
    const raw = form.get(field);
    if (raw === null)
      throw new ApiError(400, "Errors in the entity format", {
        [field]: `Нужно поле формы ${field} с JSON (application/x-www-form-urlencoded)`,
      });
    try {
      return JSON.parse(raw);
    } catch {
      throw new ApiError(400, "Errors in the entity format", { [field]: "Значение поля — не JSON" });
    }
  }

  function editModule({ account: a, form }: ApiContext, code: string): Json {
    const input = parseJsonField(form, "integrationModule");
    if (!isObj(input))
      throw new ApiError(400, "Errors in the entity format", { integrationModule: "Нужен объект JSON" });
    const previous = a.modules.get(code);
    const { module, errors } = validateModule(input, code, a, tuning, previous);
    if (Object.keys(errors).length) throw new ApiError(400, "Validation error", errors);
    const stored: StoredModule = {
      payload: module,
      code,
      clientId: module.clientId as string,
      baseUrl: module.baseUrl as string,
      active: module.active as boolean,
      freeze: previous?.freeze ?? false,
      updatedAt: now(),
      edits: (previous?.edits ?? 0) + 1,
    };
    a.modules.set(code, stored);
    const delivery = (module.integrations as Json | undefined)?.delivery as Json | undefined;
    if (!delivery) return { success: true, info: { billingInfo: billingInfo() } };
    // The CRM keeps a delivery type bound to the module, code = instance code (§4 "what the CRM creates").
    const settings = (delivery.settings ?? {}) as Json;
    const paymentTypes = ((settings.paymentTypes ?? []) as Json[]).map((p) => ({ code: p.code, cod: p.cod === true }));
    let type = a.deliveryTypes.find((d) => d.code === code);
    if (!type) {
      type = { id: nextDeliveryTypeId++, code, name: String(module.name), active: true };
      a.deliveryTypes.push(type);
    }
    Object.assign(type, { integrationCode: code, active: stored.active, deliveryPaymentTypes: paymentTypes });
    return { success: true, info: { billingInfo: billingInfo(), deliveryType: { id: type.id, code } } };
  }

  function billingInfo() {
    return { price: 0, currency: { code: "RUB", name: "Российский рубль", shortName: "руб." }, billingType: "fixed" };
  }

  /** Our deliveryIds the CRM holds, optionally only those of one module instance. */
  function deliveryIndex(a: CrmAccount, moduleCode?: string): Set<string> {
    return new Set(
      a.orders
        .filter((o) => moduleCode === undefined || o.delivery.integrationCode === moduleCode)
        .map((o) => o.delivery.data.externalId)
        .filter((x): x is string => !!x),
    );
  }

  function track(ctx: ApiContext, subcode: string): Json {
    const a = ctx.account;
    const record: TrackingPush = {
      at: now(),
      account: a.slug,
      subcode,
      auth: ctx.auth,
      status: 200,
      accepted: false,
      items: ctx.form.get("statusUpdate"),
    };
    tracking.push(record);
    try {
      const mod = a.modules.get(subcode);
      const delivery = (mod?.payload.integrations as Json | undefined)?.delivery as Json | undefined;
      if (!mod || !delivery) throw new ApiError(404, "Not found");
      if (a.failTracking.count > 0) {
        a.failTracking.count--;
        throw new ApiError(a.failTracking.status, "Внутренняя ошибка сервера (сбой, включённый через /_control)");
      }
      const items = parseJsonField(ctx.form, "statusUpdate");
      record.items = items;
      if (!mod.active || mod.freeze)
        throw new ApiError(400, "Validation error", {
          [subcode]: mod.freeze ? "Модуль заморожен: статусы не принимаются" : "Модуль отключён (active: false)",
        });
      const codes = new Set(((delivery.statusList ?? []) as Json[]).map((s) => String(s.code)));
      const errors = validateTracking(
        items,
        codes,
        tuning.strictDeliveryIds ? deliveryIndex(a, subcode) : undefined,
        tuning.trackingMaxItems,
      );
      if (Object.keys(errors).length) throw new ApiError(400, "Validation error", errors);
      for (const item of items as Json[]) {
        const order = a.orders.find(
          (o) => o.delivery.integrationCode === subcode && o.delivery.data.externalId === item.deliveryId,
        );
        if (!order) continue;
        const data = order.delivery.data;
        if (typeof item.trackNumber === "string") data.trackNumber = item.trackNumber;
        if (typeof item.cost === "number") order.delivery.cost = item.cost;
        if (isObj(item.extraData)) data.extraData = { ...data.extraData, ...item.extraData };
        for (const h of (item.history ?? []) as { code: string; updatedAt: string; comment?: string }[]) {
          order.history.push({ code: h.code, updatedAt: h.updatedAt, comment: h.comment ?? undefined });
          if (!data.statusUpdatedAt || Date.parse(h.updatedAt) >= Date.parse(data.statusUpdatedAt)) {
            data.status = h.code;
            data.statusUpdatedAt = h.updatedAt;
          }
        }
        // settings.statuses moves the CRM order when our tracking code maps to an order status (§4).
        const map = (((delivery.settings as Json | undefined)?.statuses ?? []) as Json[]).find(
          (s) => s.trackingStatusCode === data.status,
        );
        if (map) order.status = String(map.code);
      }
      record.accepted = true;
      return { success: true };
    } catch (e) {
      if (e instanceof ApiError) {
        record.status = e.status;
        record.errorMsg = e.errorMsg;
        record.errors = e.errors;
      }
      throw e;
    }
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    a: CrmAccount,
    path: string,
    query: URLSearchParams,
    raw: Buffer,
  ) {
    const call: ApiCall = { at: now(), account: a.slug, method: req.method ?? "", path, status: 200 };
    apiCalls.push(call);
    const answer = (status: number, body: Json, headers: Record<string, string> = {}) => {
      call.status = status;
      if (body.success === false) call.errorMsg = String(body.errorMsg);
      send(res, status, JSON_TYPE, JSON.stringify(body), headers);
    };
    const contentType = req.headers["content-type"] ?? "";
    const form =
      req.method === "POST" && contentType.startsWith(FORM_TYPE)
        ? new URLSearchParams(raw.toString("utf8"))
        : new URLSearchParams();
    const headerKey = req.headers["x-api-key"];
    const given = typeof headerKey === "string" && headerKey ? headerKey : (query.get("apiKey") ?? form.get("apiKey"));
    call.auth = typeof headerKey === "string" && headerKey ? "header" : given ? "param" : undefined;
    if (!given) return answer(401, { success: false, errorMsg: '"apiKey" is missing.' });
    const key = a.keys.find((k) => k.key === given && !k.revoked);
    if (!key) return answer(401, { success: false, errorMsg: 'Wrong "apiKey" value.' });
    const retry = { "retry-after": "1" };
    if (a.forceRateLimit > 0) {
      a.forceRateLimit--;
      return answer(tuning.rateLimitStatus, { success: false, errorMsg: "Превышен лимит запросов к API" }, retry);
    }
    if (tuning.rateLimit) {
      const admitted = windows.get(key) ?? [];
      windows.set(key, admitted);
      const t = Date.now();
      while (admitted.length && admitted[0]! <= t - tuning.rateLimit.windowMs) admitted.shift();
      if (admitted.length >= tuning.rateLimit.requests)
        return answer(tuning.rateLimitStatus, { success: false, errorMsg: "Превышен лимит запросов к API" }, retry);
      admitted.push(t);
    }
    const route = routes.find((r) => r.pattern.test(path) && r.method === req.method);
    if (!route) {
      const other = routes.some((r) => r.pattern.test(path));
      return answer(other ? 405 : 404, { success: false, errorMsg: other ? "Method not allowed" : "Not found" });
    }
    const scopes = route.scopes(tuning);
    if (scopes.length && !scopes.some((s) => key.scopes.includes(s)))
      return answer(403, {
        success: false,
        errorMsg: "Access denied.",
        errors: { scopes: `Нужно одно из: ${scopes.join(", ")}` },
      });
    try {
      answer(200, await route.run({ account: a, key, auth: call.auth!, query, form }, route.pattern.exec(path)!));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      answer(e.status, { success: false, errorMsg: e.errorMsg, ...(e.errors ? { errors: e.errors } : {}) });
    }
  }

  /** `{crmUrl}/admin/integration/list`, where our connect page sends the browser back (§3.1 step 3). */
  function integrationListPage(a: CrmAccount): string {
    const rows = [...a.modules.values()]
      .map(
        (m) =>
          `<li data-code="${esc(m.code)}">${esc(String(m.payload.name))} (${esc(m.code)}) — ${m.active ? "активен" : "отключён"}${m.freeze ? ", заморожен" : ""}</li>`,
      )
      .join("");
    return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Интеграции — ${esc(a.name)}</title></head><body><h1>Маркетплейс: подключённые модули</h1><p>Аккаунт ${esc(a.url)}</p><ul>${rows || "<li>Модулей нет</li>"}</ul></body></html>`;
  }

  // ---- the callback driver (§5) ----

  function pickModule(a: CrmAccount, code?: unknown): StoredModule {
    if (typeof code === "string" && code) {
      const m = a.modules.get(code);
      if (!m) throw new ControlError(404, `Модуля «${code}» в аккаунте ${a.slug} нет`);
      return m;
    }
    const list = [...a.modules.values()];
    if (list.length !== 1) throw new ControlError(400, `В аккаунте ${a.slug} модулей: ${list.length}; укажите code`);
    return list[0]!;
  }

  function actionPath(mod: StoredModule, action: string): string {
    const p =
      action === "activity" ? (mod.payload.actions as Json | undefined)?.activity : deliveryOf(mod)?.actions?.[action];
    if (typeof p !== "string") throw new ControlError(409, `Модуль ${mod.code} не зарегистрировал действие ${action}`);
    return p;
  }

  function deliveryOf(mod: StoredModule) {
    return (mod.payload.integrations as Json | undefined)?.delivery as
      | (Json & { actions?: Record<string, string>; settings?: Json; plateList?: Json[]; platePrintLimit?: number })
      | undefined;
  }

  /** `{baseUrl}{actions.X}` with one slash at the joint. */
  function join(baseUrl: string, path: string) {
    return baseUrl.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
  }

  async function callModule(
    a: CrmAccount,
    mod: StoredModule,
    action: string,
    method: "GET" | "POST",
    fields: Record<string, string>,
    input: Json,
  ): Promise<CallbackRecord> {
    if (action !== "activity" && (!mod.active || mod.freeze) && input.force !== true)
      throw new ControlError(
        409,
        `Модуль ${mod.code} отключён или заморожен: CRM его не вызывает (force: true — всё равно)`,
      );
    const sent = { clientId: typeof input.clientId === "string" ? input.clientId : mod.clientId, ...fields };
    const target = new URL(join(mod.baseUrl, actionPath(mod, action)));
    if (method === "GET") for (const [k, v] of Object.entries(sent)) target.searchParams.set(k, v);
    const record: CallbackRecord = {
      at: now(),
      account: a.slug,
      code: mod.code,
      action,
      method,
      url: target.href,
      sent,
      status: 0,
      contentType: "",
      body: "",
      bodyEncoding: "utf8",
    };
    callbacks.push(record);
    try {
      const res = await fetch(target, {
        method,
        headers: method === "POST" ? { "content-type": FORM_TYPE } : {},
        body: method === "POST" ? new URLSearchParams(sent).toString() : undefined,
        redirect: "manual",
        signal: AbortSignal.timeout(tuning.callbackTimeoutMs),
      });
      const buf = Buffer.from(await res.arrayBuffer());
      record.status = res.status;
      record.contentType = res.headers.get("content-type") ?? "";
      const textual = /json|text|xml|html/.test(record.contentType) || !record.contentType;
      record.body = buf.toString(textual ? "utf8" : "base64");
      record.bodyEncoding = textual ? "utf8" : "base64";
      if (textual)
        try {
          record.json = JSON.parse(record.body);
        } catch {
          // not JSON: the body stays as text
        }
    } catch (e) {
      record.error = e instanceof Error ? e.message : String(e);
    }
    return record;
  }

  const resultOf = (r: CallbackRecord) =>
    r.status >= 200 && r.status < 300 && isObj(r.json) && r.json.success === true ? r.json.result : undefined;

  function orderFor(a: CrmAccount, input: Json): CrmOrder | undefined {
    return input.order === undefined ? undefined : findOrder(a, input.order as string | number);
  }

  function deliveryIdOf(a: CrmAccount, input: Json): string {
    if (typeof input.deliveryId === "string") return input.deliveryId;
    const id = orderFor(a, input)?.delivery.data.externalId;
    if (!id) throw new ControlError(400, "Нужен deliveryId или order с уже созданной доставкой");
    return id;
  }

  const callbackActions: Record<string, (a: CrmAccount, mod: StoredModule, input: Json) => Promise<unknown>> = {
    calculate: async (a, mod, input) => {
      const payload = isObj(input.calculate) ? input.calculate : buildCalculate(a, mod, input);
      return callModule(a, mod, "calculate", "POST", { calculate: JSON.stringify(payload) }, input);
    },
    save: async (a, mod, input) => {
      const { order, payload } = buildSave(a, mod, input);
      const r = await callModule(a, mod, "save", "POST", { save: JSON.stringify(payload) }, input);
      const result = resultOf(r);
      if (isObj(result) && typeof result.deliveryId === "string" && result.deliveryId) {
        const data = order.delivery.data;
        data.externalId = result.deliveryId;
        if (typeof result.trackNumber === "string") data.trackNumber = result.trackNumber;
        if (typeof result.status === "string") data.status = result.status;
        if (typeof result.cost === "number") order.delivery.cost = result.cost;
        if (isObj(result.extraData)) data.extraData = result.extraData;
        if (typeof payload.delivery === "object") data.tariff = (payload.delivery as Json).tariff as string | undefined;
      }
      return { ...r, order: orderView(order) };
    },
    get: async (a, mod, input) => callModule(a, mod, "get", "GET", { deliveryId: deliveryIdOf(a, input) }, input),
    delete: async (a, mod, input) => {
      const deliveryId = deliveryIdOf(a, input);
      const r = await callModule(a, mod, "delete", "POST", { delete: JSON.stringify({ deliveryId }) }, input);
      if (r.status >= 200 && r.status < 300 && isObj(r.json) && r.json.success === true)
        for (const o of a.orders) if (o.delivery.data.externalId === deliveryId) o.delivery.data = {};
      return r;
    },
    print: async (a, mod, input) => {
      const ids = Array.isArray(input.deliveryIds)
        ? (input.deliveryIds as string[])
        : a.orders
            .filter((o) => o.delivery.code === mod.code && o.delivery.data.externalId)
            .map((o) => o.delivery.data.externalId!);
      if (!ids.length) throw new ControlError(400, "Нечего печатать: нет доставок (deliveryIds)");
      const d = deliveryOf(mod);
      const type = typeof input.type === "string" ? input.type : String(d?.plateList?.[0]?.code ?? "label");
      const entityType = input.entityType === "shipment" ? "shipment" : "order";
      // The CRM respects platePrintLimit by splitting the batch (stand-in reading of §5.6).
      const limit = typeof d?.platePrintLimit === "number" ? d.platePrintLimit : ids.length;
      const calls: CallbackRecord[] = [];
      for (let i = 0; i < ids.length; i += limit) {
        const chunk = ids.slice(i, i + limit);
        const deliveryIds = input.nested === true ? [chunk] : chunk;
        calls.push(
          await callModule(
            a,
            mod,
            "print",
            "POST",
            { print: JSON.stringify({ type, entityType, deliveryIds }) },
            input,
          ),
        );
      }
      return { ...calls[0]!, calls };
    },
    activity: async (a, mod, input) => activity(a, mod, input),
    shipmentSave: async (a, mod, input) => {
      const payload = isObj(input.shipmentSave)
        ? input.shipmentSave
        : {
            shipmentId: input.shipmentId ?? null,
            manager: manager(),
            date: input.date ?? tomorrow(),
            time: { from: "10:00", to: "18:00" },
            address: storeAddress(),
            store: "warehouse",
            orders: (Array.isArray(input.deliveryIds) ? (input.deliveryIds as string[]) : [...deliveryIndex(a)]).map(
              (id) => ({
                deliveryId: id,
                packages:
                  (a.orders.find((o) => o.delivery.data.externalId === id)?.lastSave?.packages as unknown) ?? [],
              }),
            ),
            comment: input.comment ?? "",
            extraData: {},
          };
      return callModule(a, mod, "shipmentSave", "POST", { shipmentSave: JSON.stringify(payload) }, input);
    },
    shipmentDelete: async (a, mod, input) =>
      callModule(
        a,
        mod,
        "shipmentDelete",
        "POST",
        { shipmentDelete: JSON.stringify({ shipmentId: input.shipmentId }) },
        input,
      ),
    tariffList: async (a, mod, input) => callModule(a, mod, "tariffList", "GET", {}, input),
    shipmentPointList: async (a, mod, input) => {
      const q: Record<string, string> = {};
      for (const k of ["country", "region", "regionId", "city", "cityId"])
        if (input[k] !== undefined) q[k] = String(input[k]);
      return callModule(a, mod, "shipmentPointList", "GET", q, input);
    },
  };

  async function activity(a: CrmAccount, mod: StoredModule, input: Json) {
    if (typeof input.active === "boolean") mod.active = input.active;
    if (typeof input.freeze === "boolean") mod.freeze = input.freeze;
    const type = a.deliveryTypes.find((d) => d.code === mod.code);
    if (type) type.active = mod.active && !mod.freeze;
    const systemUrl = typeof input.systemUrl === "string" ? input.systemUrl : a.url;
    return callModule(
      a,
      mod,
      "activity",
      "POST",
      { systemUrl, activity: JSON.stringify({ active: mod.active, freeze: mod.freeze }) },
      input,
    );
  }

  function tomorrow() {
    return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  }
  function manager() {
    return { id: 1, firstName: "Ольга", lastName: "Менеджерова", phone: "+74950000001", email: "manager@shop.example" };
  }
  function storeAddress() {
    return {
      countryIso: "RU",
      index: "101000",
      region: "Москва",
      city: "Москва",
      street: "Складская",
      building: "1",
      text: "Москва, Складская, 1",
    };
  }

  interface ItemInput {
    article?: string;
    name?: string;
    quantity?: number;
    price?: number;
    weight?: number;
    offerId?: string | number;
  }

  function address(input: Json) {
    const raw = isObj(input.address) ? input.address : {};
    const addr: Json = {
      countryIso: "RU",
      index: "170100",
      region: "Тверская область",
      city: "Тверь",
      street: "Советская",
      building: "3",
      flat: "12",
      ...raw,
    };
    addr.text ??= [addr.street, addr.building, addr.flat ? `кв. ${String(addr.flat)}` : ""].filter(Boolean).join(", ");
    return addr;
  }

  function itemsOf(input: Json): (Required<Omit<ItemInput, "offerId">> & { offerId: string })[] {
    const list = (Array.isArray(input.items) && input.items.length ? input.items : [{}]) as ItemInput[];
    return list.map((it, i) => ({
      article: it.article ?? `ART-${i + 1}`,
      name: it.name ?? "Настольная лампа",
      quantity: it.quantity ?? 1,
      price: it.price ?? 1990,
      weight: it.weight ?? 900,
      offerId: String(it.offerId ?? 100 + i),
    }));
  }

  function packagesOf(input: Json, items: ReturnType<typeof itemsOf>, cod: boolean) {
    const packageItems = items.map((it) => ({
      offerId: it.offerId,
      externalId: it.article,
      xmlId: it.article,
      name: it.name,
      declaredValue: it.price,
      cod: cod ? it.price : 0,
      vatRate: "none",
      quantity: it.quantity,
      unit: { code: "pc", name: "Штука", sym: "шт." },
      cost: it.price,
      weight: it.weight,
      properties: { article: { code: "article", name: "Артикул", value: it.article } },
    }));
    const given = Array.isArray(input.packages) ? (input.packages as Json[]) : undefined;
    if (!given?.length)
      return [
        {
          packageId: "1",
          weight: items.reduce((s, it) => s + it.weight * it.quantity, 0),
          length: 300,
          width: 200,
          height: 100,
          items: packageItems,
        },
      ];
    // Each given package may name its items by index; otherwise the first package carries them all.
    return given.map((p, i) => ({
      packageId: String(p.packageId ?? i + 1),
      weight: p.weight ?? 1000,
      length: p.length ?? 300,
      width: p.width ?? 200,
      height: p.height ?? 100,
      items: Array.isArray(p.items)
        ? (p.items as number[]).map((n) => packageItems[n]).filter(Boolean)
        : i === 0
          ? packageItems
          : [],
    }));
  }

  function buildCalculate(a: CrmAccount, mod: StoredModule, input: Json): Json {
    const items = itemsOf(input);
    const total = items.reduce((s, it) => s + it.price * it.quantity, 0);
    const cod = input.cod === undefined ? total : Number(input.cod);
    return {
      shipmentAddress: storeAddress(),
      deliveryAddress: address(input),
      packages: packagesOf(input, items, cod > 0),
      declaredValue: total,
      cod,
      payerType: input.payerType ?? "receiver",
      shipmentDate: input.shipmentDate ?? tomorrow(),
      deliveryDate: input.deliveryDate ?? tomorrow(),
      deliveryTime: input.deliveryTime ?? { from: "10:00", to: "18:00", custom: null },
      currency: "RUB",
      store: "warehouse",
      extraData: input.extraData ?? {},
    };
  }

  /** A realistic `save` payload (§5.3) from a short control request; creates or reuses the CRM order. */
  function buildSave(a: CrmAccount, mod: StoredModule, input: Json): { order: CrmOrder; payload: Json } {
    let order = orderFor(a, input);
    if (input.order !== undefined && !order) throw new ControlError(404, `Заказа «${String(input.order)}» нет`);
    if (!order) {
      const id = nextOrderId++;
      const number = typeof input.orderNumber === "string" ? input.orderNumber : `${id}C`;
      order = {
        id,
        number,
        externalId: number,
        site: typeof input.site === "string" ? input.site : a.sites[0]!.code,
        status: "new",
        delivery: {
          code: typeof input.deliveryType === "string" ? input.deliveryType : mod.code,
          integrationCode: mod.code,
          data: {},
        },
        history: [],
      };
      a.orders.push(order);
    }
    const settings = (deliveryOf(mod)?.settings ?? {}) as Json;
    const codTypes = new Set(
      ((settings.paymentTypes ?? []) as Json[])
        .filter((p) => p.cod === true && p.active !== false)
        .map((p) => String(p.code)),
    );
    const items = itemsOf(input);
    const itemsTotal = items.reduce((s, it) => s + it.price * it.quantity, 0);
    const cost = typeof input.cost === "number" ? input.cost : 250;
    const payerType = input.payerType === "sender" ? "sender" : "receiver";
    const payments = (
      Array.isArray(input.payments) && input.payments.length
        ? input.payments
        : [{ type: "cash", amount: itemsTotal + (payerType === "receiver" ? cost : 0), paid: false }]
    ) as { type: string; amount: number; paid?: boolean }[];
    const unpaidCod = payments.filter((p) => !p.paid && codTypes.has(p.type));
    const codSum = unpaidCod.reduce((s, p) => s + p.amount, 0);
    const withCod = codSum > 0;
    const codType = unpaidCod[0] ? a.paymentTypes.find((p) => p.code === unpaidCod[0]!.type) : undefined;
    const c = (isObj(input.customer) ? input.customer : isObj(input.receiver) ? input.receiver : {}) as Json;
    const base: Json = {
      deliveryId: order.delivery.data.externalId ?? null,
      order: String(order.id),
      orderNumber: order.number,
      site: order.site,
      siteName: a.sites.find((s) => s.code === order.site)?.name ?? order.site,
      store: "warehouse",
      legalEntity: "ООО «Ромашка»",
      customer: {
        id: 301,
        firstName: c.firstName ?? "Анна",
        lastName: c.lastName ?? "Смирнова",
        patronymic: c.patronymic ?? "Игоревна",
        phones: [c.phone ?? "+79000000000"],
        email: c.email ?? "anna@example.ru",
        contragent: { type: "individual" },
      },
      manager: manager(),
      packages: packagesOf(input, items, withCod),
      delivery: {
        shipmentAddress: storeAddress(),
        deliveryAddress: address(input),
        withCod,
        cod: codSum,
        ...(codType ? { codPaymentType: { code: codType.code, name: codType.name } } : {}),
        cost,
        vatRate: "none",
        tariff: input.tariff ?? "courier-day",
        payerType,
        shipmentDate: input.shipmentDate ?? tomorrow(),
        deliveryDate: input.deliveryDate ?? tomorrow(),
        deliveryTime: input.deliveryTime ?? { from: "10:00", to: "14:00" },
        extraData: input.extraData ?? {},
      },
      currency: "RUB",
    };
    const payload = isObj(input.save) ? { ...base, ...input.save } : base;
    order.lastSave = payload;
    return { order, payload };
  }

  // ---- connect flows (§3) ----

  async function simpleConnect(input: Json) {
    const a = account(input.account as string | undefined);
    const configUrl = typeof input.configUrl === "string" ? input.configUrl : tuning.configUrl;
    if (!configUrl) throw new ControlError(409, "Не задан configUrl (опция, RETAILCRM_CONFIG_URL или в теле команды)");
    const secret = typeof input.secret === "string" ? input.secret : tuning.simpleConnectionSecret;
    let config: { status: number; body: string; json?: unknown; error?: string };
    try {
      const res = await fetch(configUrl, { signal: AbortSignal.timeout(tuning.callbackTimeoutMs) });
      config = { status: res.status, body: await res.text() };
      try {
        config.json = JSON.parse(config.body);
      } catch {
        // reported as is
      }
    } catch (e) {
      return { ok: false, config: { status: 0, body: "", error: e instanceof Error ? e.message : String(e) } };
    }
    const cfg = config.json;
    const problem =
      config.status !== 200
        ? `configUrl ответил ${config.status}`
        : !isObj(cfg) || cfg.success !== true
          ? "configUrl: нет success: true"
          : !Array.isArray(cfg.scopes) || cfg.scopes.some((s) => typeof s !== "string")
            ? "configUrl: нет списка scopes"
            : typeof cfg.registerUrl !== "string"
              ? "configUrl: нет registerUrl"
              : undefined;
    if (problem) return { ok: false, problem, config };
    const c = cfg as { scopes: string[]; registerUrl: string };
    const key: ApiKey = {
      key: randomKey(),
      scopes: [...c.scopes],
      sites: [],
      revoked: false,
      createdBy: "simple-connection",
    };
    a.keys.push(key);
    const token = typeof input.token === "string" ? input.token : simpleConnectionToken(secret, key.key);
    const register = { systemUrl: a.url, apiKey: key.key, token };
    const reg: { url: string; status: number; body: string; json?: unknown; error?: string } = {
      url: c.registerUrl,
      status: 0,
      body: "",
    };
    try {
      const res = await fetch(c.registerUrl, {
        method: "POST",
        headers: { "content-type": FORM_TYPE },
        body: new URLSearchParams({ register: JSON.stringify(register) }).toString(),
        redirect: "manual",
        signal: AbortSignal.timeout(tuning.callbackTimeoutMs),
      });
      reg.status = res.status;
      reg.body = await res.text();
      try {
        reg.json = JSON.parse(reg.body);
      } catch {
        // reported as is
      }
    } catch (e) {
      reg.error = e instanceof Error ? e.message : String(e);
    }
    const j = reg.json;
    const accountUrl = isObj(j) && j.success === true && typeof j.accountUrl === "string" ? j.accountUrl : undefined;
    const ok = reg.status === 201 && !!accountUrl;
    return {
      ok,
      ...(ok
        ? {}
        : {
            problem: `registerUrl ответил ${reg.status}${accountUrl ? "" : " без accountUrl"}; ожидалось 201 {success: true, accountUrl}`,
          }),
      apiKey: key.key,
      scopes: key.scopes,
      token,
      sentRegister: register,
      config,
      register: reg,
      accountUrl,
    };
  }

  async function openSettings(input: Json) {
    const a = account(input.account as string | undefined);
    const mod = pickModule(a, input.code);
    const accountUrl = mod.payload.accountUrl;
    if (typeof accountUrl !== "string") throw new ControlError(409, `Модуль ${mod.code} не задал accountUrl`);
    const method = input.method === "GET" ? "GET" : "POST";
    const res = await fetch(accountUrl, {
      method,
      headers: method === "POST" ? { "content-type": FORM_TYPE } : {},
      body: method === "POST" ? new URLSearchParams({ clientId: mod.clientId }).toString() : undefined,
      redirect: "manual",
      signal: AbortSignal.timeout(tuning.callbackTimeoutMs),
    });
    return {
      url: accountUrl,
      method,
      status: res.status,
      location: res.headers.get("location") ?? undefined,
      body: await res.text(),
    };
  }

  // ---- control ----

  const summary = (a: CrmAccount) => ({
    slug: a.slug,
    name: a.name,
    url: a.url,
    sites: a.sites,
    keys: a.keys,
    modules: [...a.modules.values()].map((m) => ({
      code: m.code,
      active: m.active,
      freeze: m.freeze,
      edits: m.edits,
      baseUrl: m.baseUrl,
    })),
    failTracking: a.failTracking,
    forceRateLimit: a.forceRateLimit,
  });

  const controls: Record<string, (input: Json) => unknown> = {
    "GET info": () => ({ url, tuning, accounts: [...accounts.values()].map(summary) }),
    "POST configure": (input) => ({
      tuning: (tuning = resolveTuning(input as Partial<RetailCrmStandInTuning>, tuning)),
    }),
    "POST accounts": (input) => summary(createAccount(input as CreateAccountInput)),
    "GET account": (input) => summary(account(input.account as string | undefined)),
    "POST keys": (input) => {
      const a = account(input.account as string | undefined);
      const scopes = input.scopes ?? [];
      if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string"))
        throw new ControlError(400, "scopes: нужен список строк");
      const key: ApiKey = {
        key: typeof input.key === "string" ? input.key : randomKey(),
        scopes: scopes as string[],
        sites: Array.isArray(input.sites) ? (input.sites as string[]) : [],
        revoked: false,
        createdBy: "control",
      };
      if (a.keys.some((k) => k.key === key.key)) throw new ControlError(409, "Такой ключ уже есть");
      a.keys.push(key);
      return key;
    },
    "POST keys/revoke": (input) => {
      const a = account(input.account as string | undefined);
      const key = a.keys.find((k) => k.key === input.key);
      if (!key) throw new ControlError(404, "Ключа нет");
      key.revoked = input.revoked !== false;
      return key;
    },
    "GET modules": (input) => [...account(input.account as string | undefined).modules.values()],
    "GET module": (input) => pickModule(account(input.account as string | undefined), input.code),
    "POST modules/activity": (input) => {
      const a = account(input.account as string | undefined);
      return activity(a, pickModule(a, input.code), input);
    },
    "POST simple-connect": simpleConnect,
    "GET connect-url": (input) => {
      const a = account(input.account as string | undefined);
      const connectUrl = typeof input.connectUrl === "string" ? input.connectUrl : tuning.connectUrl;
      if (!connectUrl) throw new ControlError(409, "Не задан connectUrl (опция, RETAILCRM_CONNECT_URL или параметр)");
      const target = new URL(connectUrl);
      target.searchParams.set("account", a.url);
      return { url: target.href, account: a.url, apiKey: a.keys.find((k) => !k.revoked)?.key };
    },
    "POST open-settings": openSettings,
    "GET callbacks": (input) =>
      callbacks.filter(
        (c) => (!input.account || c.account === input.account) && (!input.action || c.action === input.action),
      ),
    "GET tracking": (input) =>
      tracking.filter(
        (t) => (!input.account || t.account === input.account) && (!input.subcode || t.subcode === input.subcode),
      ),
    "GET api-calls": (input) => apiCalls.filter((c) => !input.account || c.account === input.account),
    "GET orders": (input) => account(input.account as string | undefined).orders.map(orderView),
    "GET order": (input) => {
      const o = findOrder(account(input.account as string | undefined), input.order as string);
      if (!o) throw new ControlError(404, "Заказа нет");
      return { ...orderView(o), lastSave: o.lastSave };
    },
    "POST failures/tracking": (input) => {
      const a = account(input.account as string | undefined);
      const status = input.status === undefined ? 500 : Number(input.status);
      if (!(status >= 500 && status <= 599)) throw new ControlError(400, "status: нужен код 5xx");
      a.failTracking = { count: Number(input.count ?? 1), status };
      return a.failTracking;
    },
    "POST failures/rate-limit": (input) => {
      const a = account(input.account as string | undefined);
      a.forceRateLimit = Number(input.count ?? 1);
      return { forceRateLimit: a.forceRateLimit, status: tuning.rateLimitStatus };
    },
    "POST logs/reset": () => {
      callbacks.length = 0;
      tracking.length = 0;
      apiCalls.length = 0;
      return {};
    },
  };
  for (const action of Object.keys(callbackActions))
    controls[`POST callbacks/${action}`] = (input) => {
      const a = account(input.account as string | undefined);
      return callbackActions[action]!(a, pickModule(a, input.code), input);
    };

  async function control(path: string, input: Json = {}, method?: string) {
    const name = method ? `${method} ${path}` : (Object.keys(controls).find((k) => k.split(" ")[1] === path) ?? "");
    const run = controls[name];
    if (!run) throw new ControlError(404, `Нет такой управляющей команды: ${method ?? ""} /_control/${path}`);
    return run(input);
  }

  async function handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    raw: Buffer,
  ) {
    const json = (status: number, body: unknown) => send(res, status, JSON_TYPE, JSON.stringify(body));
    const answer = await answerControl(raw, Object.fromEntries(query), (input) =>
      control(path.slice("/_control/".length), input as Json, req.method),
    );
    json(answer.status, answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = new URL(req.url ?? "/", "http://stand-in");
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === "too-large")
      return send(res, 413, JSON_TYPE, JSON.stringify({ success: false, errorMsg: "Слишком большой запрос" }));
    if (target.pathname.startsWith("/_control/"))
      return handleControl(req, res, target.pathname, target.searchParams, raw);
    const prefixed = /^\/a\/([^/]+)(\/.*)?$/.exec(target.pathname);
    const a = prefixed ? accounts.get(decodeURIComponent(prefixed[1]!)) : account();
    const path = prefixed ? (prefixed[2] ?? "/") : target.pathname;
    if (!a) return send(res, 404, JSON_TYPE, JSON.stringify({ success: false, errorMsg: "Account does not exist." }));
    if (path.startsWith("/api/")) return handleApi(req, res, a, path, target.searchParams, raw);
    if (req.method === "GET" && /^\/admin\/integration\/list\/?$/.test(path))
      return send(res, 200, "text/html; charset=utf-8", integrationListPage(a));
    send(res, 404, JSON_TYPE, JSON.stringify({ success: false, errorMsg: "Not found" }));
  }

  const server = createStandInServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error("RetailCRM stand-in:", e);
      if (!res.headersSent)
        send(res, 500, JSON_TYPE, JSON.stringify({ success: false, errorMsg: "Внутренняя ошибка сервера" }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const demo = createAccount({
    slug: "demo",
    name: "Демо-магазин",
    apiKey: options.demoApiKey ?? DEFAULT_DEMO_API_KEY,
  });

  return {
    url,
    demo,
    get tuning() {
      return tuning;
    },
    accounts,
    callbacks,
    tracking,
    apiCalls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    createAccount,
    account,
    control: (path, input) => control(path, input),
  };
}

function esc(s: string) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
