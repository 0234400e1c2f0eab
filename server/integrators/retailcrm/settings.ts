import { z } from "zod";
import { ORDER_STATUS_CODES } from "../../services/orders/statuses";
import { safeString } from "../../services/primitives";
import { flag, httpUrl, optionalText, requiredText } from "../form";
import type { IntegratorSettings } from "../types";
import { DEFAULT_STATUS_MAP, MODULE_STATUSES } from "./statuses";

const moduleStatus = z.enum(MODULE_STATUSES.map((s) => s.code) as [string, ...string[]], {
  error: "Такого статуса модуль не объявлял в RetailCRM",
});

/**
 * A client's RetailCRM connection: the CRM, its API key, the module instance registered there, and the rules the
 * client changes under «Автоматизация». The callbacks' `clientId` is not a setting: only its hash is kept (hookKey).
 */
export const retailCrmSettingsSchema = z.object({
  crmUrl: httpUrl("Адрес RetailCRM вида https://shop.retailcrm.ru").meta({
    label: "Адрес RetailCRM",
    help: "Адрес вашей системы RetailCRM, например https://shop.retailcrm.ru",
  }),
  apiKey: requiredText("Укажите API-ключ RetailCRM", 200).meta({
    label: "API-ключ",
    help: "Настройки → Интеграция → Ключи доступа к API",
    secret: true,
  }),
  moduleCode: requiredText("Нет кода модуля: подключите RetailCRM заново", 100).meta({
    label: "Код модуля в RetailCRM",
  }),
  useArticles: flag().meta({
    label: "Использовать артикулы",
    help: "Артикул товара передаётся в службу для привязки к её складу",
  }),
  codPaymentTypes: z
    .array(safeString().trim().min(1).max(100), { error: "Список типов оплаты" })
    .max(100, "Не больше 100 типов оплаты")
    .default([])
    .meta({
      label: "Типы оплаты с наложенным платежом",
      help: "Неоплаченный заказ с таким типом оплаты курьер оплачивает при доставке; оплаченный заказ идёт без платежа",
      choices: "paymentTypes",
      choicesMissing: "В RetailCRM нет типа оплаты",
    }),
  defaultTariff: optionalText(100).meta({
    label: "Тариф по умолчанию",
    help: "Если в заказе RetailCRM тариф не выбран",
    choices: "deliveryServices",
    choicesMissing: "У службы нет тарифа",
  }),
  statusMap: z.partialRecord(z.enum(ORDER_STATUS_CODES), moduleStatus).default(DEFAULT_STATUS_MAP).meta({
    label: "Статусы доставки в RetailCRM",
    help: "Какой статус доставки увидит RetailCRM при нашем статусе заказа; пусто — не сообщать",
    choices: "moduleStatuses",
  }),
  paused: flag().meta({
    label: "Не принимать заказы",
    help: "Пока включено, RetailCRM получает отказ при сохранении новых заказов; статусы по принятым идут как прежде",
  }),
});

export type RetailCrmSettings = z.output<typeof retailCrmSettingsSchema>;

export const retailCrmSettings: IntegratorSettings<typeof retailCrmSettingsSchema> = {
  id: "retailcrm",
  title: "RetailCRM",
  description: "Модуль доставки в RetailCRM: заказы приходят при сохранении в CRM, статусы доставки уходят обратно.",
  schema: retailCrmSettingsSchema,
  owner: "client",
  automation: ["useArticles", "codPaymentTypes", "defaultTariff", "statusMap", "paused"],
};
