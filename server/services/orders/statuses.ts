/** MeaSoft status codes (measoft-xml-api.md §4.3) with the Russian titles shown in the cabinet. */
export const ORDER_STATUSES = {
  AWAITING_SYNC: "Ожидает синхронизации",
  NEW: "Новый",
  NEWPICKUP: "Новый забор",
  PICKUP: "Забран у отправителя",
  WMSASSEMBLED: "Собран на складе",
  WMSDISASSEMBLED: "Разобран на складе",
  ACCEPTED: "Принят на склад",
  CUSTOMSPROCESS: "Таможенный контроль",
  CUSTOMSFINISHED: "Таможня пройдена",
  CONFIRM: "Доставка согласована",
  UNCONFIRM: "Не удалось согласовать",
  DEPARTURING: "Планируется отправка",
  DEPARTURE: "Отправлен на другой склад",
  INVENTORY: "Инвентаризация",
  PICKUPREADY: "Готов к выдаче в ПВЗ",
  DELIVERY: "Выдан курьеру",
  COURIERDELIVERED: "Доставлен (курьер)",
  COURIERPARTIALLY: "Частично доставлен (курьер)",
  COURIERCANCELED: "Отказ (курьер)",
  COURIERRETURN: "Возвращён курьером",
  DATECHANGE: "Перенос даты",
  COMPLETE: "Доставлен",
  PARTIALLY: "Доставлен частично",
  CANCELED: "Не доставлен (отмена)",
  RETURNING: "Планируется возврат",
  RETURNED: "Возвращён клиенту",
  PARTLYRETURNING: "Планируется возврат остатка",
  PARTLYRETURNED: "Остаток возвращён",
  LOST: "Утерян",
  TRANSACCEPTED: "На складе перевозчика",
  PICKUPTRANS: "Забран у перевозчика",
} as const;

export type OrderStatus = keyof typeof ORDER_STATUSES;
export const ORDER_STATUS_CODES = Object.keys(ORDER_STATUSES) as [OrderStatus, ...OrderStatus[]];

export const FINAL_STATUSES: ReadonlySet<string> = new Set([
  "COMPLETE",
  "PARTIALLY",
  "CANCELED",
  "RETURNED",
  "PARTLYRETURNED",
  "LOST",
]);
/**
 * Statuses staff may pick by hand for an order that is not final: CANCELED is left to the cancel verb, which knows
 * about partners. The lifecycle's `allowedStatuses` and the bulk status list both start from this.
 */
export const HAND_SET_STATUSES: readonly OrderStatus[] = ORDER_STATUS_CODES.filter((s) => s !== "CANCELED");
/** An order may be edited or cancelled by its sender only before the courier company starts working it. */
export const EDITABLE_STATUSES: ReadonlySet<string> = new Set(["AWAITING_SYNC", "NEW", "NEWPICKUP"]);

export function statusTitle(code: string): string {
  return (ORDER_STATUSES as Record<string, string>)[code] ?? code;
}

export const STATUS_SOURCE_TITLES = { cabinet: "кабинет", api: "API", agent: "агент", system: "система" } as const;
export const PAY_TYPE_TITLES = {
  CASH: "Наличные",
  CARD: "Карта",
  NO: "Оплачен (без оплаты)",
  OTHER: "Другое",
} as const;
