import { z } from "zod";
import { ORDER_STATUS_CODES } from "../../services/orders/statuses";
import { safeString } from "../../services/primitives";
import { flag, httpUrl, optionalText, requiredText } from "../form";
import type { IntegratorSettings } from "../types";

/** A shop's status as the link page offers it: a system `fulfillment_status` code or a custom status permalink. */
const shopStatus = (message: string) => requiredText(message, 100);

export const insalesSettingsSchema = z.object({
  shop: requiredText("Укажите адрес магазина", 253).meta({ label: "Магазин", help: "Адрес магазина в InSales" }),
  insalesId: z
    .string({ error: "Укажите ID магазина" })
    .trim()
    .regex(/^\d{1,20}$/, "ID магазина в InSales — число")
    .meta({ label: "ID магазина в InSales" }),
  password: requiredText("Нет пароля приложения: установите приложение заново").meta({
    label: "Пароль приложения",
    help: "Выдаётся InSales при установке приложения",
    secret: true,
  }),
  triggerStatus: shopStatus("Выберите статус, при котором заказ передаётся в службу").meta({
    label: "Статус для передачи заказа",
    help: "Заказ магазина в этом статусе приходит в Курьер-Хаб",
    choices: "shopStatuses",
    choicesMissing: "В магазине нет статуса",
  }),
  prefix: optionalText(10)
    .refine((v) => v === undefined || /^[A-Za-z0-9А-Яа-яЁё_-]*$/.test(v), "Префикс — буквы, цифры, «-» и «_»")
    .meta({ label: "Префикс заказов", help: "Ставится перед номером заказа магазина, например IS-" }),
  apiBase: httpUrl("Адрес API магазина вида https://shop.myinsales.ru")
    .optional()
    .meta({ label: "Адрес API магазина", help: "Обычно не нужен: по умолчанию https://<адрес магазина>" }),
  statusMap: z
    .partialRecord(z.enum(ORDER_STATUS_CODES), safeString().trim().max(100, "Не длиннее 100 символов"))
    .default({})
    .meta({
      label: "Статусы магазина для статусов доставки",
      help: "Какой статус поставить заказу в магазине, когда у нас он получает статус доставки; пусто — не менять",
      choices: "shopStatuses",
      choicesMissing: "В магазине нет статуса",
    }),
  paused: flag().meta({
    label: "Не передавать заказы",
    help: "Пока включено, заказы магазина не приходят в службу: они ждут в «Ошибках импорта», откуда их можно повторить",
  }),
});

export type InsalesSettings = z.output<typeof insalesSettingsSchema>;

export const insalesSettings: IntegratorSettings<typeof insalesSettingsSchema> = {
  id: "insales",
  title: "InSales",
  description: "Магазин на InSales: заказы приходят в кабинет клиента, статусы доставки возвращаются в магазин.",
  schema: insalesSettingsSchema,
  owner: "client",
  automation: ["triggerStatus", "prefix", "statusMap", "paused"],
};
