import type { OrderDetails } from "@/server/services/orders/lookup";
import { receiverOf, senderOf } from "@/server/services/orders/parties";
import { statusTitle } from "@/server/services/orders/statuses";
import { attr, el, field, formatDateTime, formatUtc, many, num, one, text, type OutNode, type XNode } from "./xml";

/** «2025-06-02 00:00:00» → «2025-06-02», «09:00:00» → «09:00»: modules send both forms. */
const dateOnly = (s: string | undefined) => (s && /^\d{4}-\d{2}-\d{2}[ T]/.test(s) ? s.slice(0, 10) : s);
const hhmm = (s: string | undefined) => (s && /^\d{2}:\d{2}:\d{2}$/.test(s) ? s.slice(0, 5) : s);

function party(p: XNode | undefined) {
  const town = one(p?.town);
  return {
    company: field(p, "company"),
    person: field(p, "person"),
    phone: field(p, "phone"),
    // <town regioncode="77">Москва</town>, <town>Москва<regioncode>77</regioncode></town> or <town><name>…</name></town>
    town: text(town) ?? field(town, "name"),
    regionCode: attr(town, "regioncode") ?? text(town?.regioncode) ?? field(p, "regioncode"),
    address: field(p, "address"),
    zip: field(p, "zipcode") ?? field(p, "zip"),
    date: dateOnly(field(p, "date")),
    timeMin: hhmm(field(p, "time_min")),
    timeMax: hhmm(field(p, "time_max")),
  };
}

const ORDER_EXTRAS = [
  "receiverpays",
  "discount",
  "return",
  "return_weight",
  "return_service",
  "return_type",
  "type",
  "pickup",
  "acceptpartially",
] as const;
const ITEM_EXTRAS = ["extcode", "type", "volume", "length", "width", "height"] as const;

/** One <order> of neworder/editorder → the order service's input, plus the fields our model keeps only as sent. */
export function orderFromXml(
  o: XNode,
  root?: XNode,
): { data: Record<string, unknown>; extras: Record<string, unknown> } {
  const sender = party(one(o.sender));
  const { regionCode: _senderRegion, ...senderFields } = sender;
  const receiver = party(one(o.receiver));
  const paytypeNode = one(o.paytype);
  const payType = (text(paytypeNode) ?? attr(o, "paytype"))?.toUpperCase();
  const itemNodes = many(one(o.items)?.item);
  const data = {
    number: field(o, "orderno"),
    barcode: field(o, "barcode"),
    department: field(o, "department"),
    sender: senderFields,
    receiver: { ...receiver, pvz: field(one(o.receiver), "pvz") },
    weight: field(o, "weight"),
    quantity: field(o, "quantity"),
    codAmount: field(o, "price"),
    declaredValue: field(o, "inshprice"),
    deliveryPrice: field(o, "deliveryprice"),
    payType,
    serviceCode: field(o, "service"),
    enclosure: field(o, "enclosure"),
    instruction: field(o, "instruction"),
    items: itemNodes.map((i) => ({
      name: text(i) ?? field(i, "name") ?? "",
      article: field(i, "article"),
      barcode: field(i, "barcode"),
      quantity: field(i, "quantity") ?? "1",
      mass: field(i, "mass"),
      retailPrice: field(i, "retprice"),
      vatRate: field(i, "vatrate"),
    })),
    packages: many(one(o.packages)?.package).map((p) => ({
      barcode: field(p, "strbarcode") ?? field(p, "barcode"),
      mass: field(p, "mass"),
      length: field(p, "length"),
      width: field(p, "width"),
      height: field(p, "height"),
      quantity: field(p, "quantity"),
      message: field(p, "message"),
    })),
  };
  const extras: Record<string, unknown> = {};
  for (const k of ORDER_EXTRAS) {
    const v = field(o, k);
    if (v !== undefined) extras[k] = v;
  }
  const ds = one(o.deliveryset);
  if (ds) {
    extras.deliveryset = {
      above_price: field(ds, "above_price"),
      return_price: field(ds, "return_price"),
      below: many(ds.below).map((b) => ({ below_sum: field(b, "below_sum"), price: field(b, "price") })),
    };
  }
  const itemExtras = itemNodes.map((i) =>
    Object.fromEntries(ITEM_EXTRAS.flatMap((k) => (field(i, k) !== undefined ? [[k, field(i, k)]] : []))),
  );
  if (itemExtras.some((x) => Object.keys(x).length)) extras.items = itemExtras;
  const newfolder = attr(root, "newfolder");
  if (newfolder) extras.newfolder = newfolder;
  return { data, extras };
}

function partyXml(
  name: string,
  p: {
    company?: string | null;
    person?: string | null;
    phone?: string | null;
    town?: string | null;
    regionCode?: string | null;
    address?: string | null;
    zip?: string | null;
    date?: string | null;
    timeMin?: string | null;
    timeMax?: string | null;
    pvz?: string | null;
  },
): OutNode {
  return el(name, {}, [
    el("company", {}, p.company),
    el("person", {}, p.person),
    el("phone", {}, p.phone),
    el("zipcode", {}, p.zip),
    el("town", { regioncode: p.regionCode ?? undefined }, p.town),
    el("address", {}, p.address),
    p.pvz !== undefined ? el("pvz", {}, p.pvz) : null,
    el("date", {}, p.date),
    el("time_min", {}, p.timeMin),
    el("time_max", {}, p.timeMax),
  ]);
}

const FINALS_DELIVERED = new Set(["COMPLETE", "PARTIALLY"]);

/** An order as statusreq answers it (measoft-xml-api.md §4.1). */
export function orderToXml(d: OrderDetails): OutNode {
  const o = d.order;
  const last = d.history[d.history.length - 1];
  const current = [...d.history].reverse().find((h) => h.status === o.status) ?? last;
  const ex = (d.extras ?? {}) as Record<string, unknown>;
  const exText = (k: string) => (typeof ex[k] === "string" ? (ex[k] as string) : undefined);
  const itemExtras = (Array.isArray(ex.items) ? ex.items : []) as Record<string, string>[];
  const delivered = FINALS_DELIVERED.has(o.status);
  return el("order", { orderno: o.number, awb: o.barcode ?? "", orderno2: "", ordercode: o.id, givencode: "" }, [
    el("barcode", {}, o.barcode ?? o.number),
    partyXml("sender", senderOf(o)),
    partyXml("receiver", { ...receiverOf(o), pvz: o.receiverPvz ?? "" }),
    el("department", {}, o.department),
    el("weight", {}, num(o.weight)),
    el("quantity", {}, o.quantity),
    el("paytype", {}, o.payType),
    el("service", {}, o.serviceCode),
    el("price", {}, num(o.codAmount)),
    el("inshprice", {}, num(o.declaredValue)),
    el("enclosure", {}, o.enclosure),
    el("instruction", {}, o.instruction),
    ...ORDER_EXTRAS.map((k) => (exText(k) !== undefined ? el(k, {}, exText(k)) : null)),
    el(
      "status",
      {
        eventstore: d.branch?.name ?? "",
        eventtime: formatDateTime(o.statusAt),
        createtimegmt: formatUtc(current?.createdAt ?? o.createdAt),
        title: statusTitle(o.status),
      },
      o.status,
    ),
    el(
      "statushistory",
      {},
      d.history.map((h) =>
        el(
          "status",
          {
            eventtime: formatDateTime(h.eventTime),
            createtimegmt: formatUtc(h.createdAt),
            title: statusTitle(h.status),
            source: h.source,
            message: h.comment ?? undefined,
          },
          h.status,
        ),
      ),
    ),
    delivered ? el("delivereddate", {}, formatDateTime(o.statusAt)!.slice(0, 10)) : null,
    delivered ? el("deliveredtime", {}, formatDateTime(o.statusAt)!.slice(11, 16)) : null,
    el("deliveryprice", { total: num(o.deliveryPrice) ?? "0", delivery: num(o.deliveryPrice) ?? "0", return: "0" }),
    d.branch ? el("partner", { code: d.branch.code }, d.branch.name) : null,
    el("outstrbarcode", {}, ""),
    el(
      "items",
      {},
      d.items.map((i, n) =>
        el(
          "item",
          {
            article: i.article ?? undefined,
            barcode: i.barcode ?? undefined,
            quantity: num(i.quantity),
            mass: num(i.mass),
            retprice: num(i.retailPrice),
            VATrate: i.vatRate ?? undefined,
            ...(itemExtras[n] ?? {}),
          },
          i.name,
        ),
      ),
    ),
    el(
      "packages",
      {},
      d.packages.map((p) =>
        el("package", {
          strbarcode: p.barcode ?? undefined,
          mass: num(p.mass),
          length: num(p.length),
          width: num(p.width),
          height: num(p.height),
          quantity: p.quantity,
          message: p.message ?? undefined,
        }),
      ),
    ),
  ]);
}
