import { PartnerError } from "../errors";
import { guardProbe, httpRequest, partnerText, UnreachableError } from "../http";
import type { Exchange, FieldChoice, ProbeOptions, ProbeResult } from "../types";
import type { TrackingItem } from "./mappers";

/** What every call to the CRM needs: its address (`https://shop.retailcrm.ru`) and the API key. */
export interface CrmCredentials {
  crmUrl: string;
  apiKey: string;
}

/** The rights a delivery module needs (retailcrm.md §2: the scopes RetailCRM's own delivery module asks for). */
export const REQUIRED_SCOPES = ["delivery_read", "delivery_write", "integration_read", "integration_write"] as const;

/** Waits after a 503/429 when the CRM names none (Retry-After): short, the CRM is usually waited on by a person. */
const RATE_LIMIT_WAITS_MS = [1000, 2000, 4000];
const MAX_RETRY_AFTER_MS = 10_000;

/** `https://shop.retailcrm.ru/` → `https://shop.retailcrm.ru` (the note: keep scheme and host, no trailing slash). */
export function crmBase(crmUrl: string): string {
  return crmUrl.trim().replace(/\/+$/, "");
}

type Json = Record<string, unknown>;

interface CrmAnswer {
  status: number;
  json: Json;
  raw: string;
}

/**
 * One API v5 call: the key in `X-API-KEY`, POST bodies form-encoded with each complex argument a JSON string (§1).
 * The CRM's rate limit is waited out a few times (each wait logged); other failures are classified once here.
 */
async function crmCall(
  creds: CrmCredentials,
  method: "GET" | "POST",
  path: string,
  timeoutMs: number,
  body?: Record<string, unknown>,
): Promise<CrmAnswer> {
  const url = `${crmBase(creds.crmUrl)}${path}`;
  const headers: Record<string, string> = { accept: "application/json", "x-api-key": creds.apiKey };
  let form: string | undefined;
  if (body) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    form = new URLSearchParams(
      Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    ).toString();
  }
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await httpRequest(url, { method, headers, body: form, timeoutMs });
    } catch (e) {
      if (e instanceof UnreachableError) throw new PartnerError(e.refused ? "auth" : "transient", e.message);
      throw e;
    }
    const limited = res.status === 503 || res.status === 429;
    const wait = limited ? retryWait(res, attempt) : undefined;
    if (wait !== undefined) {
      console.warn(`RetailCRM ${crmBase(creds.crmUrl)}: лимит запросов (HTTP ${res.status}), ждём ${wait} мс`);
      await new Promise((r) => setTimeout(r, wait));
      continue;
    }
    let json: Json;
    try {
      json = JSON.parse(res.text) as Json;
    } catch {
      if (res.status >= 500 || limited) throw failure(res.status, {});
      throw new PartnerError("transient", `RetailCRM прислал непонятный ответ (HTTP ${res.status})`);
    }
    if (res.status >= 200 && res.status < 300 && json.success !== false)
      return { status: res.status, json, raw: res.text };
    throw failure(res.status, json);
  }
}

function retryWait(res: { retryAfter?: string }, attempt: number) {
  const ladder = RATE_LIMIT_WAITS_MS[attempt];
  if (ladder === undefined) return undefined;
  const named = Number(res.retryAfter);
  return Number.isFinite(named) && named > 0 ? Math.min(named * 1000, MAX_RETRY_AFTER_MS) : ladder;
}

/** The CRM's errorMsg with its field errors, as one Russian line (they are shown to the person who connects). */
function crmMessage(json: Json): string {
  const msg = typeof json.errorMsg === "string" ? json.errorMsg : "";
  const errors = json.errors && typeof json.errors === "object" ? Object.entries(json.errors as Json) : [];
  const details = errors
    .slice(0, 5)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("; ");
  return partnerText([msg, details].filter(Boolean).join(" — ") || "без пояснений", 300);
}

function failure(status: number, json: Json): PartnerError {
  const why = crmMessage(json);
  if (status === 401) return new PartnerError("auth", `RetailCRM не принял API-ключ: ${why}`);
  if (status === 403) return new PartnerError("auth", `У API-ключа RetailCRM нет прав на это действие: ${why}`);
  if (status === 503 || status === 429) return new PartnerError("transient", "RetailCRM ограничил частоту запросов");
  if (status >= 500) return new PartnerError("transient", `RetailCRM ответил ошибкой HTTP ${status}`);
  return new PartnerError("rejected", `RetailCRM отказал: ${why}`);
}

const summary = (method: string, path: string) => `${method} ${path}`;

/** `/api/credentials`: the key's scopes and the ones a delivery module lacks (the safe connection check, §2). */
export async function checkCredentials(creds: CrmCredentials, timeoutMs: number) {
  const res = await crmCall(creds, "GET", "/api/credentials", timeoutMs);
  const scopes = Array.isArray(res.json.scopes) ? res.json.scopes.filter((s) => typeof s === "string") : [];
  return { scopes, missing: REQUIRED_SCOPES.filter((s) => !scopes.includes(s)) };
}

export function probeRetailCrm(
  settings: { crmUrl: string; apiKey: string },
  options: ProbeOptions,
): Promise<ProbeResult> {
  return guardProbe(async () => {
    try {
      const { missing } = await checkCredentials(settings, options.timeoutMs);
      if (missing.length) return { status: "error", message: `У API-ключа нет прав: ${missing.join(", ")}` };
      return { status: "ok", message: `Подключение установлено: ${crmBase(settings.crmUrl)}` };
    } catch (e) {
      if (!(e instanceof PartnerError)) throw e;
      return { status: e.kind === "transient" ? "unreachable" : "error", message: e.message };
    }
  });
}

/** `integration-modules/{code}/edit` (§4): registers or updates the module instance; `active: false` disconnects. */
export async function editModule(
  creds: CrmCredentials,
  code: string,
  integrationModule: Json,
  timeoutMs: number,
): Promise<Exchange<{ deliveryTypeCode: string | null }>> {
  const path = `/api/v5/integration-modules/${encodeURIComponent(code)}/edit`;
  const res = await crmCall(creds, "POST", path, timeoutMs, { integrationModule });
  const info = (res.json.info ?? {}) as { deliveryType?: { code?: unknown } };
  const deliveryTypeCode = typeof info.deliveryType?.code === "string" ? info.deliveryType.code : null;
  return { value: { deliveryTypeCode }, request: summary("POST", path), response: partnerText(res.raw, 500) };
}

/** The CRM's payment types (active ones), for «Типы оплаты с наложенным платежом». */
export async function readPaymentTypes(creds: CrmCredentials, timeoutMs: number): Promise<FieldChoice[]> {
  const res = await crmCall(creds, "GET", "/api/v5/reference/payment-types", timeoutMs);
  const list = res.json.paymentTypes;
  const values = Array.isArray(list) ? list : list && typeof list === "object" ? Object.values(list) : [];
  return values
    .map((v) => v as { code?: unknown; name?: unknown; active?: unknown })
    .filter((v) => typeof v.code === "string" && v.active !== false)
    .map((v) => ({ value: v.code as string, label: typeof v.name === "string" ? v.name : (v.code as string) }));
}

/** Most items per tracking call (RetailCRM's own modules push in chunks of 100, §6). */
export const TRACKING_CHUNK = 100;

/** `delivery/generic/{subcode}/tracking` (§6): one call for up to TRACKING_CHUNK deliveries. */
export async function pushTracking(
  creds: CrmCredentials,
  moduleCode: string,
  items: TrackingItem[],
  timeoutMs: number,
): Promise<Exchange<null>> {
  const path = `/api/v5/delivery/generic/${encodeURIComponent(moduleCode)}/tracking`;
  const res = await crmCall(creds, "POST", path, timeoutMs, { statusUpdate: items });
  return {
    value: null,
    request: `${summary("POST", path)}: ${items.length} доставок`,
    response: partnerText(res.raw, 500),
  };
}
