import { z } from "zod";
import { UNIFORM_STATUSES } from "../../integrators/pimpay/statuses";
import { ORDER_STATUS_CODES } from "../orders/statuses";
import { int32Id, safeString } from "../primitives";

/** Pure request schemas of the PimPay pages (no DB): the settings form, the client's «Финансы» tab. */

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const savePimPaySchema = z.object({
  /** Blank keeps the stored token (it is never shown again). */
  token: z.preprocess(blankToUndefined, safeString().trim().max(500, "Не длиннее 500 символов").optional()),
  companyCode: safeString("Укажите код компании")
    .trim()
    .min(1, "Укажите код компании в PimPay")
    .max(100, "Не длиннее 100 символов"),
  apiUrl: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^https?$/, error: "Адрес вида http://platform.api.pimpay.ru/v2_7/soap/invoke" }).optional(),
  ),
  /** A pasted private key (PEM); blank keeps the stored one. */
  privateKey: z.preprocess(blankToUndefined, z.string().max(20_000, "Слишком длинный ключ").optional()),
  statusMap: z.partialRecord(z.enum(ORDER_STATUS_CODES), z.enum(UNIFORM_STATUSES)).optional(),
});
export type SavePimPayInput = z.input<typeof savePimPaySchema>;

export const pimpayClientRefSchema = z.object({ clientId: int32Id("Клиент") });

export const registerPimPayClientSchema = z.object({
  clientId: int32Id("Клиент"),
  legalEntityName: safeString("Укажите юридическое название")
    .trim()
    .min(1, "Укажите юридическое название")
    .max(250, "Не длиннее 250 символов"),
  shopName: safeString("Укажите название магазина")
    .trim()
    .min(1, "Укажите название магазина")
    .max(250, "Не длиннее 250 символов"),
  email: z
    .string({ error: "Укажите e-mail" })
    .trim()
    .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "Некорректный e-mail"),
  /** PimPay's `mobileType`: `+` and 11 digits; typed any way, normalised here. */
  mobile: z
    .string({ error: "Укажите мобильный телефон" })
    .transform((v) => v.replace(/[^\d+]/g, ""))
    .transform((v) => (/^8\d{10}$/.test(v) ? `+7${v.slice(1)}` : /^7\d{10}$/.test(v) ? `+${v}` : v))
    .refine((v) => /^\+\d{11}$/.test(v), "Мобильный телефон: + и 11 цифр, например +79001234567"),
  agreement: z.preprocess(blankToUndefined, safeString().trim().max(100, "Не длиннее 100 символов").optional()),
});
export type RegisterPimPayClientInput = z.input<typeof registerPimPayClientSchema>;

export const pimpayLogSchema = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.number().int().positive().nullish(),
  onlyErrors: z.boolean().default(false),
});
