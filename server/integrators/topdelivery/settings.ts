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
    label: "Адрес шлюза (необязательно)",
    help: "Только для прокси или другой версии шлюза. Пусто — …/api/soap/w/2.0/ по режиму",
  }),
});

export type TopDeliverySettings = z.output<typeof topDeliverySettingsSchema>;

export const topDeliverySettings: IntegratorSettings<typeof topDeliverySettingsSchema> = {
  id: "topdelivery",
  title: "TopDelivery",
  description: "TopDelivery, SOAP-шлюз w/2.0. Нужны логин и пароль магазина и отдельные логин и пароль шлюза.",
  schema: topDeliverySettingsSchema,
};
