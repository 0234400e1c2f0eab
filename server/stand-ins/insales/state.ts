import { createHash, randomBytes } from "node:crypto";
import { ControlError } from "../shared/process";
import {
  type AutologinSignature,
  type CreateShopInput,
  type CustomStatus,
  type FieldValue,
  type FinancialStatus,
  FULFILLMENT_STATUSES,
  type FulfillmentStatus,
  type InSalesOrder,
  type InSalesShop,
  type InSalesStandInOptions,
  type InSalesStandInState,
  type InSalesStandInTuning,
  type InSalesUser,
  type OrderField,
  type OrderInput,
  type OrderPatch,
  type StandInCounters,
  type Webhook,
  type WebhookTopic,
} from "./types";

/**
 * The stand-in's memory and verbs, free of HTTP: shops (install state, password), orders, custom statuses, order
 * fields, webhooks. `server.ts` maps REST and control requests onto it and delivers the webhooks it announces.
 */

export const DEFAULT_APP_ID = "kurier-hub";
export const DEFAULT_APP_SECRET = "kh-insales-secret";

export const DEFAULT_TUNING: InSalesStandInTuning = {
  rateLimit: { requests: 500, windowMs: 5 * 60 * 1000 },
  loseWebhooks: 0,
  duplicateWebhooks: 0,
  autologinSignature: "full",
  autologinParam: "token",
  defaultPerPage: 100,
};

export const MAX_PER_PAGE = 250;
export const WEBHOOK_TOPICS: WebhookTopic[] = ["orders/create", "orders/update", "orders/destroy"];

const SYSTEM_TITLES: Record<FulfillmentStatus, string> = {
  new: "Новый",
  accepted: "В обработке",
  approved: "Согласован",
  dispatched: "Отгружен",
  delivered: "Доставлен",
  declined: "Отклонён",
  returned: "Возврат",
};

export { ControlError };

export const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** The per-shop app password of notes §2. */
export const passwordFor = (token: string, secret: string) => md5(token + secret);

/** The autologin signature of notes §4 by the chosen formula. */
export function autologinSignature(
  formula: AutologinSignature,
  nonce: string,
  user: InSalesUser,
  password: string,
): string {
  if (formula === "short") return md5(nonce + password);
  const head = nonce + user.email + user.name + String(user.id);
  return md5(formula === "full" ? head + "true" + password : head + password);
}

/** InSales' timestamps: Moscow time with the offset and milliseconds, e.g. `2025-03-01T12:00:00.123+03:00`. */
export function insalesTime(ms: number): string {
  return new Date(ms + 3 * 3600_000).toISOString().replace("Z", "+03:00");
}

/**
 * `updated_since` as notes §6.2 show it (`2025-03-01 00:00:00 +03:00`, the `+` of the query already a space) or
 * ISO 8601; no offset means UTC. Returns ms or undefined when it cannot be read.
 */
export function parseUpdatedSince(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i.exec(
    text.trim(),
  );
  if (!m) return undefined;
  let zone = m[3] ?? "Z";
  if (/^utc$/i.test(zone)) zone = "Z";
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]!.length === 5 ? `${m[2]}:00` : m[2]}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const TRANSLIT: Record<string, string> = Object.fromEntries(
  "а:a б:b в:v г:g д:d е:e ё:e ж:zh з:z и:i й:i к:k л:l м:m н:n о:o п:p р:r с:s т:t у:u ф:f х:kh ц:ts ч:ch ш:sh щ:shch ъ: ы:y ь:i э:e ю:iu я:ia"
    .split(" ")
    .map((p) => p.split(":") as [string, string]),
);

/** A permalink/handle from a Russian title, as the notes' example «Передан курьеру» → `peredan-kurieru`. */
export function slugify(title: string): string {
  const latin = [...title.toLowerCase()].map((c) => TRANSLIT[c] ?? c).join("");
  return latin.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "status";
}

const money = (x: number) => (Number.isInteger(x) ? `${x}.0` : String(Math.round(x * 100) / 100));

function num(value: unknown, what: string, { min = 0, integer = false } = {}): number {
  const x = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof x !== "number" || !Number.isFinite(x) || x < min || (integer && !Number.isInteger(x)))
    throw new ControlError(400, `${what}: нужно ${integer ? "целое " : ""}число не меньше ${min}`);
  return x;
}

function str(value: unknown, what: string, { required = false, max = 1000 } = {}): string | undefined {
  if (value === undefined || value === null || value === "") {
    if (required) throw new ControlError(400, `${what}: обязательное поле`);
    return undefined;
  }
  if (typeof value !== "string") throw new ControlError(400, `${what}: нужна строка`);
  if (value.length > max) throw new ControlError(400, `${what}: не длиннее ${max} символов`);
  return value;
}

function fulfillment(value: unknown, what = "fulfillment_status"): FulfillmentStatus {
  if (typeof value !== "string" || !FULFILLMENT_STATUSES.includes(value))
    throw new ControlError(400, `${what}: нужен один из ${FULFILLMENT_STATUSES.join(", ")}`);
  return value as FulfillmentStatus;
}

function financial(value: unknown): FinancialStatus {
  if (value !== "pending" && value !== "paid") throw new ControlError(400, "financial_status: нужен pending или paid");
  return value;
}

function isoDate(value: unknown, what: string): string | null {
  if (value === null) return null;
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new ControlError(400, `${what}: нужна дата ГГГГ-ММ-ДД`);
  return value;
}

function hour(value: unknown, what: string): number | null {
  if (value === null) return null;
  const h = num(value, what, { integer: true });
  if (h > 24) throw new ControlError(400, `${what}: час от 0 до 24`);
  return h;
}

interface StoredOrder {
  shopId: number;
  createdMs: number;
  updatedMs: number;
  order: Omit<InSalesOrder, "created_at" | "updated_at">;
}

interface ShopData {
  shop: InSalesShop;
  statuses: CustomStatus[];
  fields: OrderField[];
  webhooks: Webhook[];
  nextNumber: number;
}

/** An order change announced to the webhook sender (the payload is the order as of that moment). */
export type OrderEvent = { shop: InSalesShop; topic: WebhookTopic; order: InSalesOrder; webhooks: Webhook[] };

export function emptyCounters(): StandInCounters {
  return {
    requests: {},
    unauthorized: 0,
    rateLimited: 0,
    peakUsage: 0,
    installCalls: 0,
    uninstallCalls: 0,
    autologins: 0,
    webhooksSent: 0,
    webhooksLost: 0,
    webhooksDuplicated: 0,
    webhookFailures: 0,
  };
}

export function resolveTuning(patch: Partial<InSalesStandInTuning>, base = DEFAULT_TUNING): InSalesStandInTuning {
  const t: InSalesStandInTuning = { ...base, rateLimit: { ...base.rateLimit } };
  if (patch.rateLimit !== undefined) {
    const r = patch.rateLimit as Partial<InSalesStandInTuning["rateLimit"]>;
    t.rateLimit = {
      requests: num(r.requests ?? t.rateLimit.requests, "rateLimit.requests", { integer: true, min: 1 }),
      windowMs: num(r.windowMs ?? t.rateLimit.windowMs, "rateLimit.windowMs", { min: 1 }),
    };
  }
  for (const key of ["loseWebhooks", "duplicateWebhooks"] as const)
    if (patch[key] !== undefined) {
      t[key] = num(patch[key], key);
      if (t[key] > 1) throw new ControlError(400, `${key}: доля от 0 до 1`);
    }
  if (patch.autologinSignature !== undefined) {
    if (!["full", "gem", "short"].includes(patch.autologinSignature))
      throw new ControlError(400, "autologinSignature: нужен full, gem или short");
    t.autologinSignature = patch.autologinSignature;
  }
  if (patch.autologinParam !== undefined) {
    if (patch.autologinParam !== "token" && patch.autologinParam !== "token3")
      throw new ControlError(400, "autologinParam: нужен token или token3");
    t.autologinParam = patch.autologinParam;
  }
  if (patch.defaultPerPage !== undefined)
    t.defaultPerPage = Math.min(MAX_PER_PAGE, num(patch.defaultPerPage, "defaultPerPage", { integer: true, min: 1 }));
  return t;
}

export class InSalesPartner {
  readonly state: InSalesStandInState;
  readonly appId: string;
  readonly appSecret: string;
  readonly random: () => number;
  readonly now: () => number;
  private readonly shops = new Map<number, ShopData>();
  private readonly orders = new Map<number, StoredOrder>();
  private seq = { shop: 100_000, order: 5_000_000, line: 9_000_000, client: 700_000, field: 40, value: 80_000 };
  private seqWebhook = 0;
  private seqUser = 0;

  constructor(
    options: InSalesStandInOptions,
    private readonly base: () => string,
    private readonly announce: (event: OrderEvent) => void,
  ) {
    this.appId = options.appId ?? DEFAULT_APP_ID;
    this.appSecret = options.appSecret ?? DEFAULT_APP_SECRET;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.state = {
      shops: [],
      tuning: resolveTuning(options),
      appUrls: { ...options.appUrls },
      deliveries: [],
      writes: [],
      counters: emptyCounters(),
    };
  }

  // ---- shops and the back office ----

  createShop(input: CreateShopInput = {}): InSalesShop {
    const insalesId =
      input.insalesId === undefined ? ++this.seq.shop : num(input.insalesId, "insalesId", { integer: true, min: 1 });
    if (this.shops.has(insalesId)) throw new ControlError(409, `Магазин с insales_id ${insalesId} уже есть`);
    const host = (str(input.host, "host", { max: 253 }) ?? `shop-${insalesId}.myinsales.ru`).toLowerCase();
    if (!/^[a-z0-9.-]+$/.test(host)) throw new ControlError(400, "host: только латиница, цифры, точки и дефисы");
    if (this.state.shops.some((s) => s.host === host)) throw new ControlError(409, `Магазин ${host} уже есть`);
    const users = (input.users ?? [{ email: `owner@${host}`, name: "Владелец магазина" }]).map((u) => ({
      id: u.id ?? ++this.seqUser + 1000,
      email: str(u.email, "users.email", { required: true })!,
      name: str(u.name, "users.name", { required: true })!,
    }));
    if (users.length === 0) throw new ControlError(400, "users: нужен хотя бы один сотрудник");
    const shop: InSalesShop = {
      insalesId,
      host,
      title: input.title ?? `Магазин ${insalesId}`,
      users,
      installed: false,
      apiBase: `${this.base()}/shops/${host}`,
    };
    const statuses = FULFILLMENT_STATUSES.map((s) => ({
      permalink: s,
      title: SYSTEM_TITLES[s as FulfillmentStatus],
      system_status: s as FulfillmentStatus,
      is_system: true,
    }));
    this.shops.set(insalesId, { shop, statuses, fields: [], webhooks: [], nextNumber: 1001 });
    this.state.shops.push(shop);
    return shop;
  }

  /** A shop by insales_id (number or digits) or host. */
  shop(ref: string | number | undefined): InSalesShop {
    return this.data(ref).shop;
  }

  private data(ref: string | number | undefined): ShopData {
    if (ref === undefined || ref === "") throw new ControlError(400, "shop: укажите insales_id или адрес магазина");
    const id = typeof ref === "number" ? ref : /^\d+$/.test(ref) ? Number(ref) : undefined;
    const found =
      id !== undefined
        ? this.shops.get(id)
        : [...this.shops.values()].find((d) => d.shop.host === String(ref).toLowerCase());
    if (!found) throw new ControlError(404, `Магазин «${ref}» не найден`);
    return found;
  }

  findShopByHost(host: string): InSalesShop | undefined {
    return this.state.shops.find((s) => s.host === host.toLowerCase());
  }

  findShopByPassword(password: string): InSalesShop | undefined {
    return this.state.shops.find((s) => s.installed && s.password === password);
  }

  /** A fresh one-time install token and the password it gives (kept only if our install URL answers 200). */
  issueToken(): { token: string; password: string } {
    const token = randomBytes(16).toString("hex");
    return { token, password: passwordFor(token, this.appSecret) };
  }

  markInstalled(shop: InSalesShop, token: string, password: string) {
    Object.assign(shop, { installed: true, token, password });
  }

  /** InSales forgets the app: the password stops working and the app's webhooks die with it (notes §3). */
  markUninstalled(shop: InSalesShop) {
    shop.installed = false;
    delete shop.password;
    delete shop.token;
    this.data(shop.insalesId).webhooks = [];
  }

  user(shop: InSalesShop, userId?: number | string): InSalesUser {
    if (userId === undefined || userId === "") return shop.users[0]!;
    const user = shop.users.find((u) => String(u.id) === String(userId));
    if (!user) throw new ControlError(404, `Сотрудник ${userId} не найден в магазине ${shop.host}`);
    return user;
  }

  // ---- orders ----

  private view(s: StoredOrder): InSalesOrder {
    return structuredClone({ ...s.order, created_at: insalesTime(s.createdMs), updated_at: insalesTime(s.updatedMs) });
  }

  private stored(shop: InSalesShop, id: number | string): StoredOrder {
    const s = this.orders.get(Number(id));
    if (!s || s.shopId !== shop.insalesId) throw new ControlError(404, `Заказ ${id} не найден`);
    return s;
  }

  order(shopRef: string | number, id: number | string): InSalesOrder {
    return this.view(this.stored(this.shop(shopRef), id));
  }

  /** Every order of a shop in the order of §6.2 (updated_at, then id). */
  orderList(shopRef: string | number): InSalesOrder[] {
    const shop = this.shop(shopRef);
    return this.sorted(shop).map((s) => this.view(s));
  }

  private sorted(shop: InSalesShop): StoredOrder[] {
    return [...this.orders.values()]
      .filter((s) => s.shopId === shop.insalesId)
      .sort((a, b) => a.updatedMs - b.updatedMs || a.order.id - b.order.id);
  }

  /**
   * `GET /admin/orders.json`. With `updated_since`/`from_id` (§6.2): orders after the cursor (updated_at, id) in that
   * order, the first `per_page` of them; `page` pages the same filtered list (what §6.2 warns against).
   */
  listOrders(
    shop: InSalesShop,
    q: { updatedSince?: number; fromId?: number; page: number; perPage: number },
  ): InSalesOrder[] {
    const since = q.updatedSince;
    const from = q.fromId;
    const all = this.sorted(shop).filter((s) => {
      if (since !== undefined && from !== undefined)
        return s.updatedMs > since || (s.updatedMs === since && s.order.id > from);
      if (since !== undefined) return s.updatedMs >= since;
      if (from !== undefined) return s.order.id > from;
      return true;
    });
    return all.slice((q.page - 1) * q.perPage, q.page * q.perPage).map((s) => this.view(s));
  }

  countOrders(shop: InSalesShop): number {
    return [...this.orders.values()].filter((s) => s.shopId === shop.insalesId).length;
  }

  createOrder(input: OrderInput): InSalesOrder {
    const data = this.data(input.shop);
    const shop = data.shop;
    const now = this.now();
    const number =
      input.number === undefined ? data.nextNumber : num(input.number, "number", { integer: true, min: 1 });
    if (this.sorted(shop).some((s) => s.order.number === number))
      throw new ControlError(409, `Заказ №${number} уже есть в магазине ${shop.host}`);
    const id = ++this.seq.order;
    const order: StoredOrder["order"] = {
      id,
      number,
      key: randomBytes(16).toString("hex"),
      total_price: "0.0",
      items_price: "0.0",
      delivery_price: "0.0",
      full_delivery_price: "0.0",
      delivery_variant_id: input.delivery_variant_id ?? 1,
      delivery_title: "Курьером",
      delivery_description: null,
      delivery_date: null,
      delivery_from_hour: null,
      delivery_to_hour: null,
      delivery_interval: null,
      delivery_info: null,
      payment_gateway_id: input.payment_gateway_id ?? 1,
      payment_title: "Наличными курьеру",
      financial_status: "pending",
      fulfillment_status: "new",
      custom_status: { permalink: "new", title: SYSTEM_TITLES.new, system_status: "new" },
      comment: null,
      manager_comment: null,
      client: {
        id: ++this.seq.client,
        name: "Анна",
        surname: "Покупателева",
        middlename: null,
        phone: "+79990001122",
        email: "anna@example.ru",
      },
      shipping_address: {
        id: ++this.seq.client,
        full_name: "Анна Покупателева",
        name: "Анна",
        surname: "Покупателева",
        middlename: null,
        phone: "+79990001122",
        country: "RU",
        state: "Москва",
        city: "Москва",
        zip: "101000",
        street: "Тверская",
        house: "1",
        flat: "10",
        address: "Тверская, 1, кв. 10",
        full_delivery_address: "",
        fields_values: [],
      },
      order_lines: [],
      fields_values: [],
    };
    const stored: StoredOrder = { shopId: shop.insalesId, createdMs: now, updatedMs: now, order };
    this.apply(data, order, {
      ...input,
      order_lines: input.order_lines ?? [
        { title: "Футболка", quantity: 1, sale_price: 1500, sku: "TS-1", weight: 0.3 },
      ],
      delivery_price: input.delivery_price ?? 300,
    });
    data.nextNumber = Math.max(data.nextNumber, number + 1);
    this.orders.set(id, stored);
    return this.emit(data, "orders/create", stored);
  }

  /** A change by the shop's staff or a customer (control); announces orders/update. */
  updateOrder(shopRef: string | number, id: number | string, patch: OrderPatch): InSalesOrder {
    const data = this.data(shopRef);
    const s = this.stored(data.shop, id);
    const next = structuredClone(s.order);
    this.apply(data, next, patch);
    s.order = next;
    s.updatedMs = Math.max(this.now(), s.updatedMs);
    return this.emit(data, "orders/update", s);
  }

  deleteOrder(shop: InSalesShop, id: number | string): InSalesOrder {
    const data = this.data(shop.insalesId);
    const s = this.stored(shop, id);
    this.orders.delete(s.order.id);
    return this.emit(data, "orders/destroy", s);
  }

  /**
   * `PUT /admin/orders/{id}.json` by our app (§8): fulfillment_status, custom_status_permalink, financial_status,
   * fields_values_attributes, comments, delivery date and hours. Other keys are ignored, as Rails ignores them.
   */
  writeOrder(shop: InSalesShop, id: number | string, body: Record<string, unknown>): InSalesOrder {
    const data = this.data(shop.insalesId);
    const s = this.stored(shop, id);
    const next = structuredClone(s.order);
    const patch: OrderPatch = {};
    for (const key of [
      "fulfillment_status",
      "financial_status",
      "comment",
      "manager_comment",
      "delivery_date",
      "delivery_from_hour",
      "delivery_to_hour",
    ] as const)
      if (key in body) Object.assign(patch, { [key]: body[key] });
    if ("custom_status_permalink" in body) patch.custom_status = body.custom_status_permalink as string;
    this.apply(data, next, patch);
    if ("fields_values_attributes" in body) this.setFieldValues(data, next, body.fields_values_attributes);
    s.order = next;
    s.updatedMs = Math.max(this.now(), s.updatedMs);
    this.state.writes.push({ shop: shop.host, orderId: s.order.id, at: insalesTime(this.now()), body });
    return this.emit(data, "orders/update", s);
  }

  private setFieldValues(data: ShopData, order: StoredOrder["order"], raw: unknown) {
    if (!Array.isArray(raw)) throw new ControlError(400, "fields_values_attributes: нужен массив");
    for (const item of raw as Record<string, unknown>[]) {
      const field = data.fields.find(
        (f) =>
          (item.handle !== undefined && f.handle === item.handle) ||
          (item.field_id !== undefined && f.id === Number(item.field_id)),
      );
      if (!field)
        throw new ControlError(
          400,
          `fields_values_attributes: нет дополнительного поля ${String(item.handle ?? item.field_id)}; создайте его через POST /admin/fields.json`,
        );
      const value = item.value === null || item.value === undefined ? null : String(item.value);
      const existing = order.fields_values.find((v) => v.field_id === field.id);
      if (existing) existing.value = value;
      else
        order.fields_values.push({
          id: ++this.seq.value,
          field_id: field.id,
          handle: field.handle,
          name: field.office_title,
          value,
        } satisfies FieldValue);
    }
  }

  /** Applies a control/API patch to an order in place (validating first where a mistake would half-apply). */
  private apply(data: ShopData, o: StoredOrder["order"], p: OrderPatch) {
    if (p.custom_status !== undefined) {
      const cs = data.statuses.find((c) => c.permalink === p.custom_status);
      if (!cs) throw new ControlError(400, `custom_status_permalink: статуса «${p.custom_status}» в магазине нет`);
      o.custom_status = { permalink: cs.permalink, title: cs.title, system_status: cs.system_status };
      o.fulfillment_status = cs.system_status;
    } else if (p.fulfillment_status !== undefined) {
      const fs = fulfillment(p.fulfillment_status);
      o.fulfillment_status = fs;
      // Setting only the system status moves the order to that status's built-in custom status.
      if (o.custom_status.system_status !== fs)
        o.custom_status = { permalink: fs, title: SYSTEM_TITLES[fs], system_status: fs };
    }
    if (p.financial_status !== undefined) o.financial_status = financial(p.financial_status);
    if (p.client) {
      const c = p.client;
      for (const k of ["name", "surname", "middlename", "phone", "email"] as const)
        if (k in c) Object.assign(o.client, { [k]: str(c[k], `client.${k}`) ?? (k === "name" ? o.client.name : null) });
    }
    if (p.shipping_address) {
      const a = p.shipping_address;
      const keys = ["name", "surname", "middlename", "phone", "country", "state", "city", "zip", "street", "house"];
      for (const k of [...keys, "flat", "address", "full_name"] as const)
        if (k in a)
          Object.assign(o.shipping_address, { [k]: str(a[k as keyof typeof a], `shipping_address.${k}`) ?? null });
      if (!("full_name" in a))
        o.shipping_address.full_name = [o.shipping_address.name, o.shipping_address.surname].filter(Boolean).join(" ");
      if (!("address" in a) && ("street" in a || "house" in a || "flat" in a))
        o.shipping_address.address = [
          o.shipping_address.street,
          o.shipping_address.house,
          o.shipping_address.flat && `кв. ${o.shipping_address.flat}`,
        ]
          .filter(Boolean)
          .join(", ");
    }
    const sa = o.shipping_address;
    sa.full_delivery_address = [sa.zip, sa.state !== sa.city ? sa.state : null, sa.city, sa.address]
      .filter(Boolean)
      .join(", ");
    if (p.order_lines !== undefined) {
      if (!Array.isArray(p.order_lines) || p.order_lines.length === 0)
        throw new ControlError(400, "order_lines: нужна хотя бы одна позиция");
      o.order_lines = p.order_lines.map((l, i) => {
        const price = num(l.sale_price, `order_lines[${i}].sale_price`);
        const quantity = num(l.quantity ?? 1, `order_lines[${i}].quantity`, { integer: true, min: 1 });
        return {
          id: ++this.seq.line,
          variant_id: l.variant_id ?? null,
          product_id: null,
          sku: l.sku ?? null,
          title: str(l.title, `order_lines[${i}].title`, { required: true })!,
          quantity,
          sale_price: money(price),
          full_sale_price: money(price * quantity),
          weight: l.weight === undefined ? null : String(num(l.weight, `order_lines[${i}].weight`)),
        };
      });
    }
    if (p.delivery_price !== undefined) {
      o.delivery_price = money(num(p.delivery_price, "delivery_price"));
      o.full_delivery_price = o.delivery_price;
    }
    for (const k of ["delivery_title", "delivery_description", "payment_title", "comment", "manager_comment"] as const)
      if (p[k] !== undefined) o[k] = str(p[k], k) ?? null;
    if (p.delivery_variant_id !== undefined) o.delivery_variant_id = p.delivery_variant_id;
    if (p.delivery_info !== undefined) o.delivery_info = p.delivery_info;
    if (p.delivery_date !== undefined) o.delivery_date = isoDate(p.delivery_date, "delivery_date");
    if (p.delivery_from_hour !== undefined) o.delivery_from_hour = hour(p.delivery_from_hour, "delivery_from_hour");
    if (p.delivery_to_hour !== undefined) o.delivery_to_hour = hour(p.delivery_to_hour, "delivery_to_hour");
    const { delivery_from_hour: from, delivery_to_hour: to } = o;
    if (from !== null && to !== null && from >= to)
      throw new ControlError(400, "delivery_from_hour должен быть меньше delivery_to_hour");
    o.delivery_interval =
      from !== null && to !== null ? { from_hour: from, to_hour: to, description: `с ${from}:00 до ${to}:00` } : null;
    const items = o.order_lines.reduce((sum, l) => sum + Number(l.full_sale_price), 0);
    o.items_price = money(items);
    o.total_price = money(items + Number(o.full_delivery_price));
  }

  private emit(data: ShopData, topic: WebhookTopic, s: StoredOrder): InSalesOrder {
    const order = this.view(s);
    const webhooks = data.shop.installed ? data.webhooks.filter((w) => w.topic === topic) : [];
    if (webhooks.length) this.announce({ shop: data.shop, topic, order, webhooks });
    return order;
  }

  // ---- custom statuses (§6.4) ----

  statuses(shop: InSalesShop): CustomStatus[] {
    return structuredClone(this.data(shop.insalesId).statuses);
  }

  status(shop: InSalesShop, permalink: string): CustomStatus {
    const cs = this.data(shop.insalesId).statuses.find((c) => c.permalink === permalink);
    if (!cs) throw new ControlError(404, `Статус «${permalink}» не найден`);
    return cs;
  }

  createStatus(shop: InSalesShop, body: Record<string, unknown>): CustomStatus {
    const data = this.data(shop.insalesId);
    const title = str(body.title, "custom_status.title", { required: true, max: 255 })!;
    const system_status = fulfillment(body.system_status, "custom_status.system_status");
    const permalink = str(body.permalink, "custom_status.permalink", { max: 255 }) ?? slugify(title);
    if (!/^[a-z0-9_-]+$/.test(permalink))
      throw new ControlError(400, "custom_status.permalink: только латиница в нижнем регистре, цифры, - и _");
    if (data.statuses.some((c) => c.permalink === permalink))
      throw new ControlError(400, `custom_status.permalink: статус «${permalink}» уже есть`);
    const cs: CustomStatus = { permalink, title, system_status, is_system: false };
    data.statuses.push(cs);
    return structuredClone(cs);
  }

  updateStatus(shop: InSalesShop, permalink: string, body: Record<string, unknown>): CustomStatus {
    const cs = this.status(shop, permalink);
    if (cs.is_system) throw new ControlError(400, "Системный статус изменить нельзя");
    if (body.title !== undefined) cs.title = str(body.title, "custom_status.title", { required: true, max: 255 })!;
    if (body.system_status !== undefined) cs.system_status = fulfillment(body.system_status);
    return structuredClone(cs);
  }

  deleteStatus(shop: InSalesShop, permalink: string): CustomStatus {
    const data = this.data(shop.insalesId);
    const cs = this.status(shop, permalink);
    if (cs.is_system) throw new ControlError(400, "Системный статус удалить нельзя");
    if (this.sorted(shop).some((s) => s.order.custom_status.permalink === permalink))
      throw new ControlError(400, `Статус «${permalink}» назначен заказам; сначала смените им статус`);
    data.statuses = data.statuses.filter((c) => c !== cs);
    return cs;
  }

  // ---- order fields (§8) ----

  fields(shop: InSalesShop): OrderField[] {
    return structuredClone(this.data(shop.insalesId).fields);
  }

  createField(shop: InSalesShop, body: Record<string, unknown>): OrderField {
    const data = this.data(shop.insalesId);
    const type = str(body.type, "field.type", { required: true })!;
    if (!/^Field::(TextField|TextArea|Checkbox|FileField|Delivery|PickPoint)$/.test(type))
      throw new ControlError(
        400,
        "field.type: нужен Field::TextField, TextArea, Checkbox, FileField, Delivery или PickPoint",
      );
    const office_title = str(body.office_title, "field.office_title", { required: true, max: 255 })!;
    const destiny = body.destiny === undefined ? 3 : num(body.destiny, "field.destiny", { integer: true, min: 1 });
    const handle = str(body.handle, "field.handle", { max: 255 }) ?? slugify(office_title).replace(/-/g, "_");
    if (data.fields.some((f) => f.handle === handle))
      throw new ControlError(400, `field.handle: поле «${handle}» уже есть`);
    const field: OrderField = {
      id: ++this.seq.field,
      type,
      office_title,
      title: str(body.title, "field.title", { max: 255 }) ?? office_title,
      handle,
      destiny,
      created_at: insalesTime(this.now()),
    };
    data.fields.push(field);
    return structuredClone(field);
  }

  // ---- webhooks (§7) ----

  webhooks(shop: InSalesShop): Webhook[] {
    return structuredClone(this.data(shop.insalesId).webhooks);
  }

  webhook(shop: InSalesShop, id: number | string): Webhook {
    const w = this.data(shop.insalesId).webhooks.find((x) => x.id === Number(id));
    if (!w) throw new ControlError(404, `Вебхук ${id} не найден`);
    return w;
  }

  private webhookFields(body: Record<string, unknown>, w: Partial<Webhook>) {
    if (body.address !== undefined || w.address === undefined) {
      const address = str(body.address, "webhook.address", { required: true, max: 2000 })!;
      let ok = false;
      try {
        ok = ["http:", "https:"].includes(new URL(address).protocol);
      } catch {
        // not a URL
      }
      if (!ok) throw new ControlError(400, "webhook.address: нужен адрес http(s)://…");
      w.address = address;
    }
    if (body.topic !== undefined || w.topic === undefined) {
      if (!WEBHOOK_TOPICS.includes(body.topic as WebhookTopic))
        throw new ControlError(400, `webhook.topic: нужен один из ${WEBHOOK_TOPICS.join(", ")}`);
      w.topic = body.topic as WebhookTopic;
    }
    // The notes are unsure whether the field is format_type ("json"/"xml") or format (1/0): both are read.
    if (body.format_type !== undefined) {
      if (body.format_type !== "json" && body.format_type !== "xml")
        throw new ControlError(400, "webhook.format_type: нужен json или xml");
      w.format_type = body.format_type;
    } else if (body.format !== undefined) {
      if (![0, 1, "0", "1"].includes(body.format as number))
        throw new ControlError(400, "webhook.format: нужен 1 (JSON) или 0 (XML)");
      w.format_type = Number(body.format) === 1 ? "json" : "xml";
    } else w.format_type ??= "xml";
  }

  createWebhook(shop: InSalesShop, body: Record<string, unknown>): Webhook {
    const w: Partial<Webhook> = {};
    this.webhookFields(body, w);
    const at = insalesTime(this.now());
    const webhook = { id: ++this.seqWebhook, ...w, created_at: at, updated_at: at } as Webhook;
    this.data(shop.insalesId).webhooks.push(webhook);
    return structuredClone(webhook);
  }

  updateWebhook(shop: InSalesShop, id: number | string, body: Record<string, unknown>): Webhook {
    const w = this.webhook(shop, id);
    const next = structuredClone(w);
    this.webhookFields(body, next);
    Object.assign(w, next, { updated_at: insalesTime(this.now()) });
    return structuredClone(w);
  }

  deleteWebhook(shop: InSalesShop, id: number | string): Webhook {
    const w = this.webhook(shop, id);
    const data = this.data(shop.insalesId);
    data.webhooks = data.webhooks.filter((x) => x !== w);
    return w;
  }

  resetCounters() {
    this.state.counters = emptyCounters();
  }
}
