import { z } from "zod";
import { int32Id, safeString } from "../primitives";

const optional = (max: number) =>
  safeString()
    .trim()
    .max(max, `Не длиннее ${max} символов`)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();

/** The INN's check digits (one for a company's 10 digits, two for a person's 12), as the tax service computes them. */
export function innChecksumOk(inn: string): boolean {
  const d = [...inn].map(Number);
  const check = (weights: number[]) => (weights.reduce((s, w, i) => s + w * d[i]!, 0) % 11) % 10;
  if (d.length === 10) return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[9];
  if (d.length === 12)
    return check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[10] && check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[11];
  return false;
}

export const CURRENCIES = ["RUB", "KZT", "BYN", "UZS", "KGS", "AMD", "USD", "EUR", "CNY"] as const;

export const clientFieldsSchema = z.object({
  name: safeString().trim().min(1, "Укажите название клиента").max(250, "Не длиннее 250 символов"),
  kind: z.enum(["shop", "courier"]).default("shop"),
  inn: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional()
    .refine((v) => v == null || /^(\d{10}|\d{12})$/.test(v), "ИНН: 10 или 12 цифр")
    .refine(
      (v) => v == null || !/^(\d{10}|\d{12})$/.test(v) || innChecksumOk(v),
      "ИНН с ошибкой: не сходится контрольная цифра",
    ),
  contactPerson: optional(250),
  phone: optional(100),
  email: optional(250).refine((v) => v == null || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), "Некорректный e-mail"),
  address: optional(500),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, "Код валюты ISO 4217, три буквы (например RUB)")
    .default("RUB"),
  paymentIntermediary: z.enum(["none", "pimpay"]).default("none"),
  partnerExtraCode: z
    .union([z.number(), z.string(), z.null()])
    .optional()
    .transform((v) => (v === undefined || v === null || (typeof v === "string" && v.trim() === "") ? null : Number(v)))
    .refine((v) => v === null || (Number.isInteger(v) && v > 0 && v < 1e9), "Код службы — целое число, например 101"),
  login: optional(100),
  /** Only sent when it changes; stored as a bcrypt hash. */
  password: safeString()
    .max(200, "Не длиннее 200 символов")
    .optional()
    .refine((v) => v === undefined || v === "" || v.length >= 4, "Пароль не короче 4 символов"),
});

export const createClientSchema = clientFieldsSchema.superRefine((c, ctx) => {
  if (c.login && !c.password)
    ctx.addIssue({ code: "custom", path: ["password"], message: "Задайте пароль для входа в кабинет" });
});
export const updateClientSchema = clientFieldsSchema.extend({ id: int32Id() });
export const clientIdSchema = z.object({ id: int32Id() });
export const listClientsSchema = z.object({
  search: safeString().trim().max(100, "Не длиннее 100 символов").optional(),
});

export type ClientFieldsInput = z.input<typeof clientFieldsSchema>;
