import { PartnerError } from "../errors";
import { guardProbe, httpRequest, partnerText } from "../http";
import type {
  CancelOrders,
  ExchangeOptions,
  OutboundOrders,
  OutgoingOrder,
  PartnerOrderRef,
  PartnerStatusEvent,
  PrintDocuments,
  ProbeOptions,
  ProbeResult,
  SendOutcome,
  StatusSource,
  WebhookReceiver,
} from "../types";
import { CdekApi } from "./api";
import {
  buildTokenRequest,
  cdekBaseUrl,
  cdekErrorLine,
  cdekErrors,
  cdekNumber,
  DUPLICATE_NUMBER_CODES,
  parseOrderInfo,
  parseTokenResponse,
  planCdekOrder,
  type CdekDestination,
  type CdekOrderInfo,
} from "./mappers";
import type { CdekSettings } from "./settings";

/** The OAuth token call: proves Account + Secure password without creating anything at CDEK. */
export function probeCdek(settings: CdekSettings, options: ProbeOptions): Promise<ProbeResult> {
  return guardProbe(async () => {
    const url = `${cdekBaseUrl(settings)}/v2/oauth/token`;
    const res = await httpRequest(url, {
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: buildTokenRequest(settings.account, settings.securePassword),
      timeoutMs: options.timeoutMs,
    });
    const answer = parseTokenResponse(res.status, res.text);
    const where = settings.testMode ? "учебный стенд СДЭК" : "СДЭК";
    if (answer.ok === true) {
      const ttl = answer.expiresIn ? `, токен действует ${Math.round(answer.expiresIn / 60)} мин` : "";
      return {
        status: "ok",
        message: `Подключение установлено: ${where} принял ключи Account «${settings.account}»${ttl}`,
      };
    }
    if (answer.ok === false) {
      const code = partnerText(answer.error, 40);
      const why = answer.description ? `${partnerText(answer.description)} (${code})` : code;
      return { status: "error", message: `СДЭК отклонил ключи: ${why}` };
    }
    if (res.status >= 500)
      return { status: "unreachable", message: `Сервер ${new URL(url).host} ответил ошибкой HTTP ${res.status}` };
    return { status: "error", message: `Неожиданный ответ СДЭК (${answer.detail})` };
  });
}

/** Orders of one batch go out side by side: CDEK creates one order per call (the API client caps calls in flight). */
const PARALLEL_CREATES = 50;

async function eachInParallel<T, R>(list: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(list.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, list.length) }, async () => {
    while (next < list.length) {
      const i = next++;
      out[i] = await run(list[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Destination facts change rarely; each process asks CDEK once per city or point for a few hours. */
const DESTINATION_TTL_MS = 6 * 60 * 60_000;
const destinations = new Map<string, { at: number; value: CdekDestination & { city: string | null } }>();

async function destinationOf(api: CdekApi, base: string, order: OutgoingOrder) {
  const key = `${base}|${order.receiver.pvz ?? ""}|${order.receiver.town ?? ""}`;
  const hit = destinations.get(key);
  if (hit && Date.now() - hit.at < DESTINATION_TTL_MS) return hit.value;
  let city = order.receiver.town;
  let countryCode: string | null = null;
  let postamat = false;
  if (order.receiver.pvz) {
    const res = await api.call(
      "GET",
      `/v2/deliverypoints?code=${encodeURIComponent(order.receiver.pvz)}`,
      "пункт выдачи",
    );
    const point = Array.isArray(res.json) ? (res.json[0] as Record<string, unknown> | undefined) : undefined;
    if (point) {
      postamat = String(point.type ?? "").toUpperCase() === "POSTAMAT";
      const loc = point.location as { city?: string; country_code?: string } | undefined;
      city = loc?.city ?? city;
      countryCode = loc?.country_code ?? null;
    }
  }
  let paymentLimit: number | null = null;
  if (city) {
    const res = await api.call(
      "GET",
      `/v2/location/cities?city=${encodeURIComponent(city)}&size=1`,
      "город назначения",
    );
    const found = Array.isArray(res.json) ? (res.json[0] as Record<string, unknown> | undefined) : undefined;
    if (found) {
      countryCode = typeof found.country_code === "string" ? found.country_code : countryCode;
      // A negative or missing limit is read as «no limit given»: CDEK's own check still applies.
      paymentLimit = typeof found.payment_limit === "number" && found.payment_limit >= 0 ? found.payment_limit : null;
    }
  }
  const value = { countryCode, paymentLimit, postamat, city: city ?? null };
  destinations.set(key, { at: Date.now(), value });
  return value;
}

/** One order's transient trouble (rate limit, timeout) stays with that order; a refused token stops the batch. */
async function perOrder(number: string, run: () => Promise<SendOutcome>): Promise<SendOutcome> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof PartnerError && e.kind === "transient")
      return { number, outcome: "transient", message: e.message };
    throw e;
  }
}

async function createOne(
  api: CdekApi,
  settings: CdekSettings,
  order: OutgoingOrder,
  options: ExchangeOptions,
): Promise<SendOutcome> {
  const dest = await destinationOf(api, cdekBaseUrl(settings), order);
  const plan = planCdekOrder(order, settings, dest);
  if (!plan.ok) return { number: order.number, outcome: "rejected", message: `Не передан в СДЭК: ${plan.problem}` };
  const res = await api.call("POST", "/v2/orders", "создание заказа", plan.request);
  const uuid = (res.json as { entity?: { uuid?: unknown } } | null)?.entity?.uuid;
  if ((res.status === 202 || res.status === 200) && typeof uuid === "string") {
    await options.onPartnerRef?.(order.number, uuid);
    return {
      number: order.number,
      outcome: "submitted",
      partnerRef: uuid,
      details: { sentAs: plan.summary, cdekNumberSent: plan.request.number },
    };
  }
  const errors = cdekErrors(res.json);
  if (errors.some((e) => DUPLICATE_NUMBER_CODES.has(e.code)))
    return { number: order.number, outcome: "duplicate", message: cdekErrorLine(errors) };
  return { number: order.number, outcome: "rejected", message: `СДЭК отклонил заказ: ${cdekErrorLine(errors)}` };
}

async function readOrder(api: CdekApi, ref: PartnerOrderRef): Promise<CdekOrderInfo | null> {
  const path = ref.partnerRef
    ? `/v2/orders/${encodeURIComponent(ref.partnerRef)}`
    : ref.partnerCode
      ? `/v2/orders?cdek_number=${encodeURIComponent(ref.partnerCode)}`
      : `/v2/orders?im_number=${encodeURIComponent(cdekNumber(ref.number))}`;
  const res = await api.call("GET", path, "чтение заказа");
  if (res.status === 404) return null;
  if (res.status !== 200)
    throw new PartnerError("transient", `СДЭК не выдал заказ ${ref.number}: ${api.errorText(res.response)}`);
  return parseOrderInfo(res.json);
}

function verdictOf(number: string, info: CdekOrderInfo | null): SendOutcome {
  if (!info) return { number, outcome: "transient", message: "СДЭК пока не находит заказ, спросим позже" };
  if (info.createState === "INVALID")
    return { number, outcome: "rejected", message: `СДЭК отклонил заказ: ${cdekErrorLine(info.errors)}` };
  if (info.createState === "SUCCESSFUL" || info.cdekNumber) {
    return {
      number,
      outcome: "accepted",
      partnerCode: info.cdekNumber ?? undefined,
      partnerRef: info.uuid ?? undefined,
      details: { barcodes: info.barcodes },
    };
  }
  return { number, outcome: "submitted", partnerRef: info.uuid ?? undefined };
}

const exchangeOf = <T>(value: T, request: string): { value: T; request: string; response: string } => ({
  value,
  request,
  response: "",
});

export const cdekOutbound: OutboundOrders<CdekSettings> = {
  // CDEK answers a repeated number only later, with an INVALID request: every retry is looked up by number first.
  refusesDuplicates: false,
  // CDEK advises waiting 2–3 s before the first GET /v2/orders/{uuid} (§2.3); its webhook usually comes sooner.
  firstResolveMs: 2_500,
  async send(settings, orders, options) {
    const api = new CdekApi(settings, options);
    const value = await eachInParallel(orders, PARALLEL_CREATES, (o) =>
      perOrder(o.number, () => createOne(api, settings, o, options)),
    );
    return exchangeOf(value, `POST /v2/orders × ${orders.length}`);
  },
  async find(settings, number, options) {
    const info = await readOrder(new CdekApi(settings, options), { number, partnerCode: null });
    if (!info || info.createState === "INVALID")
      return exchangeOf(null, `GET /v2/orders?im_number=${cdekNumber(number)}`);
    const verdict = verdictOf(number, info);
    const facts = verdict.outcome === "accepted" || verdict.outcome === "submitted" ? verdict : {};
    const { partnerCode, partnerRef, details } = facts as {
      partnerCode?: string;
      partnerRef?: string;
      details?: Record<string, unknown>;
    };
    return exchangeOf(
      { partnerCode, partnerRef, details, submitted: verdict.outcome === "submitted" },
      `GET /v2/orders?im_number=${cdekNumber(number)}`,
    );
  },
  async resolve(settings, orders, options) {
    const api = new CdekApi(settings, options);
    const value = await eachInParallel(orders, PARALLEL_CREATES, (o) =>
      perOrder(o.number, async () => verdictOf(o.number, await readOrder(api, o))),
    );
    return exchangeOf(value, `GET /v2/orders/{uuid} × ${orders.length}`);
  },
  describe(settings, order) {
    return `СДЭК ${cdekBaseUrl(settings)}: POST /v2/orders, номер ${cdekNumber(order.number)}, тариф ${settings.tariffCode}`;
  },
};

function eventsOf(ref: PartnerOrderRef, info: CdekOrderInfo): PartnerStatusEvent[] {
  const details = info.paymentSum !== null ? { paymentSum: info.paymentSum } : undefined;
  // CDEK lists statuses newest first; oldest first keeps their sequence where times tie to the second.
  return [...info.statuses]
    .reverse()
    .filter((s) => s.code)
    .map((s) => ({
      number: ref.number,
      partnerCode: info.cdekNumber ?? undefined,
      code: s.code,
      title: s.name || undefined,
      eventTime: s.dateTime ?? undefined,
      comment: [s.city, s.reason ? `причина ${s.reason}` : null].filter(Boolean).join(", ") || undefined,
      details,
    }));
}

export const cdekStatusPoll: StatusSource<CdekSettings> = {
  kind: "poll",
  describe: "Опрос заказов СДЭК (GET /v2/orders/{uuid})",
  quietMs: (settings) => settings.quietPollMinutes * 60_000,
  async pollOrders(settings, orders, options) {
    const api = new CdekApi(settings, options);
    const lists = await eachInParallel(orders, PARALLEL_CREATES, async (o) => {
      try {
        const info = await readOrder(api, o);
        return info ? eventsOf(o, info) : [];
      } catch (e) {
        // One order CDEK cannot give now is asked again next time; the others still come back.
        if (e instanceof PartnerError && e.kind === "transient") return [];
        throw e;
      }
    });
    return exchangeOf(lists.flat(), `GET /v2/orders/{uuid} × ${orders.length}`);
  },
};

export const cdekCancel: CancelOrders<CdekSettings> = {
  describe: (number) => `СДЭК: DELETE /v2/orders/{uuid}, заказ ${cdekNumber(number)}`,
  async cancel(settings, orders, options) {
    const api = new CdekApi(settings, options);
    const value = await eachInParallel(orders, PARALLEL_CREATES, async (o) => {
      if (!o.partnerRef)
        return {
          number: o.number,
          ok: false,
          message: "СДЭК не сообщил идентификатор заказа: отмените его в кабинете СДЭК",
        };
      const res = await api.call("DELETE", `/v2/orders/${encodeURIComponent(o.partnerRef)}`, "отмена заказа");
      if (res.status === 202 || res.status === 200)
        return { number: o.number, ok: true, message: "СДЭК принял отмену" };
      return { number: o.number, ok: false, message: `СДЭК не отменил заказ: ${api.errorText(res.response)}` };
    });
    return exchangeOf(value, `DELETE /v2/orders × ${orders.length}`);
  },
};

const PRINT_WAIT_MS = [1000, 1000, 2000, 2000, 3000, 5000, 5000, 10_000, 10_000, 20_000];

export const cdekPrint: PrintDocuments<CdekSettings> = {
  async print(settings, orders, form, options) {
    if (orders.length > 100) throw new PartnerError("rejected", "СДЭК печатает не больше 100 заказов за раз");
    const api = new CdekApi(settings, options);
    const kind = form === "waybill" ? "orders" : "barcodes";
    const refs = orders.map((o) => (o.partnerRef ? { order_uuid: o.partnerRef } : { cdek_number: o.partnerCode }));
    const body = form === "waybill" ? { orders: refs, copy_count: 1 } : { orders: refs, copy_count: 1, format: "A6" };
    const what = form === "waybill" ? "печать накладных" : "печать этикеток";
    const created = await api.call("POST", `/v2/print/${kind}`, what, body);
    const uuid = (created.json as { entity?: { uuid?: unknown } } | null)?.entity?.uuid;
    if (typeof uuid !== "string")
      throw new PartnerError("rejected", `СДЭК не принял запрос (${what}): ${api.errorText(created.response)}`);
    for (const wait of PRINT_WAIT_MS) {
      await new Promise((r) => setTimeout(r, wait));
      const res = await api.call("GET", `/v2/print/${kind}/${uuid}`, what);
      const entity = (res.json as { entity?: { statuses?: { code?: string }[] } } | null)?.entity;
      const last = entity?.statuses?.at(-1)?.code;
      if (last === "INVALID" || last === "REMOVED")
        throw new PartnerError(
          "rejected",
          `СДЭК не подготовил форму (${what}): ${cdekErrorLine(cdekErrors(res.json))}`,
        );
      if (last !== "READY") continue;
      const pdf = await api.call("GET", `/v2/print/${kind}/${uuid}.pdf`, what, undefined, "application/pdf");
      if (pdf.status !== 200) throw new PartnerError("transient", `СДЭК не отдал файл (${what}): HTTP ${pdf.status}`);
      return { contentType: "application/pdf", body: pdf.response.bytes };
    }
    throw new PartnerError("transient", `СДЭК не подготовил форму за минуту (${what}), попробуйте ещё раз`);
  },
};

export const cdekWebhook: WebhookReceiver<CdekSettings> = {
  // CDEK signs nothing (§7): the unguessable address is the credential, and every event is read back before use.
  verify: () => true,
  parse(body) {
    let json: { type?: unknown; uuid?: unknown; date_time?: unknown; attributes?: Record<string, unknown> };
    try {
      json = JSON.parse(body) as typeof json;
    } catch {
      return null;
    }
    if (!json || typeof json !== "object" || typeof json.type !== "string") return null;
    const a = json.attributes ?? {};
    const id = [json.type, json.uuid, a.code, a.status_date_time ?? json.date_time]
      .map((v) => String(v ?? ""))
      .join("|");
    if (json.type !== "ORDER_STATUS" || typeof json.uuid !== "string") return { id, events: [] };
    const claimedCode = typeof a.code === "string" ? a.code.trim() : undefined;
    return { id, events: [{ kind: "recheck", partnerRef: json.uuid, claimedCode }] };
  },
  async subscribe(settings, options: ExchangeOptions) {
    if (!options.hookUrl)
      throw new PartnerError(
        "rejected",
        "Не задан публичный адрес кабинета (PUBLIC_URL): уведомлениям СДЭК некуда приходить",
      );
    const api = new CdekApi(settings, options);
    const list = await api.call("GET", "/v2/webhooks", "подписки на уведомления");
    const subs = Array.isArray(list.json) ? (list.json as { uuid?: string; type?: string; url?: string }[]) : [];
    const mine = subs.find((s) => s.type === "ORDER_STATUS" && s.url === options.hookUrl);
    if (mine?.uuid)
      return { state: { uuid: mine.uuid, url: options.hookUrl }, message: "Уведомления СДЭК о статусах подключены" };
    const res = await api.call("POST", "/v2/webhooks", "подписка на уведомления", {
      type: "ORDER_STATUS",
      url: options.hookUrl,
    });
    const uuid = (res.json as { entity?: { uuid?: unknown } } | null)?.entity?.uuid;
    if (typeof uuid === "string")
      return { state: { uuid, url: options.hookUrl }, message: "Уведомления СДЭК о статусах подключены" };
    const errors = cdekErrors(res.json);
    const limit = errors.some((e) => e.code === "v2_too_many_webhooks");
    throw new PartnerError(
      "rejected",
      limit
        ? `У аккаунта СДЭК уже две подписки на уведомления (предел СДЭК): статусы придут опросом раз в ${settings.quietPollMinutes} мин`
        : `СДЭК не принял подписку на уведомления: ${cdekErrorLine(errors)}`,
    );
  },
  async unsubscribe(settings, state, options) {
    if (typeof state.uuid !== "string") return;
    const res = await new CdekApi(settings, options).call(
      "DELETE",
      `/v2/webhooks/${encodeURIComponent(state.uuid)}`,
      "отписка от уведомлений",
    );
    if (res.status >= 400 && res.status !== 404)
      throw new PartnerError("rejected", `СДЭК не снял подписку: HTTP ${res.status}`);
  },
};
