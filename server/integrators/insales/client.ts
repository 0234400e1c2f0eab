import { PartnerError } from "../errors";
import { basicAuth, guardProbe, httpRequest, partnerText } from "../http";
import type { ProbeOptions, ProbeResult } from "../types";
import type { InsalesSettings } from "./settings";

/** What every call to a shop needs: its host and the app's per-shop password (login = the app identifier). */
export interface ShopCredentials {
  shop: string;
  password: string;
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

async function insalesGet(creds: ShopCredentials, path: string, timeoutMs: number) {
  const res = await httpRequest(`${shopBaseUrl(creds.shop)}${path}`, {
    method: "GET",
    headers: { accept: "application/json", authorization: basicAuth(insalesAppId(), creds.password) },
    timeoutMs,
  });
  return res;
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
