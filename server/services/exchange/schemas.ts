import { z } from "zod";
import { bigId } from "../primitives";

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
