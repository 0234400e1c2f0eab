import { z } from "zod";
import { ORDER_STATUS_CODES } from "../../services/orders/statuses";
import { httpUrl, requiredText } from "../form";
import type { IntegratorSettings } from "../types";
import { DEFAULT_UNIFORM_MAP, UNIFORM_STATUSES } from "./statuses";

export const PIMPAY_ENDPOINT = "http://platform.api.pimpay.ru/v2_7/soap/invoke";

/**
 * The company's PimPay connection (one per company): PimPay's token, the company's code there, the private key that
 * signs every request (made by «Создать ключи» or pasted), and our statuses → PimPay's uniform ones.
 */
export const pimpaySettingsSchema = z.object({
  token: requiredText("Укажите токен PimPay", 500).meta({
    label: "Токен",
    help: "Выдаётся PimPay; виден в кабинете PimPay",
    secret: true,
  }),
  companyCode: requiredText("Укажите код компании в PimPay", 100).meta({
    label: "Код компании",
    help: "Код вашей службы доставки в PimPay (deliveryService): с ним уходят заказы, которые вы доставляете сами",
  }),
  privateKey: requiredText("Создайте ключи или вставьте закрытый ключ", 20_000).meta({
    label: "Закрытый ключ",
    help: "RSA в формате PEM (PKCS#1 или PKCS#8); хранится зашифрованным и никому не показывается",
    secret: true,
  }),
  apiUrl: httpUrl("Адрес API PimPay вида http://platform.api.pimpay.ru/v2_7/soap/invoke")
    .default(PIMPAY_ENDPOINT)
    .meta({ label: "Адрес API", help: "Обычно не меняется" }),
  statusMap: z
    .partialRecord(z.enum(ORDER_STATUS_CODES), z.enum(UNIFORM_STATUSES, { error: "Нет такого статуса PimPay" }))
    .default(DEFAULT_UNIFORM_MAP)
    .meta({ label: "Единые статусы PimPay" }),
});

export type PimPaySettings = z.output<typeof pimpaySettingsSchema>;

export const pimpaySettings: IntegratorSettings<typeof pimpaySettingsSchema> = {
  id: "pimpay",
  title: "PimPay",
  description: "Платёжный посредник: данные наложенного платежа клиентов уходят в PimPay, подписанные вашим ключом.",
  schema: pimpaySettingsSchema,
  owner: "company",
};
