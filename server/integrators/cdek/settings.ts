import { z } from "zod";
import { flag, httpUrl, optionalText, requiredText } from "../form";
import type { IntegratorSettings } from "../types";

export const cdekSettingsSchema = z
  .object({
    account: requiredText("Укажите Account").meta({
      label: "Account",
      help: "Ключ интеграции из личного кабинета СДЭК (Интеграция → Ключи), не логин кабинета",
    }),
    securePassword: requiredText("Укажите Secure password").meta({ label: "Secure password", secret: true }),
    testMode: flag().meta({
      label: "Тестовый режим",
      help: "Запросы уходят на учебный стенд api.edu.cdek.ru; заказы там не исполняются",
    }),
    contractType: z
      .enum(["1", "2"], { error: "Выберите тип договора" })
      .default("1")
      .meta({
        label: "Тип договора со СДЭК",
        help: "«Интернет-магазин» принимает наложенный платёж; «доставка» — без него",
        optionLabels: { "1": "1 — интернет-магазин", "2": "2 — доставка" },
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
    senderCity: optionalText(120).meta({
      label: "Отправитель: город",
      help: "С адресом забора, если отправления не сдаются в пункт приёма",
      placeholder: "Москва",
    }),
    senderAddress: optionalText(255).meta({ label: "Отправитель: адрес забора", help: "Для тарифов «от двери»" }),
    defaultDimensions: z
      .string()
      .trim()
      .regex(/^\d{1,3}\s*[xх×*]\s*\d{1,3}\s*[xх×*]\s*\d{1,3}$/i, "Три числа в сантиметрах, например 30x20x10")
      .optional()
      .meta({
        label: "Габариты места по умолчанию, см",
        help: "Для мест без габаритов: СДЭК требует их для мест от 100 г",
        placeholder: "30x20x10",
      }),
    quietPollMinutes: z.coerce
      .number({ error: "Целое число минут" })
      .int("Целое число минут")
      .min(5, "Не меньше 5 минут")
      .max(24 * 60, "Не больше суток")
      .default(30)
      .meta({
        label: "Опрашивать заказы без новостей, мин",
        help: "Статусы приходят уведомлениями СДЭК; заказ без новостей дольше этого срока СДЭК спрашивают сам",
      }),
    apiUrl: httpUrl().optional().meta({
      label: "Адрес API (необязательно)",
      help: "Рабочий https://api.cdek.ru, учебный https://api.edu.cdek.ru или свой стенд. Пусто — по режиму",
    }),
  })
  // Checked with the form's fields, so the message lands at the field to fix.
  .superRefine((s, ctx) => {
    const problem = cdekOriginProblem(s);
    if (problem)
      ctx.addIssue({ code: "custom", path: [s.senderAddress ? "senderCity" : "shipmentPoint"], message: problem });
  });

export type CdekSettings = z.output<typeof cdekSettingsSchema>;

/** Where CDEK takes the parcels: a shipment point, or the sender's address with its city — exactly one of them. */
export function cdekOriginProblem(s: Pick<CdekSettings, "shipmentPoint" | "senderAddress" | "senderCity">) {
  if (s.shipmentPoint && s.senderAddress) return "Укажите что-то одно: пункт приёма или адрес забора";
  if (!s.shipmentPoint && !s.senderAddress) return "Укажите пункт приёма СДЭК или адрес забора с городом";
  if (s.senderAddress && !s.senderCity) return "Для адреса забора укажите город";
  return null;
}

export const cdekSettings: IntegratorSettings<typeof cdekSettingsSchema> = {
  id: "cdek",
  title: "СДЭК",
  description: "СДЭК, API v2. Нужны ключи интеграции (Account и Secure password) из кабинета СДЭК.",
  schema: cdekSettingsSchema,
};
