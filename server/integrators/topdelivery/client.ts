import { PartnerError } from "../errors";
import { basicAuth, guardProbe, httpRequest, partnerText, UnreachableError } from "../http";
import type {
  CancelOrders,
  ExchangeOptions,
  OutboundOrders,
  PartnerStatusEvent,
  PrintDocuments,
  ProbeOptions,
  ProbeResult,
  SendOutcome,
  StatusSource,
} from "../types";
import { topDeliveryGateUrl } from "./mappers";
import type { TopDeliverySettings } from "./settings";
import {
  addedOrderXml,
  all,
  identityXml,
  readGateAnswer,
  readIdentity,
  readOrdersInfo,
  soapEnvelope,
  txt,
  type OrderIdentity,
  type OrderInfo,
} from "./soap";
import { describeGate, type GateDescription } from "./wsdl";

/** TopDelivery serves 4 requests/s per gate (topdelivery.md §3), counted across every worker by `options.pace`. */
const GATE_REQUESTS_PER_SECOND = 4;
/** Orders per addOrders / getOrdersInfo call: few calls under the 4 requests/s limit, answers of moderate size. */
export const ORDERS_PER_CALL = 100;

type Gate = "webshop" | "print";

/** A gate's WSDL: the address given (its `?WSDL` added when missing). The print gate sits beside the web-shop gate. */
export function wsdlUrlOf(settings: TopDeliverySettings, gate: Gate): string {
  const base =
    gate === "print"
      ? settings.printGateUrl || topDeliveryGateUrl(settings).replace(/\/w\/(\d+\.\d+)\/?/, "/print/$1/")
      : topDeliveryGateUrl(settings);
  return /[?&]wsdl\b/i.test(base) ? base : `${base}${base.includes("?") ? "&" : "?"}WSDL`;
}

/**
 * One call to a gate: namespace, SOAPAction and endpoint from its WSDL, the gate's pace shared by all workers, both
 * authentication levels, and failures classified for the engine (Russian, with the gate's own words).
 */
async function callGate(
  settings: TopDeliverySettings,
  options: ExchangeOptions | ProbeOptions,
  gateKind: Gate,
  method: string,
  params: string[],
) {
  const headers = { authorization: basicAuth(settings.gateLogin, settings.gatePassword) };
  const gate: GateDescription = await describeGate(wsdlUrlOf(settings, gateKind), options.timeoutMs, headers);
  if (!gate.operations.includes(method))
    throw new PartnerError("rejected", `Шлюз TopDelivery не знает метод ${method} (по его WSDL)`);
  const pace = "pace" in options ? options.pace : undefined;
  await pace?.(`topdelivery:${new URL(gate.endpoint).host}:${settings.gateLogin}`, GATE_REQUESTS_PER_SECOND);
  let res;
  try {
    res = await httpRequest(gate.endpoint, {
      headers: {
        ...headers,
        "content-type": "text/xml; charset=utf-8",
        soapaction: `"${gate.soapActions[method] ?? ""}"`,
      },
      body: soapEnvelope(gate.namespace, method, { login: settings.login, password: settings.password }, params),
      timeoutMs: options.timeoutMs,
    });
  } catch (e) {
    if (e instanceof UnreachableError) throw new PartnerError(e.refused ? "auth" : "transient", e.message);
    throw e;
  }
  if (res.status === 401 || res.status === 403)
    throw new PartnerError("auth", `Шлюз TopDelivery отклонил логин или пароль шлюза (HTTP ${res.status})`);
  if (res.status === 429) throw new PartnerError("transient", "TopDelivery ограничил частоту запросов, повторим позже");
  const answer = readGateAnswer(res.text, method);
  switch (answer.kind) {
    case "ok":
      return answer.response;
    case "refused": {
      const text = `TopDelivery ответил: ${partnerText(answer.message)} (статус ${partnerText(answer.status, 20)})`;
      // No code list is published (§10): a refusal that speaks of the login is an account problem, the rest final.
      throw new PartnerError(/авториз|логин|парол|auth/i.test(answer.message) ? "auth" : "rejected", text);
    }
    case "fault":
      if (/limit|лимит|частот|too many/i.test(answer.message))
        throw new PartnerError("transient", `TopDelivery ограничил частоту запросов: ${partnerText(answer.message)}`);
      throw new PartnerError(
        res.status >= 500 ? "transient" : "rejected",
        `TopDelivery ответил ошибкой SOAP: ${partnerText(answer.message)}`,
      );
    case "not-soap":
      throw new PartnerError(
        "transient",
        `TopDelivery прислал непонятный ответ на ${method} (HTTP ${res.status}), повторим позже`,
      );
  }
}

/** A read-only directory call: proves both logins without creating anything. */
export function probeTopDelivery(settings: TopDeliverySettings, options: ProbeOptions): Promise<ProbeResult> {
  return guardProbe(async () => {
    try {
      await callGate(settings, options, "webshop", "getCitiesRegions", ["<regionId>77</regionId>"]);
      const host = new URL(wsdlUrlOf(settings, "webshop")).host;
      return { status: "ok", message: `Подключение установлено: ${host} принял логин магазина «${settings.login}»` };
    } catch (e) {
      if (!(e instanceof PartnerError)) throw e;
      return { status: e.kind === "transient" ? "unreachable" : "error", message: e.message };
    }
  });
}

const exchange = <T>(value: T, request: string) => ({ value, request, response: "" });

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The triple TopDelivery answers with; all three kept (the barcode also goes on our labels). */
function accepted(number: string, id: OrderIdentity): SendOutcome {
  return {
    number,
    outcome: "accepted",
    partnerCode: id.orderId,
    partnerRef: id.orderId,
    details: { barcode: id.barcode, webshopNumber: id.webshopNumber ?? number },
  };
}

async function findByNumbers(settings: TopDeliverySettings, options: ExchangeOptions, numbers: string[]) {
  const found = new Map<string, OrderInfo>();
  for (const part of chunks(numbers, ORDERS_PER_CALL)) {
    const response = await callGate(
      settings,
      options,
      "webshop",
      "getOrdersInfo",
      part.map((n) => identityXml("order", { webshopNumber: n })),
    );
    for (const info of readOrdersInfo(response))
      if (info.identity.webshopNumber) found.set(info.identity.webshopNumber, info);
  }
  return found;
}

export const topDeliveryOutbound: OutboundOrders<TopDeliverySettings> = {
  // Whether the gate refuses a repeated webshopNumber is not documented: every retry is looked up first.
  refusesDuplicates: false,
  async send(settings, orders, options) {
    const out: SendOutcome[] = [];
    for (const part of chunks(orders, ORDERS_PER_CALL)) {
      const response = await callGate(settings, options, "webshop", "addOrders", part.map(addedOrderXml));
      const results = all(response, "addOrdersResult");
      part.forEach((o, i) => {
        // Results come in request order; a result that names its webshopNumber is matched by it.
        const r = results.find((x) => readIdentity(x).webshopNumber === o.number) ?? results[i];
        if (!r)
          return out.push({
            number: o.number,
            outcome: "rejected",
            message: "TopDelivery не вернул результат по заказу",
          });
        const status = txt(r, "status") ?? "";
        if (status === "0") return out.push(accepted(o.number, readIdentity(r)));
        const message = partnerText(txt(r, "message") ?? "без пояснения");
        // No code list is published: a refusal that says the number is taken is reconciled by a lookup.
        if (/уже|дубл|duplicate|exist/i.test(message))
          return out.push({ number: o.number, outcome: "duplicate", message });
        out.push({
          number: o.number,
          outcome: "rejected",
          message: `TopDelivery отклонил заказ: ${message} (статус ${status})`,
        });
      });
    }
    return exchange(out, `addOrders × ${orders.length}`);
  },
  async find(settings, number, options) {
    const info = (await findByNumbers(settings, options, [number])).get(number);
    if (!info) return exchange(null, `getOrdersInfo webshopNumber=${number}`);
    const a = accepted(number, info.identity) as Extract<SendOutcome, { outcome: "accepted" }>;
    return exchange(
      { partnerCode: a.partnerCode, partnerRef: a.partnerRef, details: a.details },
      `getOrdersInfo webshopNumber=${number}`,
    );
  },
  describe(settings, order) {
    return `TopDelivery ${new URL(wsdlUrlOf(settings, "webshop")).host}: addOrders, webshopNumber ${order.number}`;
  },
};

/** Work status first (§10: 2 in work, 3 delivered, 4 partly delivered, 5 refusal); the order status as told. */
function eventOf(number: string, info: OrderInfo): PartnerStatusEvent | null {
  const work = info.workStatus;
  const code =
    work && ["2", "3", "4", "5"].includes(work.id)
      ? `work:${work.id}`
      : info.status
        ? `status:${info.status.id}`
        : null;
  if (!code) return null;
  const said = info.status ? `${info.status.name} (статус ${info.status.id})` : null;
  const refusal = work?.id === "5" && info.refusal ? `причина отказа: ${info.refusal}` : null;
  const history = info.events.length
    ? `события: ${info.events
        .slice(-5)
        .map((e) => `${e.date} ${e.name}`.trim())
        .join("; ")}`
    : null;
  return {
    number,
    partnerCode: info.identity.orderId,
    code,
    title: code.startsWith("work:") ? work!.name : info.status?.name,
    comment: [refusal, said, history].filter(Boolean).join(" — ") || undefined,
    details: info.identity.barcode ? { barcode: info.identity.barcode } : undefined,
  };
}

export const topDeliveryStatusPoll: StatusSource<TopDeliverySettings> = {
  kind: "poll",
  describe: "Опрос заказов TopDelivery (getOrdersInfo)",
  quietMs: (settings) => settings.pollMinutes * 60_000,
  async pollOrders(settings, orders, options) {
    const events: PartnerStatusEvent[] = [];
    for (const part of chunks(orders, ORDERS_PER_CALL)) {
      const ids = part.map((o) =>
        identityXml("order", { orderId: o.partnerRef ?? o.partnerCode ?? undefined, webshopNumber: o.number }),
      );
      const response = await callGate(settings, options, "webshop", "getOrdersInfo", ids);
      const byNumber = new Map(readOrdersInfo(response).map((i) => [i.identity.webshopNumber, i]));
      for (const o of part) {
        const info = byNumber.get(o.number);
        const ev = info && eventOf(o.number, info);
        if (ev) events.push(ev);
      }
    }
    return exchange(events, `getOrdersInfo × ${orders.length}`);
  },
};

export const topDeliveryCancel: CancelOrders<TopDeliverySettings> = {
  describe: (number) => `TopDelivery: deleteOrder, webshopNumber ${number}`,
  async cancel(settings, orders, options) {
    const out: { number: string; ok: boolean; message: string }[] = [];
    for (const o of orders) {
      try {
        await callGate(settings, options, "webshop", "deleteOrder", [
          identityXml("orderIdentity", {
            orderId: o.partnerRef ?? o.partnerCode ?? undefined,
            webshopNumber: o.number,
          }),
        ]);
        out.push({ number: o.number, ok: true, message: "TopDelivery удалил заказ" });
      } catch (e) {
        if (!(e instanceof PartnerError) || e.kind !== "rejected") throw e;
        // A delete whose answer was lost is refused as «not found» when tried again: the order is gone, as asked.
        if (/не найден|not found/i.test(e.message))
          out.push({ number: o.number, ok: true, message: "Заказа у TopDelivery уже нет" });
        else out.push({ number: o.number, ok: false, message: e.message });
      }
    }
    return exchange(out, `deleteOrder × ${orders.length}`);
  },
};

/** The print gate answers a link (`reportUrl`); the file is fetched at once, with the gate's login. */
async function download(settings: TopDeliverySettings, options: ExchangeOptions, url: string) {
  let res;
  try {
    res = await httpRequest(url, {
      method: "GET",
      headers: { authorization: basicAuth(settings.gateLogin, settings.gatePassword), accept: "application/pdf" },
      timeoutMs: options.timeoutMs,
    });
  } catch (e) {
    if (e instanceof UnreachableError) throw new PartnerError("transient", e.message);
    throw e;
  }
  if (res.status !== 200) throw new PartnerError("transient", `TopDelivery не отдал файл: HTTP ${res.status}`);
  return { contentType: res.contentType.split(";")[0] || "application/pdf", body: res.bytes };
}

export const topDeliveryPrint: PrintDocuments<TopDeliverySettings> = {
  forms: ["act", "deliveryList"],
  async print(settings, orders, form, options) {
    const method = form === "deliveryList" ? "printOrderDeliveryList" : "printOrderAct";
    if (form !== "act" && form !== "deliveryList")
      throw new PartnerError("rejected", "TopDelivery печатает акт и лист доставки; этикетки печатаются в кабинете");
    const response = await callGate(
      settings,
      options,
      "print",
      method,
      orders.map((o) =>
        identityXml("orderIdentity", { orderId: o.partnerRef ?? o.partnerCode ?? undefined, webshopNumber: o.number }),
      ),
    );
    const url = txt(response, "reportUrl");
    if (!url) throw new PartnerError("rejected", `TopDelivery не вернул ссылку на документ (${method})`);
    return download(settings, options, new URL(url, wsdlUrlOf(settings, "print")).toString());
  },
};
