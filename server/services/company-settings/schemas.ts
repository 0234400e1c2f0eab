import { z } from "zod";
import { innChecksumOk } from "../clients/schemas";
import { bigId, int32Id, safeString } from "../primitives";

const optional = (max: number) =>
  safeString()
    .trim()
    .max(max, `Не длиннее ${max} символов`)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();

/** Requisites printed on waybills and labels; the name is also the cabinet's company name. */
export const requisitesSchema = z.object({
  name: safeString().trim().min(1, "Укажите название компании").max(250, "Не длиннее 250 символов"),
  inn: optional(12)
    .refine((v) => v == null || /^(\d{10}|\d{12})$/.test(v), "ИНН — 10 или 12 цифр")
    .refine(
      (v) => v == null || !/^(\d{10}|\d{12})$/.test(v) || innChecksumOk(v),
      "ИНН с ошибкой: не сходится контрольная цифра",
    ),
  address: optional(500),
  phone: optional(100).refine((v) => v == null || /\d{5,}/.test(v.replace(/\D/g, "")), "Укажите телефон цифрами"),
});
export type RequisitesInput = z.input<typeof requisitesSchema>;

/** The order fields the XML API may require beyond MeaSoft's minimum (server/services/api-settings), titled. */
export const API_REQUIRABLE_FIELDS = {
  "receiver.company": "Компания получателя",
  "sender.company": "Компания отправителя",
  "sender.person": "Контактное лицо отправителя",
  "sender.phone": "Телефон отправителя",
  "sender.address": "Адрес отправителя",
} as const;
export type ApiRequirableField = keyof typeof API_REQUIRABLE_FIELDS;
const requirable = Object.keys(API_REQUIRABLE_FIELDS) as [ApiRequirableField, ...ApiRequirableField[]];

export const apiSettingsSchema = z.object({
  requiredFields: z
    .array(z.enum(requirable, { error: "Неизвестное поле" }))
    .max(requirable.length)
    .transform((v) => [...new Set(v)].sort()),
  strictTowns: z.boolean(),
});
export type ApiSettingsInput = z.input<typeof apiSettingsSchema>;

export const serviceSchema = z.object({
  code: z.coerce
    .number({ error: "Код — целое число" })
    .int("Код — целое число")
    .min(1, "Код — от 1")
    .max(32_767, "Код — до 32767"),
  name: safeString().trim().min(1, "Укажите название").max(200, "Не длиннее 200 символов"),
});
export const serviceCodeSchema = z.object({ code: z.coerce.number().int().min(1).max(32_767) });

const numberText = (label: string, max: number) =>
  z.union([z.number(), z.string()]).transform((v, c) => {
    const n = typeof v === "number" ? v : Number(v.trim().replace(",", "."));
    if (typeof v === "string" && v.trim() === "") {
      c.addIssue({ code: "custom", message: `Укажите ${label}` });
      return z.NEVER;
    }
    if (!Number.isFinite(n) || n < 0 || n > max) {
      c.addIssue({ code: "custom", message: `${label[0]!.toUpperCase()}${label.slice(1)} — число от 0 до ${max}` });
      return z.NEVER;
    }
    return n;
  });
const optionalNumber = (label: string, max: number) =>
  z
    .union([z.number(), z.string(), z.null()])
    .optional()
    .transform((v) => (v === "" || v === undefined ? null : v))
    .pipe(numberText(label, max).nullable());
const townName = optional(200);

/** A price row as the calculator reads it (server/services/tariffs); towns are checked against the reference. */
export const tariffSchema = z
  .object({
    id: int32Id().optional(),
    serviceCode: z.coerce.number({ error: "Выберите услугу" }).int().min(1, "Выберите услугу").max(32_767),
    townFrom: townName,
    townTo: townName,
    zone: z
      .union([z.number(), z.string(), z.null()])
      .optional()
      .transform((v, c) => {
        if (v === "" || v === undefined || v === null) return null;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 999) {
          c.addIssue({ code: "custom", message: "Зона — целое число от 0 до 999" });
          return z.NEVER;
        }
        return n;
      }),
    weightFrom: numberText("вес от", 100_000),
    weightTo: optionalNumber("вес до", 100_000),
    price: numberText("цену", 10_000_000),
    extraPerKg: optionalNumber("доплату за кг", 1_000_000),
    minDays: z.coerce.number({ error: "Срок — целое число" }).int("Срок — целое число").min(0).max(365),
    maxDays: z.coerce.number({ error: "Срок — целое число" }).int("Срок — целое число").min(0).max(365),
  })
  .superRefine((v, c) => {
    if (v.weightTo !== null && v.weightTo <= v.weightFrom)
      c.addIssue({ code: "custom", path: ["weightTo"], message: "«Вес до» больше «веса от»" });
    if (v.maxDays < v.minDays)
      c.addIssue({ code: "custom", path: ["maxDays"], message: "Не меньше минимального срока" });
  });
export type TariffInput = z.input<typeof tariffSchema>;

export const zoneSchema = z.object({
  id: int32Id().optional(),
  townFrom: townName,
  townTo: safeString().trim().min(1, "Укажите город назначения").max(200),
  zone: z.coerce.number({ error: "Зона — целое число" }).int("Зона — целое число").min(0).max(999),
});
export type ZoneInput = z.input<typeof zoneSchema>;

export const idSchema = z.object({ id: int32Id() });
export const tariffListSchema = z.object({ serviceCode: z.coerce.number().int().min(1).max(32_767).optional() });

export const AUDIT_SECTIONS = {
  requisites: "Реквизиты",
  api: "XML API",
  service: "Услуги",
  tariff: "Тарифы",
  zone: "Зоны",
  user: "Пользователи",
} as const;
export const auditListSchema = z.object({
  section: z.enum(Object.keys(AUDIT_SECTIONS) as [keyof typeof AUDIT_SECTIONS]).optional(),
  cursor: bigId().nullish(),
});
