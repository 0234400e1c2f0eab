import { z } from "zod";
import { statusTitle } from "../../services/orders/statuses";
import type { CalcInput, CalcResult } from "../../services/tariffs";

// Pure mapping between RetailCRM's delivery callbacks (protocol note §5–§7) and our order / calculator shapes.
// No I/O: client.ts, the callbacks service and the routes call these.

// ---- tolerant request schemas (§5.2, §5.3) ----
// RetailCRM's models are PHP objects serialised by JMS: any field may be null, numbers may come as strings, and new
// fields appear without notice, so every object is loose and every scalar nullish.

const text = (label: string) =>
  z
    .union([z.string(), z.number()], { error: `${label}: ожидается строка` })
    .nullish()
    .transform((v) => {
      if (v == null) return undefined;
      const t = String(v).trim();
      return t === "" ? undefined : t;
    });

const numeric = (label: string) =>
  z
    .union([z.number(), z.string()], { error: `${label}: ожидается число` })
    .nullish()
    .transform((v, ctx) => {
      if (v == null) return undefined;
      if (typeof v === "number") {
        if (Number.isFinite(v)) return v;
      } else {
        const t = v.trim().replace(",", ".");
        if (t === "") return undefined;
        const n = Number(t);
        if (Number.isFinite(n)) return n;
      }
      ctx.addIssue({ code: "custom", message: `${label}: ожидается число` });
      return z.NEVER;
    });

const bool = (label: string) =>
  z
    .union([z.boolean(), z.string(), z.number()], { error: `${label}: ожидается true или false` })
    .nullish()
    .transform((v) => v === true || v === 1 || v === "1" || v === "true");

const loose = <T extends z.core.$ZodLooseShape>(label: string, shape: T) =>
  z.looseObject(shape, { error: `${label}: ожидается объект` });

const list = <T extends z.ZodType>(label: string, item: T) =>
  z
    .array(item, { error: `${label}: ожидается список` })
    .nullish()
    .transform((v) => v ?? []);

const addressSchema = (label: string) =>
  loose(label, {
    index: text(`${label}, индекс`),
    countryIso: text(`${label}, страна`),
    region: text(`${label}, регион`),
    regionCode: text(`${label}, код региона`),
    city: text(`${label}, город`),
    street: text(`${label}, улица`),
    streetType: text(`${label}, тип улицы`),
    building: text(`${label}, дом`),
    house: text(`${label}, строение`),
    housing: text(`${label}, корпус`),
    block: text(`${label}, подъезд`),
    floor: text(`${label}, этаж`),
    flat: text(`${label}, квартира`),
    notes: text(`${label}, примечание`),
    text: text(`${label}, адрес`),
  }).nullish();

/** A CRM property is `{code, name, value}` keyed by its code, or (in some payloads) the bare value. */
const propertiesSchema = z
  .union([z.record(z.string(), z.unknown()), z.array(z.unknown())], { error: "Свойства товара: ожидается объект" })
  .nullish();

const itemSchema = loose("Товар", {
  offerId: text("Товар, offerId"),
  externalId: text("Товар, externalId"),
  xmlId: text("Товар, xmlId"),
  article: text("Товар, артикул"),
  offer: loose("Товар, offer", { article: text("Товар, артикул") }).nullish(),
  name: text("Товар, наименование"),
  declaredValue: numeric("Товар, объявленная ценность"),
  cod: numeric("Товар, наложенный платёж"),
  vatRate: text("Товар, ставка НДС"),
  quantity: numeric("Товар, количество"),
  cost: numeric("Товар, цена"),
  weight: numeric("Товар, вес"),
  properties: propertiesSchema,
});

const packageSchema = loose("Упаковка", {
  packageId: text("Упаковка, packageId"),
  weight: numeric("Упаковка, вес"),
  length: numeric("Упаковка, длина"),
  width: numeric("Упаковка, ширина"),
  height: numeric("Упаковка, высота"),
  items: list("Упаковка, товары", itemSchema),
});

const deliveryTimeSchema = loose("Время доставки", {
  from: text("Время доставки, с"),
  to: text("Время доставки, до"),
  custom: text("Время доставки, текст"),
}).nullish();

const extraDataSchema = z
  .record(z.string(), z.unknown(), { error: "extraData: ожидается объект" })
  .nullish()
  // PHP serialises an empty associative array as [], so an empty list is an empty extraData.
  .or(z.array(z.unknown()).transform(() => undefined));

const phoneSchema = z.union([z.string(), z.number(), loose("Телефон", { number: text("Телефон") })], {
  error: "Телефон: ожидается строка или {number}",
});

export const saveRequestSchema = loose("save", {
  deliveryId: text("deliveryId"),
  order: text("order (id заказа RetailCRM)"),
  orderNumber: text("orderNumber (номер заказа)"),
  site: text("site"),
  store: text("store"),
  customer: loose("Покупатель", {
    firstName: text("Покупатель, имя"),
    lastName: text("Покупатель, фамилия"),
    patronymic: text("Покупатель, отчество"),
    phones: list("Покупатель, телефоны", phoneSchema),
    email: text("Покупатель, email"),
    contragent: loose("Покупатель, контрагент", {
      type: text("Покупатель, тип контрагента"),
      legalName: text("Покупатель, название организации"),
    }).nullish(),
  }).nullish(),
  packages: list("Упаковки", packageSchema),
  items: list("Товары", itemSchema),
  delivery: loose("Доставка", {
    shipmentAddress: addressSchema("Адрес отгрузки"),
    deliveryAddress: addressSchema("Адрес доставки"),
    withCod: bool("Доставка, withCod"),
    cod: numeric("Доставка, наложенный платёж"),
    codPaymentType: loose("Доставка, тип оплаты", { code: text("Тип оплаты, код"), name: text("Тип оплаты") })
      .nullish()
      // Some payloads carry the bare code.
      .or(z.string().transform((code) => ({ code: code.trim() || undefined, name: undefined }))),
    cost: numeric("Доставка, стоимость"),
    tariff: text("Доставка, тариф"),
    payerType: text("Доставка, плательщик"),
    shipmentDate: text("Доставка, дата отгрузки"),
    deliveryDate: text("Доставка, дата доставки"),
    deliveryTime: deliveryTimeSchema,
    comment: text("Доставка, комментарий"),
    extraData: extraDataSchema,
  }).nullish(),
  currency: text("currency"),
}).refine((s) => s.order !== undefined || s.orderNumber !== undefined, {
  message: "Нет заказа RetailCRM: не указаны ни order, ни orderNumber",
  path: ["order"],
});

export type SaveRequest = z.output<typeof saveRequestSchema>;

export const calculateRequestSchema = loose("calculate", {
  shipmentAddress: addressSchema("Адрес отгрузки"),
  deliveryAddress: addressSchema("Адрес доставки"),
  packages: list("Упаковки", packageSchema),
  items: list("Товары", itemSchema),
  declaredValue: numeric("Объявленная ценность"),
  cod: numeric("Наложенный платёж"),
  payerType: text("Плательщик"),
  shipmentDate: text("Дата отгрузки"),
  deliveryDate: text("Дата доставки"),
  deliveryTime: deliveryTimeSchema,
  currency: text("Валюта"),
  store: text("Склад"),
  extraData: extraDataSchema,
});

export type CalculateRequest = z.output<typeof calculateRequestSchema>;

type Item = z.output<typeof itemSchema>;
type Package = z.output<typeof packageSchema>;
type Address = Partial<NonNullable<z.output<ReturnType<typeof addressSchema>>>>;

// ---- helpers ----

/** RetailCRM weighs in grams and measures in millimetres (§5.2); we keep kg with gram precision and cm to 0.1. */
const kg = (grams: number) => Math.round(grams) / 1000;
const cm = (mm: number) => Math.round(mm) / 10;
/** Kopecks kept exact: sums of CRM prices must not leak float noise into money. */
const money = (n: number) => Math.round(n * 100) / 100;

const joined = (sep: string, ...parts: (string | undefined)[]) =>
  parts.filter((p): p is string => p !== undefined && p !== "").join(sep) || undefined;

const VAT_RATES = new Set([0, 5, 7, 10, 18, 20, 22]);

/** RetailCRM's `vatRate` is "none" or the percentage as a string; anything else is left for nobody to guess. */
function vatRateOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v.toLowerCase() === "none") return -1;
  const n = Number(v.replace(",", "."));
  return VAT_RATES.has(n) ? n : undefined;
}

function propertyValue(props: Item["properties"], code: string): string | undefined {
  if (!props) return undefined;
  const raw = Array.isArray(props)
    ? props.find((p) => typeof p === "object" && p !== null && (p as { code?: unknown }).code === code)
    : props[code];
  const value =
    typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as { value?: unknown }).value : raw;
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** The article the courier's warehouse knows the goods by (the stand-in sends it in all three places). */
const articleOf = (i: Item) =>
  propertyValue(i.properties, "article") ?? i.xmlId ?? i.externalId ?? i.offer?.article ?? i.article;

const itemsWeightGrams = (items: Item[]) =>
  items.some((i) => i.weight !== undefined)
    ? items.reduce((s, i) => s + (i.weight ?? 0) * (i.quantity ?? 1), 0)
    : undefined;

/** A package's weight, or that of its items when the CRM left it out. */
const packageGrams = (p: Package) => p.weight ?? itemsWeightGrams(p.items);

/** Total grams over packages (each falling back to its items), or over the loose items; undefined when unknown. */
function totalGrams(packages: Package[], items: Item[]): number | undefined {
  if (packages.length) {
    const weights = packages.map(packageGrams);
    return weights.some((w) => w !== undefined) ? weights.reduce<number>((s, w) => s + (w ?? 0), 0) : undefined;
  }
  return itemsWeightGrams(items);
}

/** Russian-style street address from the CRM's parts: «Советская, 3, корп. 2, кв. 12». */
function addressText(a: Address): string | undefined {
  if (a.text) return a.text;
  return joined(
    ", ",
    joined(" ", a.streetType, a.street),
    a.building,
    a.housing && `корп. ${a.housing}`,
    a.house && `стр. ${a.house}`,
    a.block && `подъезд ${a.block}`,
    a.floor && `этаж ${a.floor}`,
    a.flat && `кв. ${a.flat}`,
  );
}

const hhmm = (v: string | undefined) => (v && /^\d{1,2}:\d{2}/.test(v) ? v.padStart(5, "0").slice(0, 5) : v);
const ymd = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : v);

const phoneOf = (p: z.output<typeof phoneSchema>): string | undefined =>
  typeof p === "object" ? p.number : String(p).trim() || undefined;

const extraText = (extra: Record<string, unknown> | null | undefined, key: string) => {
  const v = extra?.[key];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
};

// ---- save (§5.3, §7) ----

export interface SaveRules {
  useArticles: boolean;
  codPaymentTypes: string[];
  defaultTariff?: string;
  tariffCodes?: ReadonlySet<string>;
}

/**
 * A `save` callback as our order input (the shape every door sends to `validateOrder`). Places are the CRM order's
 * packages; COD only when the CRM collects it with one of the chosen payment types (a paid order has `withCod` off);
 * articles only when the client binds goods to the courier's warehouse. Nothing is invented: what the CRM left out
 * stays undefined for `validateOrder` to report.
 */
export function mapSaveToOrder(
  save: SaveRequest,
  rules: SaveRules,
): { crmOrderId: string; deliveryId: string | null; number: string; order: Record<string, unknown> } {
  // The schema guarantees one of the two.
  const crmOrderId = save.order ?? save.orderNumber ?? "";
  const number = save.orderNumber ?? crmOrderId;
  const d: Partial<NonNullable<SaveRequest["delivery"]>> = save.delivery ?? {};
  const a: Address = d.deliveryAddress ?? {};
  const c: Partial<NonNullable<SaveRequest["customer"]>> = save.customer ?? {};

  const crmItems = save.packages.length ? save.packages.flatMap((p) => p.items) : save.items;
  const items = crmItems.map((i) => ({
    name: i.name,
    article: rules.useArticles ? articleOf(i) : undefined,
    quantity: i.quantity,
    mass: i.weight === undefined ? undefined : kg(i.weight),
    retailPrice: i.cost ?? i.declaredValue,
    vatRate: vatRateOf(i.vatRate),
  }));
  const packages = save.packages.map((p) => {
    const grams = packageGrams(p);
    return {
      mass: grams === undefined ? undefined : kg(grams),
      length: p.length === undefined ? undefined : cm(p.length),
      width: p.width === undefined ? undefined : cm(p.width),
      height: p.height === undefined ? undefined : cm(p.height),
      quantity: 1,
    };
  });
  const grams = totalGrams(save.packages, save.items);

  const codType = d.codPaymentType?.code;
  const codAllowed = d.withCod === true && (codType === undefined || rules.codPaymentTypes.includes(codType));
  const codAmount = codAllowed ? money(d.cod ?? crmItems.reduce((s, i) => s + (i.cod ?? 0) * (i.quantity ?? 1), 0)) : 0;
  const payType = codAmount > 0 ? (codType && /card/i.test(codType) ? "CARD" : "CASH") : "NO";

  const tariff = d.tariff ?? rules.defaultTariff;
  // Our tariff codes are our delivery-service codes; a tariff we do not know is left for validation to miss.
  const serviceCode =
    tariff !== undefined && /^\d+$/.test(tariff) && (!rules.tariffCodes || rules.tariffCodes.has(tariff))
      ? Number(tariff)
      : undefined;

  const contragent = c.contragent;
  const legal = contragent?.type !== undefined && contragent.type !== "individual";

  return {
    crmOrderId,
    deliveryId: save.deliveryId ?? null,
    number,
    order: {
      number,
      receiver: {
        company: legal ? contragent?.legalName : undefined,
        person: joined(" ", c.lastName, c.firstName, c.patronymic),
        phone: (c.phones ?? []).map(phoneOf).find((p) => p !== undefined),
        town: a.city,
        zip: a.index,
        regionCode: a.regionCode,
        address: addressText(a),
        date: ymd(d.deliveryDate),
        timeMin: hhmm(d.deliveryTime?.from),
        timeMax: hhmm(d.deliveryTime?.to),
      },
      weight: grams === undefined ? undefined : kg(grams),
      quantity: Math.max(1, packages.length),
      codAmount,
      declaredValue: money(crmItems.reduce((s, i) => s + (i.declaredValue ?? i.cost ?? 0) * (i.quantity ?? 1), 0)),
      deliveryPrice: d.payerType === "receiver" ? money(d.cost ?? 0) : 0,
      payType,
      serviceCode,
      instruction: joined("; ", d.comment ?? extraText(d.extraData, "comment"), a.notes, d.deliveryTime?.custom),
      items,
      packages,
    },
  };
}

// ---- calculate and tariffList (§5.2, §5.7) ----

/** Our calculator's input for a `calculate` callback: the whole parcel's weight, the largest package's sizes. */
export function calculateInput(req: CalculateRequest, fallback: { townFrom: string | null }): CalcInput {
  const grams = totalGrams(req.packages, req.items);
  const sized = req.packages.filter((p) => p.length !== undefined && p.width !== undefined && p.height !== undefined);
  const largest = sized.reduce<Package | undefined>(
    (best, p) => (!best || p.length! * p.width! * p.height! > best.length! * best.width! * best.height! ? p : best),
    undefined,
  );
  return {
    townFrom: req.shipmentAddress?.city ?? fallback.townFrom ?? undefined,
    townTo: req.deliveryAddress?.city,
    zipTo: req.deliveryAddress?.index,
    regionCodeTo: req.deliveryAddress?.regionCode,
    mass: grams === undefined ? undefined : kg(grams),
    lengthCm: largest && cm(largest.length!),
    widthCm: largest && cm(largest.width!),
    heightCm: largest && cm(largest.height!),
  };
}

export interface CalculateAnswerItem {
  code: string;
  name: string;
  type: "courier";
  cost: number;
  minTerm: number;
  maxTerm: number;
  description?: string;
}

const kgText = (n: number) => String(n).replace(".", ",");

/** The priced tariffs for RetailCRM: the code is our service code, which comes back in `save.delivery.tariff`. */
export function calculateAnswer(results: CalcResult[]): CalculateAnswerItem[] {
  return results.map((r) => ({
    code: String(r.serviceCode),
    name: r.serviceName,
    type: "courier",
    cost: r.price,
    minTerm: r.minDays,
    maxTerm: r.maxDays,
    description: `${r.townFrom} — ${r.townTo}, расчётный вес ${kgText(r.mass)} кг`,
  }));
}

export function tariffListAnswer(
  services: { code: number; name: string }[],
): Array<{ code: string; name: string; type: "courier" }> {
  return services.map((s) => ({ code: String(s.code), name: s.name, type: "courier" }));
}

// ---- tracking (§6) and get (§5.4) ----

const MOSCOW_OFFSET_MS = 3 * 3600_000;

/** `Y-m-d\TH:i:sP` in Moscow time (UTC+3 all year since 2014): what RetailCRM's StatusInfo.updatedAt expects. */
export function moscowIso(at: Date): string {
  const t = at.getTime();
  if (Number.isNaN(t)) throw new Error("Некорректное время статуса");
  return `${new Date(t + MOSCOW_OFFSET_MS).toISOString().slice(0, 19)}+03:00`;
}

export interface TrackingItem {
  deliveryId: string;
  trackNumber: string;
  history: Array<{ code: string; updatedAt: string; comment: string }>;
}

/**
 * A tracking push (`statusUpdate`) from our status changes: one item per delivery, its history in time order, only
 * statuses mapped to a module status (an unmapped one must not be sent). `unmapped` lists our codes left out.
 */
export function trackingItems(
  changes: Array<{ deliveryId: string; status: string; track: string; at: Date; comment?: string }>,
  statusMap: Partial<Record<string, string>>,
): { items: TrackingItem[]; unmapped: string[] } {
  const byDelivery = new Map<string, { item: TrackingItem; trackAt: number }>();
  const unmapped = new Set<string>();
  const sorted = [...changes].sort((x, y) => x.at.getTime() - y.at.getTime());
  for (const ch of sorted) {
    const code = statusMap[ch.status];
    if (!code) {
      unmapped.add(ch.status);
      continue;
    }
    let entry = byDelivery.get(ch.deliveryId);
    if (!entry) {
      entry = { item: { deliveryId: ch.deliveryId, trackNumber: ch.track, history: [] }, trackAt: -Infinity };
      byDelivery.set(ch.deliveryId, entry);
    }
    // The latest non-empty track number wins (a barcode may be assigned after the order is created).
    if (ch.track && ch.at.getTime() >= entry.trackAt) {
      entry.item.trackNumber = ch.track;
      entry.trackAt = ch.at.getTime();
    }
    entry.item.history.push({ code, updatedAt: moscowIso(ch.at), comment: ch.comment ?? statusTitle(ch.status) });
  }
  return { items: [...byDelivery.values()].map((e) => e.item), unmapped: [...unmapped] };
}

export interface DeliveryView {
  deliveryId: string;
  number: string;
  barcode: string | null;
  status: string;
  statusAt: Date;
  deliveryPrice: number | null;
  serviceCode: number | null;
  receiver: {
    town: string | null;
    address: string | null;
    zip: string | null;
    date: string | null;
    timeMin: string | null;
    timeMax: string | null;
  };
}

/** Drops null and undefined fields: RetailCRM keeps what it has for a field we leave out. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** The `get` callback's result (§5.4) for one of our deliveries. */
export function getAnswer(o: DeliveryView, statusMap: Partial<Record<string, string>>): Record<string, unknown> {
  const r = o.receiver;
  const time = compact({ from: r.timeMin, to: r.timeMax });
  const address = compact({ city: r.town, index: r.zip, text: r.address });
  return compact({
    trackNumber: o.barcode ?? o.number,
    status: compact({ code: statusMap[o.status], updatedAt: moscowIso(o.statusAt), comment: statusTitle(o.status) }),
    deliveryDate: r.date,
    deliveryTime: Object.keys(time).length ? time : undefined,
    tariff: o.serviceCode === null ? undefined : String(o.serviceCode),
    cost: o.deliveryPrice,
    deliveryAddress: Object.keys(address).length ? address : undefined,
  });
}

// ---- print (§5.6) ----

/**
 * The `print` callback's request. `deliveryIds` is flat in the official model and nested (`[["1","2"]]`) in
 * Servientrega's test (§5.6, unconfirmed): both are accepted, ids de-duplicated in order.
 */
export function printDeliveryIds(print: unknown): { type: string; entityType: string; deliveryIds: string[] } {
  let p = print;
  if (typeof p === "string") {
    try {
      p = JSON.parse(p);
    } catch {
      throw new Error("Запрос печати: не JSON");
    }
  }
  if (typeof p !== "object" || p === null || Array.isArray(p)) throw new Error("Запрос печати: ожидается объект");
  const { type, entityType, deliveryIds } = p as Record<string, unknown>;
  if (typeof type !== "string" || type.trim() === "") throw new Error("Запрос печати: не указан тип документа (type)");
  if (entityType !== undefined && entityType !== null && typeof entityType !== "string")
    throw new Error("Запрос печати: entityType должен быть строкой");
  if (!Array.isArray(deliveryIds)) throw new Error("Запрос печати: deliveryIds должен быть списком");
  const ids: string[] = [];
  for (const v of deliveryIds.flat()) {
    const id = typeof v === "number" && Number.isFinite(v) ? String(v) : typeof v === "string" ? v.trim() : undefined;
    if (!id) throw new Error("Запрос печати: в deliveryIds не строка");
    if (!ids.includes(id)) ids.push(id);
  }
  if (!ids.length) throw new Error("Запрос печати: нет доставок (deliveryIds пуст)");
  return { type: type.trim(), entityType: entityType?.trim() || "order", deliveryIds: ids };
}
