import { guardProbe, httpRequest, partnerText, UnreachableError } from "../http";
import { partnerMessage } from "../messages";
import { PartnerError } from "../errors";
import type {
  CancelOrders,
  Exchange,
  OutboundOrders,
  PartnerStatusEvent,
  ProbeOptions,
  ProbeResult,
  SendOutcome,
  StatusSource,
} from "../types";
import {
  buildCancelOrder,
  buildCommitLastStatus,
  buildNewOrder,
  buildStatusRequest,
  MeasoftProtocolError,
  MeasoftRequestError,
  parseCancelOrderResponse,
  parseCommitLastStatus,
  parseMeasoftTime,
  parseNewOrderResponse,
  parseStatusResponse,
  toMeasoftOrder,
  type MeasoftAuth,
} from "./mappers";
import type { MeasoftSettings } from "./settings";

/** The only MeaSoft code that touches the network: POST one XML document, get one back. */
export async function postXml(url: string, body: string, timeoutMs: number): Promise<string> {
  const res = await httpRequest(url, {
    headers: { "content-type": "text/xml; charset=utf-8", accept: "text/xml, application/xml" },
    body,
    timeoutMs,
  });
  // MeaSoft answers API errors with HTTP 200; any other status is a transport problem or a wrong URL.
  if (res.status >= 500) throw new UnreachableError(`Сервер ${new URL(url).host} ответил ошибкой HTTP ${res.status}`);
  if (res.status !== 200) throw new MeasoftProtocolError(`HTTP ${res.status}`);
  return res.text;
}

export function measoftEndpoint(settings: MeasoftSettings, options: Pick<ProbeOptions, "selfApiUrl">): string {
  return settings.apiUrl || options.selfApiUrl;
}

export function measoftAuth(settings: MeasoftSettings): MeasoftAuth {
  return { extra: settings.extra, login: settings.login, pass: settings.password };
}

// Looked up by an order number nobody uses: an authenticated read that creates nothing and moves no change-feed cursor.
export const PROBE_ORDER_NUMBER = "KH-PROBE-0000000000";

export function probeMeasoft(settings: MeasoftSettings, options: ProbeOptions): Promise<ProbeResult> {
  return guardProbe(async () => {
    const url = measoftEndpoint(settings, options);
    try {
      const xml = await postXml(
        url,
        buildStatusRequest(measoftAuth(settings), { orderno: PROBE_ORDER_NUMBER }),
        options.timeoutMs,
      );
      parseStatusResponse(xml);
      return {
        status: "ok",
        message: `Подключение установлено: ${new URL(url).host} принял логин «${settings.login}» (код службы ${settings.extra})`,
      };
    } catch (e) {
      if (e instanceof MeasoftRequestError) {
        return { status: "error", message: `Партнёр ответил: ${partnerText(e.partnerMessage)} (код ${e.code})` };
      }
      if (e instanceof MeasoftProtocolError)
        return { status: "error", message: `По адресу ${url} не отвечает MeaSoft API: ${e.message}` };
      throw e;
    }
  });
}

// ---------- order exchange ----------

/** Transport problems and garbage answers are worth retrying; an authorization refusal is not. */
async function call<T>(url: string, body: string, timeoutMs: number, parse: (xml: string) => T): Promise<Exchange<T>> {
  let xml: string;
  try {
    xml = await postXml(url, body, timeoutMs);
  } catch (e) {
    // A refused address is a setting to fix, not a blip to retry: stop and mark the integration unhealthy.
    if (e instanceof UnreachableError) throw new PartnerError(e.refused ? "auth" : "transient", e.message);
    if (e instanceof MeasoftProtocolError)
      throw new PartnerError("transient", `По адресу ${url} не отвечает MeaSoft API: ${e.message}`);
    throw e;
  }
  try {
    return { value: parse(xml), request: redactAuth(body), response: xml };
  } catch (e) {
    if (e instanceof MeasoftRequestError) {
      const kind = e.code === 25 || e.code === 24 ? "auth" : e.code === 13 ? "transient" : "rejected";
      throw new PartnerError(kind, `Партнёр ответил: ${partnerText(e.partnerMessage)} (код ${e.code})`);
    }
    if (e instanceof MeasoftProtocolError)
      throw new PartnerError("transient", `Партнёр прислал непонятный ответ: ${e.message}`);
    throw e;
  }
}

/** The sync log keeps what was sent, but never the partner password. */
function redactAuth(xml: string): string {
  return xml.replace(/(<auth\b[^>]*\bpass=")[^"]*(")/g, "$1***$2");
}

const EXCHANGE_TIMEOUT_MS = 30_000;

/** This integration's own change-feed stream at the partner: MeaSoft allows ids 100…10000 per account. */
export const measoftStreamId = (integrationId: number) => 100 + (integrationId % 9901);

const STATUS_REQUEST = "statusreq changes=ONLY_LAST";

export const measoftOutbound: OutboundOrders<MeasoftSettings> = {
  // Error 17: the number is taken, so a retry of a batch that did arrive is recognised, never created twice.
  refusesDuplicates: true,

  async send(settings, orders, options) {
    const url = measoftEndpoint(settings, options);
    const res = await call(
      url,
      buildNewOrder(measoftAuth(settings), orders.map(toMeasoftOrder)),
      Math.max(options.timeoutMs, EXCHANGE_TIMEOUT_MS),
      (xml) => parseNewOrderResponse(xml),
    );
    const byNumber = new Map(res.value.map((r) => [r.orderno, r]));
    const outcomes: SendOutcome[] = orders.map((o, i) => {
      // Results carry orderno; fall back to position for servers that leave it out.
      const r = byNumber.get(o.number) ?? res.value[i];
      if (!r) return { number: o.number, outcome: "rejected", message: "Партнёр не вернул результат по этому заказу" };
      if (r.ok) return { number: o.number, outcome: "accepted", partnerCode: r.ordercode };
      const message = `${partnerMessage(r.message, { max: 200 }) || "ошибка"} (код ${r.error})`;
      if (r.error === 17) return { number: o.number, outcome: "duplicate", message };
      if (r.error === 1) throw new PartnerError("auth", `Партнёр ответил: ${message}`);
      return { number: o.number, outcome: "rejected", message: `Партнёр отклонил заказ: ${message}` };
    });
    return { ...res, value: outcomes };
  },

  async find(settings, number, options) {
    const url = measoftEndpoint(settings, options);
    const res = await call(
      url,
      buildStatusRequest(measoftAuth(settings), { orderno: number }),
      options.timeoutMs,
      parseStatusResponse,
    );
    const match = res.value.orders.find((o) => o.orderno === number);
    return { ...res, value: match ? { partnerCode: match.ordercode } : null };
  },

  describe(settings, o, options) {
    const url = measoftEndpoint(settings, options);
    const to = `${o.receiver.person ?? o.receiver.company ?? "—"}, ${o.receiver.town ?? ""}`;
    return `neworder → ${url}: заказ ${o.number}, мест ${o.quantity}, вес ${o.weight} кг, наложенный платёж ${o.codAmount.toFixed(2)}, получатель ${to}`;
  },

  // The partner's code of the service (`extra`) equal to the client's code there: the order came from this partner.
  isLoop(stored, client) {
    const extra = typeof stored.extra === "string" ? stored.extra.trim() : null;
    return client.partnerExtraCode !== null && extra !== null && String(client.partnerExtraCode) === extra;
  },
};

export const measoftStatusFeed: StatusSource<MeasoftSettings> = {
  kind: "feed",
  describe: STATUS_REQUEST,
  async pollChanges(settings, options) {
    const url = measoftEndpoint(settings, options);
    const auth = measoftAuth(settings);
    const streamid = measoftStreamId(options.integrationId);
    const res = await call(
      url,
      buildStatusRequest(auth, { changes: true, client: "CLIENT", streamid }),
      Math.max(options.timeoutMs, EXCHANGE_TIMEOUT_MS),
      parseStatusResponse,
    );
    const events: PartnerStatusEvent[] = [];
    for (const o of res.value.orders) {
      if (!o.status) continue;
      // The current status carries no message of its own; its entry in the history does.
      const st = o.status;
      const said = st.message ?? o.history.findLast((h) => h.code === st.code && h.eventTime === st.eventTime)?.message;
      const comment = partnerMessage(said) || undefined;
      events.push({
        number: o.orderno,
        partnerCode: o.ordercode,
        code: st.code,
        title: st.title,
        eventTime: parseMeasoftTime(st.eventTime),
        comment,
      });
    }
    return {
      value: events,
      request: res.request,
      response: res.response,
      acknowledge: async () => {
        await call(
          url,
          buildCommitLastStatus(auth, { client: "CLIENT", streamid }),
          options.timeoutMs,
          parseCommitLastStatus,
        );
      },
    };
  },
};

export const measoftCancel: CancelOrders<MeasoftSettings> = {
  describe: (number) => `cancelorder: заказ ${number}`,
  async cancel(settings, orders, options) {
    const url = measoftEndpoint(settings, options);
    const res = await call(
      url,
      buildCancelOrder(
        measoftAuth(settings),
        orders.map((o) => (o.partnerCode ? { orderno: o.number, ordercode: o.partnerCode } : { orderno: o.number })),
      ),
      options.timeoutMs,
      parseCancelOrderResponse,
    );
    const value = orders.map((o, i) => {
      const r = res.value.find((x) => x.orderno === o.number) ?? res.value[i];
      if (!r) return { number: o.number, ok: false, message: "Партнёр не вернул результат отмены" };
      const why = partnerMessage(r.message, { max: 200 }) || "ошибка";
      const message = r.ok ? "Отменён у партнёра" : `Партнёр не отменил заказ: ${why} (код ${r.error})`;
      return { number: o.number, ok: r.ok, message };
    });
    return { ...res, value };
  },
};
