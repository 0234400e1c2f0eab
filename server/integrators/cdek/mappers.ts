import type { OutgoingOrder } from "../types";
import type { CdekSettings } from "./settings";

/** Pure CDEK v2 request/response shapes (cdek-v2.md): token, orders, statuses, errors. */

export const CDEK_PRODUCTION_BASE = "https://api.cdek.ru";
export const CDEK_TEST_BASE = "https://api.edu.cdek.ru";

export function cdekBaseUrl(settings: { testMode: boolean; apiUrl?: string }): string {
  return (settings.apiUrl || (settings.testMode ? CDEK_TEST_BASE : CDEK_PRODUCTION_BASE)).replace(/\/+$/, "");
}

/** The token request as a form body: keeps the secret out of URLs and access logs (CDEK accepts both forms). */
export function buildTokenRequest(account: string, securePassword: string) {
  return new URLSearchParams({
    grant_type: "client_credentials",
    client_id: account,
    client_secret: securePassword,
  }).toString();
}

export type TokenAnswer =
  | { ok: true; accessToken: string; expiresIn: number | undefined }
  | { ok: false; error: string; description?: string }
  | { ok: "unexpected"; detail: string };

export function parseTokenResponse(status: number, body: string): TokenAnswer {
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (status === 200 && typeof json?.access_token === "string") {
    return {
      ok: true,
      accessToken: json.access_token,
      expiresIn: typeof json.expires_in === "number" ? json.expires_in : undefined,
    };
  }
  if (json && (typeof json.error === "string" || typeof json.error_description === "string")) {
    return {
      ok: false,
      error: String(json.error ?? "error"),
      description: typeof json.error_description === "string" ? json.error_description : undefined,
    };
  }
  // Validation-style error list: {errors:[{code,message}]}.
  const first = Array.isArray(json?.errors)
    ? (json.errors[0] as { code?: string; message?: string } | undefined)
    : undefined;
  if (first) return { ok: false, error: first.code ?? "error", description: first.message };
  return { ok: "unexpected", detail: `HTTP ${status}` };
}

export interface CdekError {
  code: string;
  message: string;
}

/**
 * Errors from any CDEK answer: a 400 comes as `{requests:[{state:"INVALID", errors}]}` or as `{errors}` (cdek-v2.md
 * §2.3), an order read carries them on its CREATE request.
 */
export function cdekErrors(json: unknown): CdekError[] {
  const out: CdekError[] = [];
  const take = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list as { code?: unknown; message?: unknown }[]) {
      out.push({ code: String(e?.code ?? "error"), message: String(e?.message ?? "") });
    }
  };
  const root = json as { errors?: unknown; requests?: { errors?: unknown }[] } | null;
  take(root?.errors);
  if (Array.isArray(root?.requests)) for (const r of root.requests) take(r?.errors);
  return out;
}

/** ISO 4217 currency of the countries CDEK delivers to: the COD currency must be the destination's (§4). */
export const COUNTRY_CURRENCY: Readonly<Record<string, string>> = {
  RU: "RUB",
  KZ: "KZT",
  BY: "BYN",
  AM: "AMD",
  KG: "KGS",
  UZ: "UZS",
  AZ: "AZN",
  GE: "GEL",
  TJ: "TJS",
  MN: "MNT",
  CN: "CNY",
  TR: "TRY",
  AE: "AED",
  US: "USD",
  DE: "EUR",
};

const TRANSLIT: Record<string, string> = Object.fromEntries(
  [..."абвгдеёжзийклмнопрстуфхцчшщъыьэюя№"].map((c, i) => [
    c,
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch  y  e yu ya N".split(" ")[i] ?? "",
  ]),
);

/**
 * Our order number as CDEK takes it: ASCII only, at most 40 characters (§2.1). Deterministic, so a lookup by
 * `im_number` finds what an earlier attempt sent.
 */
export function cdekNumber(number: string): string {
  let out = "";
  for (const ch of number) {
    const lower = ch.toLowerCase();
    if (/^[\x21-\x7e]$/.test(ch)) out += ch;
    else if (lower in TRANSLIT) out += ch === lower ? TRANSLIT[lower] : TRANSLIT[lower]!.toUpperCase();
    else out += "-";
  }
  if (out.length <= 40) return out;
  let h = 0x811c9dc5; // FNV-1a of the whole number keeps two long numbers with one prefix apart
  for (const ch of number) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return `${out.slice(0, 31)}-${h.toString(16).padStart(8, "0")}`;
}

/** A phone as CDEK wants it (international, `+` and digits); Russian 8/7/10-digit forms are completed. */
export function intlPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const first = phone.split(/[,;]/)[0]!;
  const digits = first.replace(/\D/g, "");
  if (first.trim().startsWith("+") && digits.length >= 10 && digits.length <= 15) return `+${digits}`;
  if (digits.length === 11 && (digits[0] === "8" || digits[0] === "7")) return `+7${digits.slice(1)}`;
  if (digits.length === 10 && digits[0] === "9") return `+7${digits}`;
  if (digits.length >= 11 && digits.length <= 15) return `+${digits}`;
  return null;
}

/** What CDEK told about the destination, read before sending (cities and delivery points, cached by the client). */
export interface CdekDestination {
  countryCode: string | null;
  /** COD ceiling of the destination city (`payment_limit`); null when CDEK gave none. */
  paymentLimit: number | null;
  postamat: boolean;
}

interface PackageOut {
  number: string;
  weight: number;
  length?: number;
  width?: number;
  height?: number;
  comment?: string;
  items?: ItemOut[];
}
interface ItemOut {
  name: string;
  ware_key: string;
  payment: { value: number; vat_rate?: number | null };
  cost: number;
  weight: number;
  amount: number;
}

export type CdekOrderPlan =
  { ok: true; request: Record<string, unknown>; summary: string; packages: number } | { ok: false; problem: string };

const grams = (kg: number | null | undefined) => Math.max(1, Math.round((kg ?? 0) * 1000));
const money = (v: number) => Math.round(v * 100) / 100;

function parseDimensions(text: string | undefined): [number, number, number] | null {
  const m = text?.match(/(\d+)\D+(\d+)\D+(\d+)/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/**
 * Our order as a CDEK `POST /v2/orders` body, or the rule it breaks — checked here, before sending, so nothing
 * fails silently at CDEK later (§3, §4 and the seed's «СДЭК» rules). CDEK takes no count of places: an order goes as
 * its packages (one per place row × quantity), or as one package when it has none.
 */
export function planCdekOrder(
  order: OutgoingOrder,
  settings: CdekSettings,
  dest: CdekDestination,
  originCity?: string,
): CdekOrderPlan {
  const type = Number(settings.contractType);
  const cod = order.payType !== "NO" ? money(order.codAmount) : 0;
  const recipientPhone = intlPhone(order.receiver.phone);
  if (!recipientPhone)
    return { ok: false, problem: "Телефон получателя не в международном формате (+7…): СДЭК его не примет" };
  const recipientName = order.receiver.person || order.receiver.company;
  if (!recipientName) return { ok: false, problem: "Не указан получатель (контактное лицо или компания)" };
  if (!order.receiver.pvz && !order.receiver.address)
    return { ok: false, problem: "Нет ни пункта выдачи, ни адреса получателя" };

  if (cod > 0) {
    if (type === 2)
      return { ok: false, problem: "Договор со СДЭК «доставка» (тип 2) не принимает наложенный платёж: нужен тип 1" };
    const countryCurrency = dest.countryCode ? COUNTRY_CURRENCY[dest.countryCode] : undefined;
    if (countryCurrency && order.clientCurrency.toUpperCase() !== countryCurrency) {
      return {
        ok: false,
        problem:
          `Валюта клиента ${order.clientCurrency} не совпадает с валютой страны назначения ${dest.countryCode} ` +
          `(${countryCurrency}): заведите копию клиента с нужной валютой`,
      };
    }
    if (dest.paymentLimit !== null && cod > dest.paymentLimit) {
      return {
        ok: false,
        problem: `Наложенный платёж ${cod} больше предела СДЭК для города назначения (${dest.paymentLimit})`,
      };
    }
  }

  const fallback = parseDimensions(settings.defaultDimensions);
  const rows = order.packages.flatMap((p) => Array.from({ length: Math.max(1, p.quantity) }, () => p));
  const packages: PackageOut[] = [];
  const missingSize: number[] = [];
  const perPlace = (p: (typeof rows)[number] | undefined, i: number): PackageOut => {
    const weight = p?.mass ? grams(p.mass) : grams(order.weight / Math.max(1, rows.length || 1));
    const dims: [number, number, number] | null =
      p?.length && p.width && p.height ? [p.length, p.width, p.height] : fallback;
    if (!dims && weight >= 100) missingSize.push(i + 1);
    const [length, width, height] = dims ?? [undefined, undefined, undefined];
    return { number: String(i + 1), weight, length, width, height, comment: p?.message ?? undefined };
  };
  if (rows.length === 0) packages.push(perPlace(undefined, 0));
  else rows.forEach((p, i) => packages.push(perPlace(p, i)));

  if (packages.length > 255) return { ok: false, problem: `СДЭК принимает до 255 мест, в заказе ${packages.length}` };
  if (dest.postamat) {
    if (packages.length > 1)
      return { ok: false, problem: `В постамат СДЭК принимает одно место, в заказе ${packages.length}` };
    if (packages[0]!.weight > 15_000) return { ok: false, problem: "Место в постамат СДЭК — не тяжелее 15 кг" };
    if (!packages[0]!.length) missingSize.push(1);
  }
  if (missingSize.length) {
    return {
      ok: false,
      problem: `СДЭК требует габариты (длина, ширина, высота) мест ${[...new Set(missingSize)].join(", ")}: укажите их в заказе или габариты по умолчанию в настройках интеграции`,
    };
  }

  if (type === 1) {
    const items = itemsFor(order, cod);
    if (typeof items === "string") return { ok: false, problem: items };
    packages[0]!.items = items;
  }

  const request: Record<string, unknown> = {
    type,
    number: cdekNumber(order.number),
    tariff_code: settings.tariffCode,
    comment: order.instruction?.slice(0, 255) || undefined,
    recipient: {
      name: recipientName,
      company: order.receiver.company ?? undefined,
      phones: [{ number: recipientPhone }],
    },
    packages,
  };
  if (settings.shipmentPoint) request.shipment_point = settings.shipmentPoint;
  else request.from_location = { city: originCity ?? settings.senderCity, address: settings.senderAddress };
  if (order.receiver.pvz) request.delivery_point = order.receiver.pvz;
  else
    request.to_location = {
      city: order.receiver.town ?? undefined,
      postal_code: order.receiver.zip ?? undefined,
      address: order.receiver.address,
    };
  const senderPhone = intlPhone(settings.senderPhone);
  if (settings.senderCompany || settings.senderName || senderPhone) {
    request.sender = {
      company: settings.senderCompany,
      name: settings.senderName ?? settings.senderCompany,
      phones: senderPhone ? [{ number: senderPhone }] : undefined,
    };
  }
  if (type === 1 && cod > 0 && order.deliveryPrice > 0)
    request.delivery_recipient_cost = { value: money(order.deliveryPrice) };

  const places = order.packages.reduce((n, p) => n + Math.max(1, p.quantity), 0);
  const summary =
    rows.length === 0
      ? `одним местом СДЭК, ${packages[0]!.weight} г${order.quantity > 1 ? ` (мест в заказе: ${order.quantity}; СДЭК не принимает их число)` : ""}`
      : `${packages.length} ${plural(packages.length, "местом", "местами", "местами")} СДЭК по строкам мест заказа (${places})`;
  return { ok: true, request, summary, packages: packages.length };
}

function plural(n: number, one: string, few: string, many: string) {
  const d = n % 10;
  const dd = n % 100;
  if (d === 1 && dd !== 11) return one;
  if (d >= 2 && d <= 4 && (dd < 12 || dd > 14)) return few;
  return many;
}

/** VAT rates CDEK takes since 2026-01-01 (§2.1); an older rate (20 %) is left out rather than refused by CDEK. */
const CDEK_VAT_RATES = new Set([0, 5, 7, 10, 16, 22]);
const vatRate = (rate: number | null) => (rate !== null && CDEK_VAT_RATES.has(rate) ? rate : undefined);

/**
 * Items for an «интернет-магазин» order: COD per unit. The units' prices must add up to the COD less the delivery fee
 * the recipient pays; without items (or when they do not add up) one line carries the whole sum.
 */
function itemsFor(order: OutgoingOrder, cod: number): ItemOut[] | string {
  const goodsCod = cod > 0 ? money(cod - (order.deliveryPrice > 0 ? order.deliveryPrice : 0)) : 0;
  if (goodsCod < 0) return "Стоимость доставки больше наложенного платежа";
  const items = order.items.filter((i) => i.quantity > 0);
  if (items.length > 126) return `СДЭК принимает до 126 разных товаров, в заказе ${items.length}`;
  if (items.some((i) => !Number.isInteger(i.quantity) || i.quantity > 999))
    return "Количество товара для СДЭК — целое число от 1 до 999";
  const units = items.reduce((n, i) => n + i.quantity, 0);
  if (units > 999_999) return "СДЭК принимает не больше 999 999 единиц товара";
  const sum = money(items.reduce((s, i) => s + i.retailPrice * i.quantity, 0));
  const paid = (price: number) => (cod > 0 ? money(price) : 0);
  if (items.length && (cod === 0 || sum === goodsCod)) {
    return items.map((i, k) => ({
      name: i.name.slice(0, 255),
      ware_key: (i.article || i.barcode || String(k + 1)).slice(0, 50),
      payment: { value: paid(i.retailPrice), vat_rate: vatRate(i.vatRate) },
      cost: money(i.retailPrice),
      weight: grams(i.mass ?? order.weight / Math.max(1, units)),
      amount: i.quantity,
    }));
  }
  return [
    {
      name: (order.enclosure || "Товары заказа").slice(0, 255),
      ware_key: "1",
      payment: { value: goodsCod },
      cost: money(order.declaredValue || goodsCod),
      weight: grams(order.weight),
      amount: 1,
    },
  ];
}

/** An order as CDEK's `GET /v2/orders…` tells it (§5.1). */
export interface CdekOrderInfo {
  uuid: string | null;
  cdekNumber: string | null;
  number: string | null;
  /** The CREATE request's state: ACCEPTED, WAITING, SUCCESSFUL or INVALID. */
  createState: string | null;
  errors: CdekError[];
  statuses: { code: string; name: string; dateTime: Date | null; city: string | null; reason: string | null }[];
  barcodes: string[];
  paymentSum: number | null;
}

/** CDEK writes `2025-03-01T09:00:00+0300`; JavaScript wants the colon in the offset. */
export function cdekDate(v: unknown): Date | null {
  if (typeof v !== "string" || !v) return null;
  const d = new Date(v.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(d.getTime()) ? null : d;
}

const str = (v: unknown) => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : null);

export function parseOrderInfo(json: unknown): CdekOrderInfo | null {
  const root = json as { entity?: Record<string, unknown>; requests?: Record<string, unknown>[] } | null;
  const e = root?.entity;
  if (!e || typeof e !== "object") return null;
  const create = root?.requests?.find((r) => r?.type === "CREATE") ?? root?.requests?.[0];
  const statuses = (Array.isArray(e.statuses) ? (e.statuses as Record<string, unknown>[]) : []).map((s) => ({
    code: String(s.code ?? "").trim(),
    name: String(s.name ?? ""),
    dateTime: cdekDate(s.date_time),
    city: str(s.city),
    reason: str(s.reason_code ?? s.status_reason_code),
  }));
  const packages = Array.isArray(e.packages) ? (e.packages as Record<string, unknown>[]) : [];
  const detail = e.delivery_detail as { payment_sum?: unknown } | undefined;
  return {
    uuid: str(e.uuid),
    cdekNumber: str(e.cdek_number),
    number: str(e.number),
    createState: str(create?.state),
    errors: cdekErrors({ requests: create ? [create] : [] }),
    statuses,
    barcodes: packages.map((p) => str(p.barcode)).filter((b): b is string => !!b),
    paymentSum: typeof detail?.payment_sum === "number" ? detail.payment_sum : null,
  };
}

/** CDEK's errors in one line for the card, with its codes (its messages are Russian already). */
export function cdekErrorLine(errors: CdekError[]): string {
  return errors.map((e) => (e.message ? `${e.message} (${e.code})` : e.code)).join("; ") || "без пояснения";
}

/** Codes by which CDEK says the shop number is already taken by an active order (§9). */
export const DUPLICATE_NUMBER_CODES = new Set([
  "error_validate_im_dep_number_has_already_had_integration",
  "error_validate_online_shop_number_departure_is_not_unique",
]);
