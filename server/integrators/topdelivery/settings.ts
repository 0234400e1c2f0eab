import { z } from "zod";
import { flag, httpUrl, requiredText } from "../form";
import type { IntegratorSettings } from "../types";

export const topDeliverySettingsSchema = z.object({
  login: requiredText("Укажите логин магазина").meta({
    label: "Логин магазина",
    help: "Учётная запись вашей службы в TopDelivery (блок auth каждого запроса)",
  }),
  password: requiredText("Укажите пароль магазина").meta({ label: "Пароль магазина", secret: true }),
  gateLogin: requiredText("Укажите логин шлюза").meta({
    label: "Логин шлюза",
    help: "HTTP-авторизация SOAP-шлюза; выдаёт TopDelivery",
  }),
  gatePassword: requiredText("Укажите пароль шлюза").meta({ label: "Пароль шлюза", secret: true }),
  testMode: flag().meta({ label: "Тестовый режим", help: "Запросы уходят на тестовый стенд is-test.topdelivery.ru" }),
  gateUrl: httpUrl().optional().meta({
    label: "Адрес WSDL шлюза (необязательно)",
    help: "Пространство имён и SOAPAction берутся из его WSDL. Пусто — is.topdelivery.ru или is-test по режиму",
  }),
  printGateUrl: httpUrl().optional().meta({
    label: "Адрес WSDL шлюза печати (необязательно)",
    help: "Пусто — рядом со шлюзом заказов: …/api/soap/print/2.0/",
  }),
  pollMinutes: z.coerce
    .number({ error: "Целое число минут" })
    .int("Целое число минут")
    .min(1, "Не меньше 1 минуты")
    .max(24 * 60, "Не больше суток")
    .default(15)
    .meta({
      label: "Опрашивать статусы раз в, мин",
      help: "Свежие заказы — с этим интервалом, заказы старше суток — реже (до 8 раз)",
    }),
});

export type TopDeliverySettings = z.output<typeof topDeliverySettingsSchema>;

export const topDeliverySettings: IntegratorSettings<typeof topDeliverySettingsSchema> = {
  id: "topdelivery",
  title: "TopDelivery",
  description: "TopDelivery, SOAP-шлюз w/2.0. Нужны логин и пароль магазина и отдельные логин и пароль шлюза.",
  schema: topDeliverySettingsSchema,
};
