/**
 * TopDelivery's dictionaries as the stand-in uses them. Work statuses and refusal reasons are from the protocol notes
 * (§10); the order status dictionary (`status {id, name}`) is published nowhere, so the one below is the stand-in's
 * own invention: its ids deliberately differ from the work status ids, as a client must map by `workStatus` first.
 */

export const DEFAULT_NAMESPACE = "urn:kh-standin:topdelivery:w2";
export const DEFAULT_PRINT_NAMESPACE = "urn:kh-standin:topdelivery:print2";

/** Paths of the two gates, as on is.topdelivery.ru; each answers `GET <path>?wsdl` with its WSDL. */
export const WEBSHOP_GATE_PATH = "/api/soap/w/2.0/";
export const PRINT_GATE_PATH = "/api/soap/print/2.0/";
/** Where `reportUrl` of the print gate points (an unguessable id, no Basic auth). */
export const REPORT_FILES_PATH = "/api/soap/print/2.0/files/";

export const WEBSHOP_OPERATIONS = [
  "addOrders",
  "getOrdersInfo",
  "getOrdersByParams",
  "deleteOrder",
  "getCitiesRegions",
] as const;
export const PRINT_OPERATIONS = ["printOrderAct", "printOrderDeliveryList"] as const;
export type WebshopOperation = (typeof WEBSHOP_OPERATIONS)[number];
export type PrintOperation = (typeof PRINT_OPERATIONS)[number];
export type Operation = WebshopOperation | PrintOperation;

/** `requestResult.status` (TopDelivery publishes no code list; these are the stand-in's). */
export const REQUEST_STATUS = {
  ok: 0,
  authError: 1,
  badRequest: 2,
  notFound: 3,
  notAllowed: 4,
} as const;

/** `addOrdersResult.status`: 0 created, 1 the order has errors, 2 its webshopNumber is taken in this shop. */
export const ORDER_RESULT_STATUS = { ok: 0, invalid: 1, duplicate: 2 } as const;

export type WorkStatusId = 1 | 2 | 3 | 4 | 5;

/** §10: 2 in work, 3 delivered, 4 partly delivered, 5 refusal (3–5 final); 1 is taken as «new». */
export const WORK_STATUSES: Record<WorkStatusId, string> = {
  1: "Новый",
  2: "В работе",
  3: "Доставлен",
  4: "Частично доставлен",
  5: "Отказ",
};

export const FINAL_WORK_STATUSES: ReadonlySet<number> = new Set([3, 4, 5]);

/** §10: refusal reasons 1–11. */
export const REFUSAL_REASONS: Record<number, string> = {
  1: "Нарушен срок доставки",
  2: "Нет денег в наличии",
  3: "Передумал приобретать",
  4: "Приобрел в другом магазине",
  5: "Не заказывали",
  6: "Не дозвонились/истек срок хранения",
  7: "Другое",
  8: "Размер не соответствует заявленному",
  9: "Товар выглядит иначе, чем на сайте",
  10: "Не устраивает качество",
  11: "Доставлен другой товар",
};

export interface OrderStatusEntry {
  name: string;
  /** The work status this order status belongs to. */
  workStatus: WorkStatusId;
  /** The event comment written when an order enters it. */
  comment: string;
}

/** The stand-in's own order status dictionary (see the note at the top). */
export const ORDER_STATUSES: Record<number, OrderStatusEntry> = {
  1: { name: "Заказ создан", workStatus: 1, comment: "Заказ принят в систему" },
  3: { name: "Принят на склад", workStatus: 2, comment: "Заказ поступил на склад ТопДеливери" },
  5: { name: "Передан на доставку", workStatus: 2, comment: "Заказ передан курьеру" },
  6: { name: "Поступил в пункт выдачи", workStatus: 2, comment: "Заказ ожидает получателя в пункте выдачи" },
  7: { name: "Доставлен", workStatus: 3, comment: "Заказ вручён получателю" },
  8: { name: "Частично доставлен", workStatus: 4, comment: "Получатель выкупил часть заказа" },
  10: { name: "Отказ, возврат на склад", workStatus: 5, comment: "Получатель отказался от заказа" },
};

/** The status an explicit work status change gets when the control call names none. */
export const DEFAULT_STATUS_FOR_WORK: Record<WorkStatusId, number> = { 1: 1, 2: 3, 3: 7, 4: 8, 5: 10 };

/** Regions and cities for `getCitiesRegions`, the cheap authenticated call a client can probe the gate with. */
export const REGIONS: { regionId: number; regionName: string; cities: { cityId: number; cityName: string }[] }[] = [
  { regionId: 77, regionName: "Москва", cities: [{ cityId: 1, cityName: "Москва" }] },
  {
    regionId: 50,
    regionName: "Московская область",
    cities: [
      { cityId: 101, cityName: "Химки" },
      { cityId: 102, cityName: "Подольск" },
    ],
  },
  { regionId: 78, regionName: "Санкт-Петербург", cities: [{ cityId: 2, cityName: "Санкт-Петербург" }] },
  { regionId: 16, regionName: "Республика Татарстан", cities: [{ cityId: 160, cityName: "Казань" }] },
];

/** `2025-06-05T10:00:00+03:00`: xsd:dateTime in Moscow time, the way the stand-in writes every moment. */
export function moscowDateTime(at = new Date()): string {
  const msk = new Date(at.getTime() + 3 * 3600_000);
  return `${msk.toISOString().slice(0, 19)}+03:00`;
}

export function moscowDate(at = new Date()): string {
  return moscowDateTime(at).slice(0, 10);
}
