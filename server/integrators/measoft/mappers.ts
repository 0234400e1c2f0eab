import { attr, child, children, childText, el, escapeXml, parseXmlRoot, text, textEl, type XmlNode } from "../xml";
import type { OutgoingOrder } from "../types";

/**
 * Pure request builders and response parsers for the MeaSoft XML API (measoft-xml-api.md). No I/O here:
 * `client.ts` sends what these build and hands the answer back to them.
 */

export interface MeasoftAuth {
  extra: string;
  login: string;
  pass: string;
  /** A courier's own user acting for one of its clients. */
  clientcode?: string;
}

export type FeedSide = "CLIENT" | "AGENT";

/** A request-level refusal (`<root error="25">Ошибка авторизации</root>`), in the partner's own words. */
export class MeasoftRequestError extends Error {
  constructor(
    readonly code: number,
    readonly partnerMessage: string,
  ) {
    super(`${partnerMessage} (код ${code})`);
    this.name = "MeasoftRequestError";
  }
}

/** The answer was not the MeaSoft API at all (HTML page, empty body, other root). */
export class MeasoftProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MeasoftProtocolError";
  }
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const authEl = (a: MeasoftAuth) =>
  el("auth", { extra: a.extra, login: a.login, pass: a.pass, clientcode: a.clientcode });

/** Parses an answer, requires the expected root and throws the partner's own error when the root carries one. */
export function readRoot(xml: string, expected: string): XmlNode {
  const root = parseXmlRoot(xml);
  if (!root) throw new MeasoftProtocolError("ответ не является XML");
  const code = Number(attr(root.node, "error") ?? (root.name === "error" ? (attr(root.node, "code") ?? "1") : "0"));
  if (Number.isFinite(code) && code !== 0) {
    const message = attr(root.node, "errormsgru") || attr(root.node, "errormsg") || text(root.node) || `ошибка ${code}`;
    throw new MeasoftRequestError(code, message.trim());
  }
  // The other root's name is the partner's markup: not repeated to the person who typed the address.
  if (root.name.toLowerCase() === "html") throw new MeasoftProtocolError("вместо ответа API пришла веб-страница");
  if (root.name !== expected) throw new MeasoftProtocolError(`ожидался ответ «${expected}», получен другой документ`);
  return root.node;
}

// ---------- client ----------

export function buildClientRequest(auth: MeasoftAuth): string {
  return XML_DECL + el("client", {}, authEl(auth));
}

export function parseClientResponse(xml: string): { code: string | undefined } {
  const node = readRoot(xml, "client");
  return { code: childText(node, "code") ?? text(node) };
}

// ---------- statusreq ----------

export interface StatusRequest {
  client?: FeedSide;
  orderno?: string;
  ordercode?: string;
  datefrom?: string;
  dateto?: string;
  done?: "ONLY_DONE" | "ONLY_NOT_DONE" | "ONLY_NEW" | "ONLY_DELIVERY";
  /** Change feed: everything changed since the last `commitlaststatus`; other filters are then ignored by the server. */
  changes?: boolean;
  /** 100…10000: an independent change-feed cursor per consumer. */
  streamid?: number;
}

export function buildStatusRequest(auth: MeasoftAuth, req: StatusRequest = {}): string {
  if (req.streamid !== undefined && (req.streamid < 100 || req.streamid > 10000))
    throw new RangeError("streamid must be 100…10000");
  return (
    XML_DECL +
    el(
      "statusreq",
      {},
      authEl(auth),
      textEl("client", req.client),
      textEl("orderno", req.orderno),
      textEl("ordercode", req.ordercode),
      textEl("datefrom", req.datefrom),
      textEl("dateto", req.dateto),
      textEl("done", req.done),
      req.changes ? textEl("changes", "ONLY_LAST") : undefined,
      req.changes ? textEl("quickstatus", "NO") : undefined,
      textEl("streamid", req.streamid),
    )
  );
}

export interface MeasoftStatusEvent {
  code: string;
  title?: string;
  eventTime?: string;
  message?: string;
}

export interface MeasoftOrderState {
  orderno: string;
  ordercode?: string;
  barcode?: string;
  awb?: string;
  status?: MeasoftStatusEvent;
  history: MeasoftStatusEvent[];
  deliveredTo?: string;
  deliveredDate?: string;
  deliveredTime?: string;
  outstrbarcode?: string;
}

const statusEvent = (n: unknown): MeasoftStatusEvent | undefined => {
  const code = text(n)?.trim();
  if (!code) return undefined;
  return { code, title: attr(n, "title"), eventTime: attr(n, "eventtime"), message: attr(n, "message") || undefined };
};

export function parseStatusResponse(xml: string): { count: number; orders: MeasoftOrderState[] } {
  const node = readRoot(xml, "statusreq");
  const orders = children(node, "order").map((o): MeasoftOrderState => ({
    orderno: attr(o, "orderno") ?? "",
    ordercode: attr(o, "ordercode") || undefined,
    awb: attr(o, "awb") || undefined,
    barcode: childText(o, "barcode"),
    status: statusEvent(child(o, "status")),
    history: children(child(o, "statushistory"), "status")
      .map(statusEvent)
      .filter((s): s is MeasoftStatusEvent => !!s),
    deliveredTo: childText(o, "deliveredto"),
    deliveredDate: childText(o, "delivereddate"),
    deliveredTime: childText(o, "deliveredtime"),
    outstrbarcode: childText(o, "outstrbarcode"),
  }));
  const count = Number(attr(node, "count") ?? orders.length);
  return { count: Number.isFinite(count) ? count : orders.length, orders };
}

// ---------- commitlaststatus ----------

export function buildCommitLastStatus(auth: MeasoftAuth, opts: { client?: FeedSide; streamid?: number } = {}): string {
  return (
    XML_DECL +
    el("commitlaststatus", {}, authEl(auth), textEl("client", opts.client), textEl("streamid", opts.streamid))
  );
}

export function parseCommitLastStatus(xml: string): { ok: true } {
  readRoot(xml, "commitlaststatus");
  return { ok: true };
}

// ---------- neworder ----------

export interface MeasoftParty {
  company?: string | null;
  person?: string | null;
  phone?: string | null;
  town?: string | null;
  regionCode?: string | null;
  address?: string | null;
  zipcode?: string | null;
  pvz?: string | null;
  date?: string | null;
  timeMin?: string | null;
  timeMax?: string | null;
}

export interface MeasoftOutgoingOrder {
  orderno: string;
  barcode?: string | null;
  department?: string | null;
  sender?: MeasoftParty;
  receiver: MeasoftParty;
  /** kg */
  weight: number;
  quantity: number;
  payType: "CASH" | "CARD" | "NO" | "OTHER";
  service?: number | null;
  /** COD to collect. */
  price: number;
  deliveryPrice?: number;
  declaredValue?: number;
  enclosure?: string | null;
  instruction?: string | null;
  items?: {
    name: string;
    article?: string | null;
    barcode?: string | null;
    quantity: number;
    mass?: number | null;
    retailPrice: number;
    vatRate?: number | null;
  }[];
  packages?: {
    barcode?: string | null;
    mass?: number | null;
    length?: number | null;
    width?: number | null;
    height?: number | null;
    quantity?: number;
    message?: string | null;
  }[];
}

const party = (name: "sender" | "receiver", p: MeasoftParty | undefined) =>
  p &&
  el(
    name,
    {},
    textEl("company", p.company),
    textEl("person", p.person),
    textEl("phone", p.phone),
    name === "receiver" ? textEl("zipcode", p.zipcode) : undefined,
    textEl("town", p.town, { regioncode: p.regionCode }),
    textEl("address", p.address),
    name === "receiver" ? textEl("pvz", p.pvz) : undefined,
    textEl("date", p.date),
    textEl("time_min", p.timeMin),
    textEl("time_max", p.timeMax),
  );

export function buildNewOrder(auth: MeasoftAuth, orders: MeasoftOutgoingOrder[]): string {
  const body = orders.map((o) =>
    el(
      "order",
      { orderno: o.orderno },
      textEl("barcode", o.barcode),
      textEl("department", o.department),
      party("sender", o.sender),
      party("receiver", o.receiver),
      textEl("weight", o.weight),
      textEl("quantity", o.quantity),
      textEl("paytype", o.payType),
      textEl("service", o.service),
      textEl("price", o.price),
      textEl("deliveryprice", o.deliveryPrice),
      textEl("inshprice", o.declaredValue),
      textEl("enclosure", o.enclosure),
      textEl("instruction", o.instruction),
      o.items?.length
        ? el(
            "items",
            {},
            ...o.items.map((i) =>
              el(
                "item",
                {
                  article: i.article,
                  barcode: i.barcode,
                  quantity: i.quantity,
                  mass: i.mass,
                  retprice: i.retailPrice,
                  VATrate: i.vatRate,
                },
                escapeXml(i.name),
              ),
            ),
          )
        : undefined,
      o.packages?.length
        ? el(
            "packages",
            {},
            ...o.packages.map((p) =>
              el("package", {
                strbarcode: p.barcode,
                mass: p.mass,
                length: p.length,
                width: p.width,
                height: p.height,
                quantity: p.quantity,
                message: p.message,
              }),
            ),
          )
        : undefined,
    ),
  );
  return XML_DECL + el("neworder", { newfolder: "NO" }, authEl(auth), ...body);
}

export interface MeasoftItemResult {
  orderno: string;
  ordercode?: string;
  barcode?: string;
  ok: boolean;
  error: number;
  message?: string;
  orderprice?: number;
}

const itemResult = (n: unknown): MeasoftItemResult => {
  const error = Number(attr(n, "error") ?? "0");
  const price = attr(n, "orderprice");
  return {
    orderno: attr(n, "orderno") ?? "",
    ordercode: attr(n, "ordercode") || undefined,
    barcode: attr(n, "barcode") || undefined,
    ok: error === 0,
    error,
    message: attr(n, "errormsgru") || attr(n, "errormsg") || undefined,
    orderprice: price === undefined || price === "" ? undefined : Number(price),
  };
};

export function parseNewOrderResponse(xml: string, root: "neworder" | "editorder" = "neworder"): MeasoftItemResult[] {
  return children(readRoot(xml, root), "createorder").map(itemResult);
}

// ---------- cancelorder ----------

export function buildCancelOrder(auth: MeasoftAuth, orders: { orderno?: string; ordercode?: string }[]): string {
  if (orders.some((o) => !o.orderno && !o.ordercode)) throw new RangeError("each order needs orderno or ordercode");
  return (
    XML_DECL +
    el(
      "cancelorder",
      {},
      authEl(auth),
      ...orders.map((o) => el("order", { orderno: o.orderno, ordercode: o.ordercode })),
    )
  );
}

/** Error 52 = order not found at the partner. */
export function parseCancelOrderResponse(xml: string): MeasoftItemResult[] {
  return children(readRoot(xml, "cancelorder"), "order").map(itemResult);
}

// ---------- our order → MeaSoft ----------

export function toMeasoftOrder(o: OutgoingOrder): MeasoftOutgoingOrder {
  return {
    orderno: o.number,
    barcode: o.barcode,
    sender: { ...o.sender, zipcode: o.sender.zip },
    receiver: { ...o.receiver, zipcode: o.receiver.zip },
    weight: o.weight,
    quantity: o.quantity,
    payType: o.payType,
    service: o.serviceCode,
    price: o.codAmount,
    deliveryPrice: o.deliveryPrice,
    declaredValue: o.declaredValue,
    enclosure: o.enclosure,
    instruction: o.instruction,
    items: o.items,
    packages: o.packages,
  };
}

/** "2025-06-03 14:05:00" as MeaSoft writes it (partner-local time; we read it as Moscow time, UTC+3). */
export function parseMeasoftTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::(\d{2}))?/.exec(value.trim());
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2]}:${m[3] ?? "00"}+03:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
