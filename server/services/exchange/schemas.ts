import { z } from "zod";
import { bigId, int32Id, INT32_MAX } from "../primitives";

export const orderRefSchema = z.object({ orderId: bigId() });

export const TRANSFER_STATE_TITLES = {
  waiting: "Ждёт включения интеграции",
  pending: "В очереди",
  sending: "Передаётся",
  submitted: "Партнёр обрабатывает заказ",
  sent: "Передан партнёру",
  failed: "Ошибка передачи",
  cancelled: "Отменён до передачи",
} as const;

export const CANCEL_STATE_TITLES = {
  none: "",
  pending: "Отмена отправляется партнёру",
  done: "Отменён у партнёра",
  failed: "Партнёр не отменил",
} as const;

export const PRINT_FORMS = ["waybill", "label", "act", "deliveryList"] as const;
export type PrintForm = (typeof PRINT_FORMS)[number];
export const PRINT_FORM_TITLES: Record<PrintForm, string> = {
  waybill: "Накладная партнёра",
  label: "Этикетки мест",
  act: "Акт партнёра",
  deliveryList: "Лист доставки партнёра",
};
/** The lowest per-request print limit among the partners' protocols; a bigger manifest comes in parts. */
export const PRINT_CHUNK = 100;

/** A partner's print form of one order or of a whole manifest; `part` (from 1) picks a part of a big manifest. */
export const printFormsSchema = z
  .object({
    form: z.enum(PRINT_FORMS, { error: "Форма: waybill, label, act или deliveryList" }),
    orderId: bigId().optional(),
    manifestId: int32Id().optional(),
    part: z
      .number({ error: "Номер части — целое число от 1" })
      .int("Номер части — целое число от 1")
      .min(1, "Номер части — целое число от 1")
      .max(INT32_MAX, "Номер части — целое число от 1")
      .optional(),
  })
  .refine((v) => (v.orderId === undefined) !== (v.manifestId === undefined), {
    error: "Укажите заказ или манифест — что-то одно",
    path: ["orderId"],
  });
