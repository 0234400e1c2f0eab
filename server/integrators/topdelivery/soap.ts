import type { OutgoingOrder } from "../types";
import { all, el, localName, one, parseXmlRoot, textEl, txt, type XmlNode } from "../xml";

export { all, one, txt };

/**
 * Pure SOAP for the TopDelivery gates (topdelivery.md §5, §10): envelopes in the namespace the gate's WSDL names,
 * answers read by local names (gates prefix some elements and not others), one element or many accepted alike.
 */

export interface TopDeliveryAuth {
  login: string;
  password: string;
}

/** `<ns:method><auth/>…params</ns:method>`: document/literal, wrapped. */
export function soapEnvelope(namespace: string, method: string, auth: TopDeliveryAuth, params: string[] = []): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el(
      "SOAP-ENV:Envelope",
      { "xmlns:SOAP-ENV": "http://schemas.xmlsoap.org/soap/envelope/", "xmlns:ns1": namespace },
      el(
        "SOAP-ENV:Body",
        {},
        el(
          `ns1:${method}`,
          {},
          el("auth", {}, textEl("login", auth.login), textEl("password", auth.password)),
          ...params,
        ),
      ),
    )
  );
}

export type GateAnswer =
  | { kind: "ok"; response: XmlNode }
  | { kind: "fault"; message: string }
  /** `requestResult.status` ≠ 0: the whole call refused, with the gate's words. */
  | { kind: "refused"; status: string; message: string }
  | { kind: "not-soap" };

/** The envelope and its first level of errors; each method reads its own results from `response`. */
export function readGateAnswer(xml: string, method: string): GateAnswer {
  const root = parseXmlRoot(xml);
  if (!root || localName(root.name) !== "Envelope") return { kind: "not-soap" };
  const body = one(root.node, "Body");
  const fault = one(body, "Fault");
  if (fault) return { kind: "fault", message: txt(fault, "faultstring") ?? "SOAP Fault" };
  const response = one(body, `${method}Response`);
  if (!response) return { kind: "not-soap" };
  // Some stacks wrap the result in <return>.
  const result = one(response, "return") ?? response;
  const rr = one(result, "requestResult");
  if (!rr) return { kind: "not-soap" };
  const status = txt(rr, "status") ?? "";
  if (status !== "0") return { kind: "refused", status, message: txt(rr, "message") ?? "без пояснения" };
  return { kind: "ok", response: result };
}

export interface OrderIdentity {
  orderId?: string;
  barcode?: string;
  webshopNumber?: string;
}

export const identityXml = (name: string, id: OrderIdentity) =>
  el(name, {}, textEl("orderId", id.orderId), textEl("barcode", id.barcode), textEl("webshopNumber", id.webshopNumber));

export function readIdentity(node: unknown): OrderIdentity {
  const id = one(node, "orderIdentity") ?? (node as XmlNode | undefined);
  return { orderId: txt(id, "orderId"), barcode: txt(id, "barcode"), webshopNumber: txt(id, "webshopNumber") };
}

const grams = (kg: number | null | undefined) => Math.max(1, Math.round((kg ?? 0) * 1000));
const money = (v: number) => (Math.round(v * 100) / 100).toFixed(2);
const digits = (phone: string | null) => (phone ?? "").split(/[,;]/)[0]!.replace(/\D/g, "");

/**
 * Our order as `addedOrders` (§10): grams, decimal roubles, places as a count in `services.places`, COURIER or PICKUP
 * (a pickup point code), the desired date and interval, items with VAT. A prepaid order asks nothing of the recipient.
 */
export function addedOrderXml(order: OutgoingOrder): string {
  const cod = order.payType !== "NO";
  const r = order.receiver;
  const pickup = !!r.pvz;
  const places = order.packages.length
    ? order.packages.reduce((n, p) => n + Math.max(1, p.quantity), 0)
    : order.quantity;
  const box = order.packages.find((p) => p.length && p.width && p.height);
  const interval =
    r.timeMin && r.timeMax ? el("timeInterval", {}, textEl("bTime", r.timeMin), textEl("eTime", r.timeMax)) : undefined;
  const items = order.items.length
    ? order.items
    : [
        {
          name: order.enclosure || "Товары заказа",
          article: null,
          quantity: 1,
          mass: order.weight,
          retailPrice: Math.max(0, order.codAmount - order.deliveryPrice),
          vatRate: null,
        },
      ];
  return el(
    "addedOrders",
    {},
    textEl("serviceType", "DELIVERY"),
    textEl("deliveryType", pickup ? "PICKUP" : "COURIER"),
    textEl("orderSubtype", "SIMPLE"),
    textEl("webshopNumber", order.number),
    textEl("webshopBarcode", order.barcode),
    textEl("paymentByCard", order.payType === "CARD" ? 1 : 0),
    textEl("deliveryCostPayAnyway", 0),
    r.date ? el("desiredDateDelivery", {}, textEl("date", r.date), interval) : undefined,
    el(
      "deliveryAddress",
      {},
      textEl("type", pickup ? "pickup" : "string"),
      textEl("city", r.town),
      pickup
        ? el("pickupAddress", {}, textEl("id", r.pvz))
        : el("inCityAddress", {}, textEl("zipcode", r.zip), textEl("address", r.address)),
    ),
    el(
      "clientInfo",
      {},
      textEl("fio", r.person || r.company),
      textEl("phone", digits(r.phone)),
      textEl("comment", order.instruction),
    ),
    el(
      "clientCosts",
      {},
      textEl("clientDeliveryCost", money(cod ? order.deliveryPrice : 0)),
      textEl("recalcDelivery", 0),
      el("discount", {}, textEl("type", "SUM"), textEl("value", money(0))),
    ),
    el(
      "services",
      {},
      textEl("notOpen", 0),
      textEl("marking", 0),
      textEl("smsNotify", 0),
      textEl("forChoise", 0),
      textEl("places", Math.max(1, places)),
      el("pack", {}, textEl("need", 0)),
      el("giftPack", {}, textEl("need", 0)),
    ),
    el(
      "deliveryWeight",
      {},
      textEl("weight", grams(order.weight)),
      box
        ? el("volume", {}, textEl("length", box.length), textEl("width", box.width), textEl("height", box.height))
        : undefined,
    ),
    ...items.map((i) =>
      el(
        "items",
        {},
        textEl("name", i.name),
        textEl("article", i.article),
        textEl("count", i.quantity),
        textEl("push", i.quantity),
        textEl("declaredPrice", money(i.retailPrice)),
        textEl("clientPrice", money(cod ? i.retailPrice : 0)),
        textEl("weight", grams(i.mass ?? order.weight / Math.max(1, items.length))),
        textEl("vat", i.vatRate),
      ),
    ),
  );
}

/** One order's state at TopDelivery as `getOrdersInfo` tells it. */
export interface OrderInfo {
  identity: OrderIdentity;
  status: { id: string; name: string } | null;
  workStatus: { id: string; name: string } | null;
  refusal: string | null;
  events: { date: string; name: string }[];
}

export function readOrdersInfo(response: XmlNode): OrderInfo[] {
  // One <ordersInfo> holding every <orderInfo>, or one <ordersInfo> per order: both are read.
  const holders = all(response, "ordersInfo");
  const infos = holders.length ? holders.flatMap((h) => all(h, "orderInfo")) : all(response, "orderInfo");
  return (infos.length ? infos : holders).map((o) => {
    const pair = (name: string) => {
      const n = one(o, name);
      const id = txt(n, "id");
      return id === undefined ? null : { id, name: txt(n, "name") ?? "" };
    };
    const deny = one(o, "denyParams");
    const reason = one(deny, "reason");
    return {
      identity: readIdentity(o),
      status: pair("status"),
      workStatus: pair("workStatus"),
      refusal: txt(reason, "name") ?? txt(deny, "reason") ?? null,
      events: all(o, "events").map((e) => ({
        date: txt(e, "date") ?? "",
        name: txt(one(e, "status"), "name") ?? txt(e, "name") ?? txt(e, "comment") ?? "",
      })),
    };
  });
}
