import { z } from "zod";
import { flag, httpUrl, optionalText, requiredText } from "../form";
import type { IntegratorSettings } from "../types";

export const cdekSettingsSchema = z.object({
  account: requiredText("Укажите Account").meta({
    label: "Account",
    help: "Ключ интеграции из личного кабинета СДЭК (Интеграция → Ключи), не логин кабинета",
  }),
  securePassword: requiredText("Укажите Secure password").meta({ label: "Secure password", secret: true }),
  testMode: flag().meta({
    label: "Тестовый режим",
    help: "Запросы уходят на учебный стенд api.edu.cdek.ru; заказы там не исполняются",
  }),
  shipmentPoint: optionalText(20).meta({
    label: "Пункт приёма (shipment_point)",
    help: "Код офиса СДЭК, куда вы сдаёте отправления; нужен для тарифов «от склада»",
    placeholder: "MSK001",
  }),
  tariffCode: z.coerce
    .number({ error: "Код тарифа — целое число" })
    .int("Код тарифа — целое число")
    .positive("Код тарифа — целое число")
    .meta({
      label: "Тариф по умолчанию",
      help: "Код тарифа СДЭК, например 136 (посылка склад-склад)",
      placeholder: "136",
    }),
  senderCompany: optionalText(250).meta({ label: "Отправитель: компания" }),
  senderName: optionalText(250).meta({ label: "Отправитель: контактное лицо" }),
  senderPhone: z
    .string()
    .trim()
    .regex(/^\+\d{10,15}$/, "Телефон в международном формате, например +79001234567")
    .optional()
    .meta({ label: "Отправитель: телефон", placeholder: "+79001234567" }),
  senderAddress: optionalText(255).meta({ label: "Отправитель: адрес забора", help: "Для тарифов «от двери»" }),
  apiUrl: httpUrl().optional().meta({
    label: "Адрес API (необязательно)",
    help: "Только для прокси или собственного стенда. Пусто — api.cdek.ru или api.edu.cdek.ru по режиму",
  }),
});

export type CdekSettings = z.output<typeof cdekSettingsSchema>;

export const cdekSettings: IntegratorSettings<typeof cdekSettingsSchema> = {
  id: "cdek",
  title: "СДЭК",
  description: "СДЭК, API v2. Нужны ключи интеграции (Account и Secure password) из кабинета СДЭК.",
  schema: cdekSettingsSchema,
};
