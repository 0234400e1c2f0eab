import { PartnerError } from "../errors";
import { basicAuth, guardProbe, httpRequest, partnerText, UnreachableError } from "../http";
import { statusTitle } from "../../services/orders/statuses";
import type { ExchangeOptions, ProbeOptions, ProbeResult, StatusBackItem, WebhookEvent } from "../types";
import { mapInsalesOrder, type InsalesOrderJson } from "./mappers";
import type { InsalesSettings } from "./settings";

/** What every call to a shop needs: its host and the app's per-shop password (login = the app identifier). */
export interface ShopCredentials {
  shop: string;
  password: string;
  /** The shop's admin base when it is not `https://<shop>` (the stand-in: `<url>/shops/<host>`). */
  apiBase?: string;
}

/** The standard order statuses of every shop (`fulfillment_status`), with their back-office titles. */
export const SYSTEM_STATUSES: { value: string; title: string }[] = [
  { value: "new", title: "Новый" },
  { value: "accepted", title: "В обработке" },
  { value: "approved", title: "Согласован" },
  { value: "dispatched", title: "Отгружен" },
  { value: "delivered", title: "Доставлен" },
  { value: "declined", title: "Отклонён" },
  { value: "returned", title: "Возврат" },
];

export function insalesAppId(): string {
  return process.env.INSALES_APP_ID ?? "";
}

/**
 * A shop's admin is `https://<shop host>`; INSALES_SHOP_API_BASE (a template with `{shop}`) points every shop elsewhere,
 * e.g. `http://127.0.0.1:8087/shops/{shop}` for the local stand-in (demo, tests).
 */
export function shopBaseUrl(shop: string): string {
  const template = process.env.INSALES_SHOP_API_BASE;
  if (template?.includes("{shop}")) return template.replace("{shop}", shop).replace(/\/+$/, "");
  return `https://${shop}`;
}

/** Waits after a 503 (the shop's 500 requests / 5 min) when InSales names no Retry-After: a short ladder. */
const RATE_LIMIT_WAITS_MS = [1000, 2000, 4000, 8000];
/** A named wait longer than this is not sat out inside a request: the call fails as transient, the job retries later. */
const MAX_INLINE_WAIT_MS = 8000;

function insalesGet(creds: ShopCredentials, path: string, timeoutMs: number) {
  return insalesCall(creds, "GET", path, timeoutMs);
}

async function insalesCall(creds: ShopCredentials, method: string, path: string, timeoutMs: number, body?: unknown) {
  const base = creds.apiBase ? creds.apiBase.replace(/\/+$/, "") : shopBaseUrl(creds.shop);
  const headers: Record<string, string> = {
    accept: "application/json",
    authorization: basicAuth(insalesAppId(), creds.password),
  };
  if (body !== undefined) headers["content-type"] = "application/json";
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await httpRequest(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs,
      });
    } catch (e) {
      // Classified once here: a refused address is the settings' fault, anything else on the way is worth a retry.
      if (e instanceof UnreachableError) throw new PartnerError(e.refused ? "auth" : "transient", e.message);
      throw e;
    }
    if (res.status !== 503) return res;
    const named = Number(res.retryAfter) * 1000;
    const wait = Number.isFinite(named) && named > 0 ? named : RATE_LIMIT_WAITS_MS[attempt];
    if (wait === undefined || wait > MAX_INLINE_WAIT_MS || attempt >= RATE_LIMIT_WAITS_MS.length) {
      if (wait !== undefined && wait > MAX_INLINE_WAIT_MS)
        console.warn(
          `InSales ${creds.shop}: лимит запросов, следующий запрос через ${Math.ceil(wait / 1000)} с — повторим позже`,
        );
      return res;
    }
    console.warn(`InSales ${creds.shop}: лимит запросов, ждём ${wait} мс перед повтором (Retry-After)`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** InSales' answer as a Russian reason: 401/403 are the app's rights, 503 its rate limit (500 requests / 5 min). */
function failure(status: number, text: string): PartnerError {
  if (status === 401) return new PartnerError("auth", "InSales не принял пароль приложения: переустановите приложение");
  if (status === 403) return new PartnerError("auth", "У приложения нет прав на это действие в InSales");
  if (status === 503) return new PartnerError("transient", "InSales ограничил частоту запросов, повторим позже");
  if (status >= 500) return new PartnerError("transient", `InSales ответил ошибкой HTTP ${status}`);
  return new PartnerError("rejected", `InSales ответил HTTP ${status}: ${partnerText(text, 200)}`);
}

/** The account of the shop: a harmless read that proves the app is installed and its password is right. */
export function probeInsales(settings: InsalesSettings, options: ProbeOptions): Promise<ProbeResult> {
  return guardProbe(async () => {
    const res = await insalesGet(settings, "/admin/account.json", options.timeoutMs);
    if (res.status === 200) return { status: "ok", message: `Подключение установлено: магазин ${settings.shop}` };
    const e = failure(res.status, res.text);
    return { status: e.kind === "transient" ? "unreachable" : "error", message: e.message };
  });
}

/** The shop's statuses to choose from: the standard ones, then its own (custom_statuses, by permalink). */
export async function readShopStatuses(
  creds: ShopCredentials,
  timeoutMs: number,
): Promise<{ value: string; title: string }[]> {
  const res = await insalesGet(creds, "/admin/custom_statuses.json", timeoutMs);
  if (res.status !== 200) throw failure(res.status, res.text);
  let list: unknown;
  try {
    list = JSON.parse(res.text);
  } catch {
    throw new PartnerError("transient", "InSales прислал непонятный ответ на запрос статусов");
  }
  if (!Array.isArray(list)) throw new PartnerError("transient", "InSales прислал непонятный ответ на запрос статусов");
  const own = list
    .map((s) => s as { permalink?: unknown; title?: unknown })
    .filter((s) => typeof s.permalink === "string" && s.permalink !== "")
    .map((s) => ({ value: s.permalink as string, title: typeof s.title === "string" ? s.title : String(s.permalink) }));
  const taken = new Set(SYSTEM_STATUSES.map((s) => s.value));
  return [...SYSTEM_STATUSES, ...own.filter((s) => !taken.has(s.value))];
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PartnerError("transient", `InSales прислал непонятный ответ на запрос ${what}`);
  }
}

/** Page size of the incremental read: the stand-in's and InSales' maximum is 250; 100 keeps answers small. */
const PAGE_SIZE = 100;

/** The cursor of §6.2 kept between runs: the last order's `updated_at` (verbatim) and id. */
interface OrdersCursor {
  since: string;
  id: number;
}

function readCursor(cursor: string | null): OrdersCursor | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(cursor) as Partial<OrdersCursor>;
    return typeof c.since === "string" && typeof c.id === "number" ? { since: c.since, id: c.id } : null;
  } catch {
    return null;
  }
}

/**
 * One page of orders changed after the cursor (§6.2: `updated_since` + `from_id`, sorted by updated_at then id): the
 * first page with a moving filter, never `page=2`. The next cursor is the last order's; an empty page keeps it.
 */
export async function fetchInsalesOrders(settings: InsalesSettings, cursor: string | null, options: ExchangeOptions) {
  const c = readCursor(cursor);
  const query = new URLSearchParams({ per_page: String(PAGE_SIZE) });
  if (c) {
    query.set("updated_since", c.since);
    query.set("from_id", String(c.id));
  }
  const path = `/admin/orders.json?${query.toString()}`;
  const res = await insalesGet(settings, path, options.timeoutMs);
  if (res.status !== 200) throw failure(res.status, res.text);
  const list = parseJson(res.text, "заказов");
  if (!Array.isArray(list)) throw new PartnerError("transient", "InSales прислал непонятный ответ на запрос заказов");
  const raw = list.filter((o): o is InsalesOrderJson => typeof (o as InsalesOrderJson | null)?.id === "number");
  const last = raw.at(-1);
  const next = last?.updated_at ? JSON.stringify({ since: last.updated_at, id: last.id }) : cursor;
  return {
    value: { orders: raw.map((o) => mapInsalesOrder(o, settings)), cursor: next },
    request: `GET ${path}`,
    response: `HTTP ${res.status}: заказов ${raw.length}`,
  };
}

/** One order read again by its InSales id (after a webhook); null when the shop no longer has it. */
export async function fetchInsalesOrder(settings: InsalesSettings, id: string, options: ExchangeOptions) {
  const path = `/admin/orders/${encodeURIComponent(id)}.json`;
  const res = await insalesGet(settings, path, options.timeoutMs);
  if (res.status === 404) return { value: null, request: `GET ${path}`, response: "HTTP 404" };
  if (res.status !== 200) throw failure(res.status, res.text);
  const o = parseJson(res.text, "заказа") as InsalesOrderJson | null;
  if (typeof o?.id !== "number")
    throw new PartnerError("transient", "InSales прислал непонятный ответ на запрос заказа");
  return { value: mapInsalesOrder(o, settings), request: `GET ${path}`, response: `HTTP ${res.status}` };
}

/** The order topics we listen to: a new order and any change of one (its status included). */
const HOOK_TOPICS = ["orders/create", "orders/update"] as const;

/**
 * Registers our hook address for the order topics (§7), once: a webhook already there with our address and topic is
 * kept, so re-running it (the hourly re-check) creates nothing. The address carries the integration's secret key.
 */
export async function subscribeInsales(settings: InsalesSettings, options: ExchangeOptions) {
  const address = options.hookUrl;
  if (!address) throw new PartnerError("rejected", "Не задан публичный адрес Курьер-Хаба (PUBLIC_URL) для уведомлений");
  const res = await insalesGet(settings, "/admin/webhooks.json", options.timeoutMs);
  if (res.status !== 200) throw failure(res.status, res.text);
  const list = parseJson(res.text, "уведомлений");
  const existing = (Array.isArray(list) ? list : []) as { id?: number; address?: string; topic?: string }[];
  const ids: number[] = [];
  for (const topic of HOOK_TOPICS) {
    const found = existing.find((w) => w.address === address && w.topic === topic && typeof w.id === "number");
    if (found) {
      ids.push(found.id!);
      continue;
    }
    const made = await insalesCall(settings, "POST", "/admin/webhooks.json", options.timeoutMs, {
      webhook: { address, topic, format_type: "json" },
    });
    if (made.status !== 200 && made.status !== 201) throw failure(made.status, made.text);
    const w = parseJson(made.text, "подписки") as { id?: unknown } | null;
    if (typeof w?.id === "number") ids.push(w.id);
  }
  return {
    state: { webhookIds: ids },
    message: `Уведомления о заказах магазина подключены (${HOOK_TOPICS.join(", ")})`,
  };
}

export async function unsubscribeInsales(
  settings: InsalesSettings,
  state: Record<string, unknown>,
  options: ExchangeOptions,
) {
  const ids = Array.isArray(state.webhookIds) ? state.webhookIds.filter((v) => typeof v === "number") : [];
  for (const id of ids) {
    const res = await insalesCall(settings, "DELETE", `/admin/webhooks/${id}.json`, options.timeoutMs);
    if (res.status !== 200 && res.status !== 204 && res.status !== 404) throw failure(res.status, res.text);
  }
}

/**
 * A webhook delivery: the shop's order as JSON. Its id and `updated_at` name the delivery, so a redelivery of the same
 * version is stored once; the order itself is read again through the API before anything is done with it.
 */
export function parseInsalesHook(body: string): { id: string; events: WebhookEvent[] } | null {
  let o: { id?: unknown; updated_at?: unknown } | null;
  try {
    o = JSON.parse(body) as typeof o;
  } catch {
    return null;
  }
  if (typeof o?.id !== "number") return null;
  const version = typeof o.updated_at === "string" ? o.updated_at : "";
  return { id: `order:${o.id}:${version}`, events: [{ kind: "inbound", partnerOrderId: String(o.id) }] };
}

/** The order field the track goes into (§8: InSales has no tracking field of its own), made once per shop. */
const TRACK_FIELD = { handle: "courier_track", officeTitle: "Трек-номер курьера" };

/** The shop's system status (§6.3 `fulfillment_status`) a custom status made for our status stands on. */
function systemStatusFor(ours: string): string {
  if (["COMPLETE", "PARTIALLY", "COURIERDELIVERED", "COURIERPARTIALLY"].includes(ours)) return "delivered";
  if (["CANCELED", "LOST"].includes(ours)) return "declined";
  if (/RETURN|COURIERCANCELED/.test(ours)) return "returned";
  if (["AWAITING_SYNC", "NEW", "NEWPICKUP"].includes(ours)) return "approved";
  return "dispatched";
}

const isSystemStatus = (value: string) => SYSTEM_STATUSES.some((s) => s.value === value);

/**
 * The shop's permalink for a mapped value: one the shop has (by permalink or title), else a custom status made now
 * (§6.4). What was found or made is remembered in `patch.shopStatuses`, so the shop is asked once per value.
 */
async function customStatusFor(
  creds: ShopCredentials,
  known: Record<string, string>,
  wanted: string,
  ours: string,
  timeoutMs: number,
  patch: Record<string, unknown>,
): Promise<string> {
  if (known[wanted]) return known[wanted];
  const remember = (permalink: string) => {
    patch.shopStatuses = { ...known, [wanted]: permalink };
    return permalink;
  };
  const res = await insalesGet(creds, "/admin/custom_statuses.json", timeoutMs);
  if (res.status !== 200) throw failure(res.status, res.text);
  const list = parseJson(res.text, "статусов");
  const all = (Array.isArray(list) ? list : []) as { permalink?: unknown; title?: unknown }[];
  const lower = wanted.toLowerCase();
  const found = all.find(
    (s) => s.permalink === wanted || (typeof s.title === "string" && s.title.trim().toLowerCase() === lower),
  );
  if (typeof found?.permalink === "string") return remember(found.permalink);
  // A typed permalink keeps its spelling and gets our status's title; a typed title makes InSales pick the permalink.
  const looksLikePermalink = /^[a-z0-9_-]+$/.test(wanted);
  const made = await insalesCall(creds, "POST", "/admin/custom_statuses.json", timeoutMs, {
    custom_status: {
      title: looksLikePermalink ? statusTitle(ours) : wanted,
      ...(looksLikePermalink ? { permalink: wanted } : {}),
      system_status: systemStatusFor(ours),
    },
  });
  if (made.status !== 200 && made.status !== 201) throw failure(made.status, made.text);
  const cs = parseJson(made.text, "статуса") as { permalink?: unknown } | null;
  if (typeof cs?.permalink !== "string" || cs.permalink === "")
    throw new PartnerError("transient", "InSales прислал непонятный ответ на создание статуса");
  return remember(cs.permalink);
}

/** The id of the shop's track field: remembered, else found by its handle, else made now (`patch.trackFieldId`). */
async function trackFieldId(
  creds: ShopCredentials,
  known: unknown,
  timeoutMs: number,
  patch: Record<string, unknown>,
): Promise<number> {
  if (typeof known === "number") return known;
  const res = await insalesGet(creds, "/admin/fields.json", timeoutMs);
  if (res.status !== 200) throw failure(res.status, res.text);
  const list = parseJson(res.text, "полей заказа");
  const all = (Array.isArray(list) ? list : []) as { id?: unknown; handle?: unknown }[];
  let id = all.find((f) => f.handle === TRACK_FIELD.handle && typeof f.id === "number")?.id as number | undefined;
  if (id === undefined) {
    const made = await insalesCall(creds, "POST", "/admin/fields.json", timeoutMs, {
      field: {
        type: "Field::TextField",
        office_title: TRACK_FIELD.officeTitle,
        handle: TRACK_FIELD.handle,
        destiny: 3,
      },
    });
    if (made.status !== 200 && made.status !== 201) throw failure(made.status, made.text);
    const f = parseJson(made.text, "поля заказа") as { id?: unknown } | null;
    if (typeof f?.id !== "number")
      throw new PartnerError("transient", "InSales прислал непонятный ответ на создание поля");
    id = f.id;
  }
  patch.trackFieldId = id;
  return id;
}

/**
 * Our status back to the shop's order (§8): the status the client mapped ours to (a system one as
 * `fulfillment_status`, any other as `custom_status_permalink`, made first if the shop lacks it) and the track in
 * the app's order field. An unmapped status sends nothing.
 */
export async function pushInsalesStatus(
  settings: InsalesSettings,
  state: Record<string, unknown>,
  item: StatusBackItem,
  options: ExchangeOptions,
) {
  const wanted = (settings.statusMap as Record<string, string | undefined>)[item.status]?.trim();
  if (!wanted) return { value: { pushed: false, shopUpdatedAt: null }, request: "", response: "статус не сопоставлен" };
  const patch: Record<string, unknown> = {};
  const known = (state.shopStatuses ?? {}) as Record<string, string>;
  const status = isSystemStatus(wanted)
    ? { fulfillment_status: wanted }
    : {
        custom_status_permalink: await customStatusFor(settings, known, wanted, item.status, options.timeoutMs, patch),
      };
  const fieldId = await trackFieldId(settings, state.trackFieldId, options.timeoutMs, patch);
  const path = `/admin/orders/${encodeURIComponent(item.partnerOrderId)}.json`;
  const body = { order: { ...status, fields_values_attributes: [{ field_id: fieldId, value: item.trackLink }] } };
  const res = await insalesCall(settings, "PUT", path, options.timeoutMs, body);
  // A failed write loses `patch`, harmlessly: the next try finds the status and the field at the shop again.
  if (res.status !== 200) throw failure(res.status, res.text);
  const o = parseJson(res.text, "заказа") as { updated_at?: unknown } | null;
  return {
    value: { pushed: true, shopUpdatedAt: typeof o?.updated_at === "string" ? o.updated_at : null },
    statePatch: Object.keys(patch).length ? patch : undefined,
    request: `PUT ${path} ${JSON.stringify(body)}`,
    response: `HTTP ${res.status}`,
  };
}
