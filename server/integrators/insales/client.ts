import { PartnerError } from "../errors";
import { basicAuth, guardProbe, httpRequest, partnerText } from "../http";
import type { ExchangeOptions, ProbeOptions, ProbeResult } from "../types";
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

/** Shops are https; a local stand-in (tests, demo) is reached over http when INSALES_SHOP_SCHEME=http. */
export function shopBaseUrl(shop: string): string {
  return `${process.env.INSALES_SHOP_SCHEME === "http" ? "http" : "https"}://${shop}`;
}

/** Waits after a 503 (the shop's 500 requests / 5 min): our HTTP answer carries no Retry-After, so a fixed ladder. */
const RATE_LIMIT_WAITS_MS = [1000, 2000, 4000, 8000];

async function insalesGet(creds: ShopCredentials, path: string, timeoutMs: number) {
  const base = creds.apiBase ? creds.apiBase.replace(/\/+$/, "") : shopBaseUrl(creds.shop);
  for (let attempt = 0; ; attempt++) {
    const res = await httpRequest(`${base}${path}`, {
      method: "GET",
      headers: { accept: "application/json", authorization: basicAuth(insalesAppId(), creds.password) },
      timeoutMs,
    });
    const wait = RATE_LIMIT_WAITS_MS[attempt];
    if (res.status !== 503 || wait === undefined) return res;
    console.warn(`InSales ${creds.shop}: лимит запросов, ждём ${wait} мс перед повтором`);
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
