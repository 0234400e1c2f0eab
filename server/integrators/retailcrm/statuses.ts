import type { OrderStatus } from "../../services/orders/statuses";

/**
 * The delivery statuses the module declares to RetailCRM (`integrations.delivery.statusList`): the only codes a
 * tracking push may carry. Our 30-odd statuses map onto these (editable per connection under «Автоматизация»).
 */
export const MODULE_STATUSES = [
  { code: "new", name: "Создан в службе доставки", isEditable: true },
  { code: "accepted", name: "Принят службой доставки", isEditable: false },
  { code: "in-transit", name: "В пути", isEditable: false },
  { code: "date-change", name: "Перенос даты доставки", isEditable: false },
  { code: "courier", name: "Передан курьеру", isEditable: false },
  { code: "pickup-ready", name: "Готов к выдаче в пункте", isEditable: false },
  { code: "delivered", name: "Доставлен", isEditable: false },
  { code: "partially", name: "Доставлен частично", isEditable: false },
  { code: "refused", name: "Отказ получателя", isEditable: false },
  { code: "returning", name: "Возвращается отправителю", isEditable: false },
  { code: "returned", name: "Возвращён отправителю", isEditable: false },
  { code: "canceled", name: "Отменён", isEditable: false },
  { code: "lost", name: "Утерян", isEditable: false, isError: true },
] as const;

export type ModuleStatus = (typeof MODULE_STATUSES)[number]["code"];

/** Where each of our statuses goes by default; a status left out sends nothing (RetailCRM keeps the last one). */
export const DEFAULT_STATUS_MAP: Partial<Record<OrderStatus, ModuleStatus>> = {
  NEW: "new",
  NEWPICKUP: "new",
  PICKUP: "accepted",
  WMSASSEMBLED: "accepted",
  ACCEPTED: "accepted",
  CONFIRM: "accepted",
  DEPARTURING: "in-transit",
  DEPARTURE: "in-transit",
  TRANSACCEPTED: "in-transit",
  PICKUPTRANS: "in-transit",
  DATECHANGE: "date-change",
  DELIVERY: "courier",
  PICKUPREADY: "pickup-ready",
  COURIERDELIVERED: "delivered",
  COMPLETE: "delivered",
  COURIERPARTIALLY: "partially",
  PARTIALLY: "partially",
  COURIERCANCELED: "refused",
  COURIERRETURN: "returning",
  RETURNING: "returning",
  PARTLYRETURNING: "returning",
  RETURNED: "returned",
  PARTLYRETURNED: "returned",
  CANCELED: "canceled",
  LOST: "lost",
};
