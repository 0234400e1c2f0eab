import type { OrderStatus } from "../../services/orders/statuses";

/** PimPay's uniform delivery statuses (`uniformPimpayDeliveryStatusType`, pimpay.md §5); the readings are ours. */
export const UNIFORM_STATUSES = [
  "pending",
  "prepared",
  "intransit",
  "stored",
  "delivered",
  "partialReturn",
  "return",
  "lost",
  "error",
  "unknown",
] as const;
export type UniformStatus = (typeof UNIFORM_STATUSES)[number];

export const UNIFORM_TITLES: Record<UniformStatus, string> = {
  pending: "Ещё не передан (pending)",
  prepared: "Зарегистрирован у перевозчика (prepared)",
  intransit: "В пути (intransit)",
  stored: "Ждёт в пункте выдачи (stored)",
  delivered: "Доставлен (delivered)",
  partialReturn: "Частично доставлен, остаток возвращён (partialReturn)",
  return: "Возвращён (return)",
  lost: "Утерян (lost)",
  error: "Ошибка (error)",
  unknown: "Неизвестно (unknown)",
};

/**
 * Our statuses → PimPay's uniform ones: the protocol note's proposal (COMPLETE → delivered, PARTIALLY →
 * partialReturn, LOST → lost, PICKUPREADY → stored, …), editable per company in the PimPay settings. Partners'
 * statuses reach PimPay through ours (each partner's table maps them to ours first), their raw code alongside.
 */
export const DEFAULT_UNIFORM_MAP: Record<OrderStatus, UniformStatus> = {
  AWAITING_SYNC: "pending",
  NEW: "pending",
  NEWPICKUP: "pending",
  PICKUP: "prepared",
  WMSASSEMBLED: "prepared",
  WMSDISASSEMBLED: "prepared",
  ACCEPTED: "prepared",
  CUSTOMSPROCESS: "intransit",
  CUSTOMSFINISHED: "intransit",
  CONFIRM: "intransit",
  UNCONFIRM: "intransit",
  DEPARTURING: "intransit",
  DEPARTURE: "intransit",
  INVENTORY: "intransit",
  PICKUPREADY: "stored",
  DELIVERY: "intransit",
  COURIERDELIVERED: "delivered",
  COURIERPARTIALLY: "partialReturn",
  COURIERCANCELED: "return",
  COURIERRETURN: "return",
  DATECHANGE: "intransit",
  COMPLETE: "delivered",
  PARTIALLY: "partialReturn",
  CANCELED: "return",
  RETURNING: "return",
  RETURNED: "return",
  PARTLYRETURNING: "partialReturn",
  PARTLYRETURNED: "partialReturn",
  LOST: "lost",
  TRANSACCEPTED: "intransit",
  PICKUPTRANS: "intransit",
};
