// Pure (no database imports): the import page shows these titles and the mapping step offers these fields.

/** The order fields a column of an import file can fill, with the headers recognised for each. */
export const IMPORT_FIELDS = [
  {
    key: "number",
    title: "Номер заказа",
    aliases: ["номер", "номер заказа", "№", "№ заказа", "order", "order number"],
  },
  { key: "barcode", title: "Штрихкод", aliases: ["штрихкод", "штрих код", "barcode"] },
  {
    key: "receiver.person",
    title: "Получатель",
    aliases: ["получатель", "фио", "фио получателя", "контактное лицо", "имя получателя", "receiver", "name"],
  },
  {
    key: "receiver.company",
    title: "Компания получателя",
    aliases: ["компания получателя", "организация", "организация получателя", "компания", "company"],
  },
  {
    key: "receiver.phone",
    title: "Телефон получателя",
    aliases: ["телефон", "телефон получателя", "тел", "мобильный", "phone"],
  },
  {
    key: "receiver.town",
    title: "Город",
    aliases: ["город", "город получателя", "населенный пункт", "город доставки", "city", "town"],
  },
  {
    key: "receiver.address",
    title: "Адрес",
    aliases: ["адрес", "адрес получателя", "адрес доставки", "address"],
  },
  { key: "receiver.zip", title: "Индекс", aliases: ["индекс", "почтовый индекс", "zip", "postcode"] },
  { key: "receiver.pvz", title: "Пункт выдачи", aliases: ["пвз", "пункт выдачи", "код пвз", "pvz"] },
  { key: "receiver.date", title: "Дата доставки", aliases: ["дата доставки", "дата", "delivery date"] },
  {
    key: "receiver.timeMin",
    title: "Время с",
    aliases: ["время с", "время доставки с", "доставка с", "time from"],
  },
  {
    key: "receiver.timeMax",
    title: "Время по",
    aliases: ["время по", "время до", "время доставки по", "время доставки до", "доставка до", "time to"],
  },
  { key: "weight", title: "Вес", aliases: ["вес", "вес кг", "масса", "weight"] },
  { key: "quantity", title: "Мест", aliases: ["мест", "количество мест", "кол во мест", "places"] },
  {
    key: "codAmount",
    title: "Наложенный платёж",
    aliases: ["наложенный платеж", "нп", "наложка", "сумма к оплате", "к оплате", "сумма нп", "cod"],
  },
  {
    key: "declaredValue",
    title: "Объявленная ценность",
    aliases: ["объявленная ценность", "оценочная стоимость", "ценность", "страховка", "declared value"],
  },
  {
    key: "deliveryPrice",
    title: "Стоимость доставки",
    aliases: ["стоимость доставки", "цена доставки", "delivery price"],
  },
  { key: "payType", title: "Тип оплаты", aliases: ["тип оплаты", "оплата", "способ оплаты", "pay type"] },
  { key: "enclosure", title: "Вложение", aliases: ["вложение", "описание вложения", "содержимое", "товар"] },
  {
    key: "instruction",
    title: "Комментарий",
    aliases: ["комментарий", "примечание", "поручение", "инструкция", "comment", "note"],
  },
  { key: "department", title: "Отдел", aliases: ["отдел", "department"] },
  { key: "sender.date", title: "Дата забора", aliases: ["дата забора", "pickup date"] },
] as const;

export type ImportFieldKey = (typeof IMPORT_FIELDS)[number]["key"];
/** A column the mapping step was told to leave out. */
export const SKIP = "skip";
export type ColumnTarget = ImportFieldKey | typeof SKIP;

const FIELD_KEYS = new Set<string>(IMPORT_FIELDS.map((f) => f.key));
export const isColumnTarget = (v: string): v is ColumnTarget => v === SKIP || FIELD_KEYS.has(v);
export const fieldTitle = (key: string) => IMPORT_FIELDS.find((f) => f.key === key)?.title ?? key;

/** Header as compared: lower case, ё as е, units and punctuation dropped («Вес, кг» = «вес»; «Наложенный платёж (руб.)»). */
export function normalizeHeader(h: string): string {
  return h
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/\(.*?\)/g, " ")
    .replace(/[^\p{L}\p{N}№]+/gu, " ")
    .replace(/\s(кг|руб|р|rub|kg)$/u, "")
    .trim()
    .replace(/\s+/g, " ");
}

const BY_ALIAS = new Map<string, ImportFieldKey>(
  IMPORT_FIELDS.flatMap((f) => [f.title, ...f.aliases].map((a) => [normalizeHeader(a), f.key] as const)),
);

/**
 * Each column's target: the client's saved answer for that header first, then a known alias; an empty header is
 * skipped; null means the mapping step must ask. A field already taken by an earlier column is not given twice.
 */
export function autoColumns(headers: string[], saved: Record<string, string>): (ColumnTarget | null)[] {
  const taken = new Set<string>();
  return headers.map((h) => {
    const key = normalizeHeader(h);
    if (!key) return SKIP;
    const savedTarget = saved[key];
    const target = savedTarget && isColumnTarget(savedTarget) ? savedTarget : (BY_ALIAS.get(key) ?? null);
    if (target && target !== SKIP) {
      if (taken.has(target)) return null;
      taken.add(target);
    }
    return target;
  });
}

/** Why a mapping cannot be used (a field chosen for two columns), or null. */
export function mappingIssue(columns: (string | null)[]): string | null {
  const seen = new Set<string>();
  for (const c of columns) {
    if (!c || c === SKIP) continue;
    if (seen.has(c)) return `Поле «${fieldTitle(c)}» выбрано для двух столбцов`;
    seen.add(c);
  }
  return null;
}

/** Excel's 31.12.2026, 31.12.26, 2026-12-31 (with or without a time) → 2026-12-31; anything else as typed. */
export function toIsoDate(v: string): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$/.exec(v);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const ru = /^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})(?:\s.*)?$/.exec(v);
  if (ru) {
    const year = ru[3]!.length === 2 ? `20${ru[3]}` : ru[3];
    return `${year}-${ru[2]!.padStart(2, "0")}-${ru[1]!.padStart(2, "0")}`;
  }
  return v;
}

/** 9:00, 09:00:00, 9.00, 1899-12-30 09:00 (Excel's time cell) → 09:00; anything else as typed. */
export function toTime(v: string): string {
  const m = /^(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2})[:.](\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(v);
  return m ? `${m[1]!.padStart(2, "0")}:${m[2]}` : v;
}

const PAY_WORDS: Record<string, string> = {
  наличные: "CASH",
  нал: "CASH",
  наличными: "CASH",
  cash: "CASH",
  карта: "CARD",
  картой: "CARD",
  card: "CARD",
  безнал: "NO",
  нет: "NO",
  предоплата: "NO",
  оплачен: "NO",
  оплачено: "NO",
  no: "NO",
  другое: "OTHER",
  other: "OTHER",
};

/**
 * The raw order a row describes, shaped as the cabinet's form sends it (so `validateOrder` judges it like any other
 * order). Cells are text; dates, times and pay types are brought into the form's notation first.
 */
export function rowToOrder(cells: string[], columns: (string | null)[]): Record<string, unknown> {
  const order: Record<string, unknown> & { receiver: Record<string, unknown>; sender: Record<string, unknown> } = {
    receiver: {},
    sender: {},
  };
  columns.forEach((target, i) => {
    if (!target || target === SKIP) return;
    let v = (cells[i] ?? "").trim();
    if (!v) return;
    if (target.endsWith(".date")) v = toIsoDate(v);
    else if (target.endsWith(".timeMin") || target.endsWith(".timeMax")) v = toTime(v);
    else if (target === "payType") v = PAY_WORDS[v.toLowerCase()] ?? v.toUpperCase();
    const [a, b] = target.split(".") as [string, string | undefined];
    if (b) (order[a] as Record<string, unknown>)[b] = v;
    else order[a] = v;
  });
  return order;
}

/** The template's header row (our titles, so it maps itself) and its one sample row. */
export const TEMPLATE_COLUMNS: { key: ImportFieldKey; sample: string | number }[] = [
  { key: "number", sample: "A-1001" },
  { key: "receiver.person", sample: "Иванов Иван Иванович" },
  { key: "receiver.phone", sample: "+7 900 123-45-67" },
  { key: "receiver.town", sample: "Москва" },
  { key: "receiver.address", sample: "ул. Ленина, д. 1, кв. 2" },
  { key: "weight", sample: 1.5 },
  { key: "codAmount", sample: 2500 },
  { key: "declaredValue", sample: 2500 },
  { key: "receiver.date", sample: "" },
  { key: "receiver.timeMin", sample: "10:00" },
  { key: "receiver.timeMax", sample: "18:00" },
  { key: "instruction", sample: "Позвонить за час" },
  { key: "quantity", sample: 1 },
  { key: "payType", sample: "Наличные" },
  { key: "enclosure", sample: "Книги" },
];
