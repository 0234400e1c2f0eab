import { z } from "zod";
import {
  bigId,
  DATE_MESSAGE,
  int32Id,
  isCalendarDate,
  isoDate,
  NO_SUCH_DATE_MESSAGE,
  safeString,
  timestamp,
} from "../primitives";
import { ORDER_STATUS_CODES } from "./statuses";

// Pure zod, no database imports: the order form in the browser validates with these same schemas.

const text = (max: number) =>
  safeString()
    .trim()
    .max(max, `Не длиннее ${max} символов`)
    .transform((v) => (v === "" ? undefined : v))
    .optional();

const dateField = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional()
  .refine((v) => v === undefined || /^\d{4}-\d{2}-\d{2}$/.test(v), DATE_MESSAGE)
  .refine((v) => v === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(v) || isCalendarDate(v), NO_SUCH_DATE_MESSAGE);

const timeField = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional()
  .refine((v) => v === undefined || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), "Время в формате ЧЧ:ММ");

const numberLike = z.union([z.number(), z.string(), z.null()]).optional();
const toNumber = (v: number | string | null | undefined): number | undefined =>
  v == null ? undefined : typeof v === "number" ? v : v.trim() === "" ? undefined : Number(v.trim().replace(",", "."));

/** Accepts numbers and numeric strings with a dot or comma, as typed by people and sent by shop modules; empty is 0. */
const decimal = (label: string, max: number) =>
  numberLike
    .transform((v) => toNumber(v) ?? 0)
    .pipe(
      z
        .number({ error: `${label}: введите число` })
        .min(0, `${label}: не может быть отрицательным`)
        .max(max, `${label}: слишком большое значение`),
    );

const integer = (label: string, min: number, max: number, fallback: number) =>
  numberLike
    .transform((v) => toNumber(v) ?? fallback)
    .pipe(
      z
        .number({ error: `${label}: введите целое число` })
        .int(`${label}: введите целое число`)
        .min(min, `${label}: не меньше ${min}`)
        .max(max, `${label}: не больше ${max}`),
    );

const optionalInteger = (label: string, min: number, max: number) =>
  numberLike.transform(toNumber).pipe(
    z
      .number({ error: `${label}: введите целое число` })
      .int(`${label}: введите целое число`)
      .min(min)
      .max(max)
      .optional(),
  );

/**
 * A phone as typed or sent: Russian numbers become +7XXXXXXXXXX (from 8…, 7…, +7… or ten digits); an international
 * number keeps its + and 8–15 digits. Null when it is not a phone.
 */
export function normalizePhone(raw: string): string | null {
  const compact = raw.replace(/[\s()\-.]/g, "");
  if (!/^\+?\d+$/.test(compact)) return null;
  const digits = compact.replace("+", "");
  if (compact.startsWith("+")) {
    if (digits.startsWith("7")) return digits.length === 11 ? `+${digits}` : null;
    return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  }
  if (digits.length === 11 && (digits[0] === "8" || digits[0] === "7")) return `+7${digits.slice(1)}`;
  if (digits.length === 10) return `+7${digits}`;
  return null;
}

export const PHONE_MESSAGE = "Телефон: номер в формате +7XXXXXXXXXX или международный с +";

/** Shop modules send whatever their customers typed: a phone is normalised when it is one and stored as sent if not. */
const lenientPhone = text(100)
  .transform((v) => (v === undefined ? v : (normalizePhone(v) ?? v)))
  .optional();
/** The cabinet's form refuses what is not a phone. */
const strictPhone = text(100)
  .refine((v) => v === undefined || normalizePhone(v) !== null, PHONE_MESSAGE)
  .transform((v) => (v === undefined ? v : (normalizePhone(v) ?? v)))
  .optional();

const DAY_MS = 86_400_000;
/** Dates of pickups, deliveries and send dates: within a year of today either way (no 1900, no 2999). */
export const DATE_WINDOW_DAYS = 366;

/** Why a YYYY-MM-DD date is outside the sane window, or null. `now` is for tests. */
export function dateWindowIssue(v: string, now = new Date()): string | null {
  const t = Date.parse(`${v}T00:00:00Z`);
  if (Number.isNaN(t)) return null;
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  if (t < today - DATE_WINDOW_DAYS * DAY_MS) return "Дата слишком далеко в прошлом: не раньше чем год назад";
  if (t > today + DATE_WINDOW_DAYS * DAY_MS) return "Дата слишком далеко в будущем: не позже чем через год";
  return null;
}

const partyFields = {
  company: text(250),
  person: text(250),
  town: text(150),
  address: text(500),
  zip: text(20),
  date: dateField,
  timeMin: timeField,
  timeMax: timeField,
};

export const partySchema = z.object({ ...partyFields, phone: lenientPhone });
export const receiverSchema = partySchema.extend({ regionCode: text(20), pvz: text(50) });
const strictPartySchema = z.object({ ...partyFields, phone: strictPhone });
const strictReceiverSchema = strictPartySchema.extend({ regionCode: text(20), pvz: text(50) });

export const orderItemSchema = z.object({
  name: safeString().trim().min(1, "Укажите наименование").max(500, "Не длиннее 500 символов"),
  article: text(100),
  barcode: text(100),
  quantity: decimal("Количество", 1_000_000).refine((v) => v > 0, "Количество: больше нуля"),
  mass: decimal("Вес", 100_000),
  retailPrice: decimal("Цена", 1_000_000_000),
  vatRate: optionalInteger("Ставка НДС", -1, 22).refine(
    (v) => v === undefined || [-1, 0, 5, 7, 10, 18, 20, 22].includes(v),
    "Ставка НДС: -1 (без НДС), 0, 5, 7, 10, 18, 20 или 22",
  ),
});

export const orderPackageSchema = z.object({
  barcode: text(100),
  mass: decimal("Вес места", 100_000),
  length: decimal("Длина", 10_000),
  width: decimal("Ширина", 10_000),
  height: decimal("Высота", 10_000),
  quantity: integer("Количество мест", 1, 1000, 1),
  message: text(500),
});

export const PAY_TYPES = ["CASH", "CARD", "NO", "OTHER"] as const;

const orderFields = {
  number: text(50),
  barcode: text(100),
  department: text(100),
  sender: partySchema.default({}),
  receiver: receiverSchema,
  weight: decimal("Вес", 100_000),
  quantity: integer("Количество мест", 1, 1000, 1),
  codAmount: decimal("Наложенный платёж", 1_000_000_000),
  declaredValue: decimal("Объявленная ценность", 1_000_000_000),
  deliveryPrice: decimal("Стоимость доставки", 1_000_000_000),
  payType: z.enum(PAY_TYPES, { error: "Тип оплаты: CASH, CARD, NO или OTHER" }).default("CASH"),
  serviceCode: optionalInteger("Режим доставки", 0, 999_999),
  enclosure: text(1000),
  instruction: text(2000),
  items: z.array(orderItemSchema).max(1000, "Не больше 1000 товаров").default([]),
  packages: z.array(orderPackageSchema).max(1000, "Не больше 1000 мест").default([]),
};

/**
 * What no door accepts: dates outside the sane window, delivery before pickup, a time window that ends before it
 * starts. (Stock shop modules never send such values on purpose; the XML API answers them with a field error too.)
 */
function refuseAbsurd(o: { sender: Party; receiver: Party }, ctx: z.RefinementCtx) {
  for (const side of ["sender", "receiver"] as const) {
    const p = o[side];
    const issue = p.date ? dateWindowIssue(p.date) : null;
    if (issue) ctx.addIssue({ code: "custom", path: [side, "date"], message: issue });
    if (p.timeMin && p.timeMax && p.timeMax < p.timeMin) {
      ctx.addIssue({ code: "custom", path: [side, "timeMax"], message: "Время «до» раньше времени «с»" });
    }
  }
  if (o.sender.date && o.receiver.date && o.receiver.date < o.sender.date) {
    ctx.addIssue({ code: "custom", path: ["receiver", "date"], message: "Дата доставки раньше даты забора" });
  }
}

type Party = { date?: string; timeMin?: string; timeMax?: string };

/** The cabinet's form: a real weight. (Shop modules send 0 when their catalogue has no weights; the API keeps it.) */
function requireWeight(o: { weight: number }, ctx: z.RefinementCtx) {
  if (!(o.weight > 0)) ctx.addIssue({ code: "custom", path: ["weight"], message: "Вес: больше нуля" });
}

/** MeaSoft's own minimum: receiver company or person, address and phone (measoft-xml-api.md §3.1). */
function requireReceiverContacts(
  o: { receiver: { company?: string; person?: string; phone?: string; address?: string } },
  ctx: z.RefinementCtx,
) {
  if (!o.receiver.person && !o.receiver.company) {
    ctx.addIssue({
      code: "custom",
      path: ["receiver", "person"],
      message: "Укажите получателя: контактное лицо или компанию",
    });
  }
  if (!o.receiver.phone)
    ctx.addIssue({ code: "custom", path: ["receiver", "phone"], message: "Укажите телефон получателя" });
  if (!o.receiver.address)
    ctx.addIssue({ code: "custom", path: ["receiver", "address"], message: "Укажите адрес получателя" });
}

/** An order as the XML API (any integration) sends it. */
export const orderDataSchema = z.object(orderFields).superRefine(requireReceiverContacts).superRefine(refuseAbsurd);

const cabinetFields = { ...orderFields, sender: strictPartySchema.default({}), receiver: strictReceiverSchema };
const cabinetRules = (o: z.output<z.ZodObject<typeof cabinetFields>>, ctx: z.RefinementCtx) => {
  requireReceiverContacts(o, ctx);
  refuseAbsurd(o, ctx);
  requireWeight(o, ctx);
};

/** An order as the cabinet's form sends it: stricter about phones and weight than the XML API (see refuseAbsurd). */
export const cabinetOrderDataSchema = z.object(cabinetFields).superRefine(cabinetRules);

export const createOrderSchema = z
  .object({ clientId: int32Id("Выберите клиента").optional(), ...cabinetFields })
  .superRefine(cabinetRules);

export const updateOrderSchema = z
  .object({ id: bigId(), clientId: int32Id("Выберите клиента").optional(), ...cabinetFields })
  .superRefine(cabinetRules);

export const SEARCH_KINDS = ["all", "number", "barcode", "receiver", "phone", "address"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
/** The list's sortable columns; «created» is the default (newest first). */
export const ORDER_SORTS = ["created", "number", "status", "receiver", "cod"] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

export const listOrdersSchema = z.object({
  status: z.enum(ORDER_STATUS_CODES).optional(),
  clientId: int32Id().optional(),
  dateFrom: isoDate().optional(),
  dateTo: isoDate().optional(),
  search: safeString().trim().max(100, "Не длиннее 100 символов").optional(),
  /** Where the search looks; «all» (or none) picks by what was typed (digits: number, barcode, phone; words: also names, addresses). */
  searchKind: z.enum(SEARCH_KINDS).optional(),
  manifestId: int32Id().optional(),
  withoutManifest: z.boolean().optional(),
  /** What the manifest picker offers: orders in no manifest that the lifecycle lets into one. */
  forManifest: z.boolean().optional(),
  /** Orders received from partner courier companies (their client account here is of kind «courier»). */
  received: z.boolean().optional(),
  /** Hand-over to a partner: still waiting (queued, sending, taken for processing) or given up (the dashboard's links). */
  transfer: z.enum(["waiting", "failed"]).optional(),
  /** Cash on delivery still to collect: a COD amount on an order not yet in a final status. */
  codPending: z.boolean().optional(),
  sort: z.enum(ORDER_SORTS).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  /** The id of the previous page's last row: its sort value and id are where the next page starts (keyset). */
  cursor: bigId().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** The list's filter without its paging: what «все по фильтру» of the bulk actions selects. */
export const orderFilterSchema = listOrdersSchema.omit({ cursor: true, limit: true, sort: true, dir: true });

export const orderIdSchema = z.object({ id: bigId() });

export const setOrderStatusSchema = z.object({
  id: bigId(),
  status: z.enum(ORDER_STATUS_CODES, { error: "Неизвестный статус" }),
  eventTime: timestamp().optional(),
  comment: text(1000),
});

export type OrderData = z.output<typeof orderDataSchema>;
export type CreateOrderInput = z.input<typeof createOrderSchema>;
export type CreateOrder = z.output<typeof createOrderSchema>;
export type UpdateOrder = z.output<typeof updateOrderSchema>;
export type ListOrdersInput = z.input<typeof listOrdersSchema>;
export type OrderFilter = z.output<typeof orderFilterSchema>;
