import type { InboundOrder } from "../types";

/**
 * An InSales order as `GET /admin/orders.json` and the webhooks give it (protocol notes §6.3): only what a courier
 * uses. Money comes as Rails decimal strings ("1500.0"); anything may be missing or null in a real shop.
 */
export interface InsalesOrderJson {
  id: number;
  number?: number | string | null;
  updated_at?: string | null;
  total_price?: string | number | null;
  items_price?: string | number | null;
  delivery_price?: string | number | null;
  full_delivery_price?: string | number | null;
  delivery_date?: string | null;
  delivery_from_hour?: number | null;
  delivery_to_hour?: number | null;
  delivery_interval?: { from_hour?: number | null; to_hour?: number | null } | null;
  financial_status?: string | null;
  fulfillment_status?: string | null;
  custom_status?: { permalink?: string | null } | null;
  comment?: string | null;
  client?: { name?: string | null; surname?: string | null; middlename?: string | null; phone?: string | null } | null;
  shipping_address?: {
    full_name?: string | null;
    name?: string | null;
    surname?: string | null;
    middlename?: string | null;
    phone?: string | null;
    city?: string | null;
    zip?: string | null;
    address?: string | null;
    full_delivery_address?: string | null;
  } | null;
  order_lines?:
    | {
        title?: string | null;
        sku?: string | null;
        quantity?: number | string | null;
        sale_price?: string | number | null;
        weight?: string | number | null;
      }[]
    | null;
}

/** The order statuses in which the shop has given the order up: it is cancelled here too. */
const CANCELLED_STATUSES = new Set(["declined"]);

const str = (v: unknown): string | undefined => {
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
};

const num = (v: unknown): number => {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : NaN;
  return Number.isFinite(n) ? n : 0;
};

/** Kopecks kept exact: 0.1 + 0.2 sums of decimal strings must not leak float noise into money. */
const money = (n: number) => Math.round(n * 100) / 100;

const hour = (h: unknown): string | undefined =>
  typeof h === "number" && Number.isInteger(h) && h >= 0 && h <= 24
    ? `${String(Math.min(h, 23)).padStart(2, "0")}:${h === 24 ? "59" : "00"}`
    : undefined;

const joined = (...parts: unknown[]) =>
  parts
    .map(str)
    .filter((p) => p !== undefined)
    .join(" ") || undefined;

/** The shop's status of an order: its custom status permalink (system statuses have their own code as permalink). */
export function shopStatusOf(o: InsalesOrderJson): string | undefined {
  return str(o.custom_status?.permalink) ?? str(o.fulfillment_status);
}

/**
 * An InSales order as our order input, in the shape every door sends to `validateOrder` (the XML API's neworder):
 * number = prefix + shop number, COD = the total unless paid, delivery date and hours, receiver from the shipping
 * address (the client card fills a missing name or phone). Checks stay with `validateOrder`: nothing is invented here.
 */
export function mapInsalesOrder(
  o: InsalesOrderJson,
  settings: { prefix?: string; triggerStatus: string },
): InboundOrder {
  const a = o.shipping_address ?? {};
  const c = o.client ?? {};
  const lines = o.order_lines ?? [];
  const paid = o.financial_status === "paid";
  const items = lines.map((l) => ({
    name: str(l.title) ?? "Товар",
    article: str(l.sku),
    quantity: num(l.quantity) || 1,
    mass: num(l.weight),
    retailPrice: num(l.sale_price),
  }));
  const weight = money(items.reduce((sum, i) => sum + i.mass * i.quantity, 0));
  const from = o.delivery_from_hour ?? o.delivery_interval?.from_hour;
  const to = o.delivery_to_hour ?? o.delivery_interval?.to_hour;
  const status = shopStatusOf(o);
  const shopNumber = str(o.number) ?? String(o.id);
  return {
    partnerOrderId: String(o.id),
    number: `${settings.prefix ?? ""}${shopNumber}`,
    updatedAt: str(o.updated_at) ?? null,
    shopStatus: status ?? null,
    ready: status === settings.triggerStatus || str(o.fulfillment_status) === settings.triggerStatus,
    cancelled: CANCELLED_STATUSES.has(str(o.fulfillment_status) ?? ""),
    order: {
      number: `${settings.prefix ?? ""}${shopNumber}`,
      receiver: {
        person: str(a.full_name) ?? joined(a.surname, a.name, a.middlename) ?? joined(c.surname, c.name, c.middlename),
        phone: str(a.phone) ?? str(c.phone),
        town: str(a.city),
        zip: str(a.zip),
        address: str(a.address) ?? str(a.full_delivery_address),
        date: str(o.delivery_date)?.slice(0, 10),
        timeMin: hour(from),
        timeMax: hour(to),
      },
      weight,
      quantity: 1,
      codAmount: paid ? 0 : money(num(o.total_price)),
      declaredValue: money(num(o.items_price) || items.reduce((s, i) => s + i.retailPrice * i.quantity, 0)),
      deliveryPrice: money(num(o.full_delivery_price) || num(o.delivery_price)),
      payType: paid ? "NO" : "CASH",
      instruction: str(o.comment),
      items,
    },
  };
}
