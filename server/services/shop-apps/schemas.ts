import { z } from "zod";
import { ORDER_STATUS_CODES } from "../orders/statuses";
import { safeString } from "../primitives";

/** The callbacks' query parameters: `shop` is a host (no scheme, no path), `insales_id` the stable shop id. */
export const shopParamsSchema = z.object({
  shop: z
    .string({ error: "Нет параметра shop" })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$/, "shop — адрес магазина без протокола"),
  insales_id: z
    .string({ error: "Нет параметра insales_id" })
    .trim()
    .regex(/^\d{1,20}$/, "insales_id — число"),
  token: z.string({ error: "Нет параметра token" }).min(1, "Пустой token").max(200, "Слишком длинный token"),
});

/** InSales' redirect back after the back office signed the nonce. */
export const autologinParamsSchema = z.object({
  token: z.string().max(64).optional(),
  token3: z.string().max(64).optional(),
  user_email: z.string().max(320).default(""),
  user_name: z.string().max(500).default(""),
  user_id: z.string().max(40).default(""),
  email_confirmed: z.string().max(10).default(""),
});

export const ticketSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "Ссылка повреждена");

/** The link page's form: our client account (as at the cabinet's sign-in), then the shop's side of the exchange. */
export const linkShopSchema = z.object({
  ticket: ticketSchema,
  extra: z.coerce
    .number({ error: "Код службы — число" })
    .int("Код службы — число")
    .positive("Укажите код курьерской службы")
    .max(2_147_483_647, "Нет службы с таким кодом"),
  login: safeString("Укажите логин").trim().min(1, "Укажите логин").max(100, "Не длиннее 100 символов"),
  password: z.string({ error: "Укажите пароль" }).min(1, "Укажите пароль").max(200, "Не длиннее 200 символов"),
  triggerStatus: safeString("Выберите статус").trim().min(1, "Выберите статус, при котором заказ передаётся").max(100),
  prefix: safeString()
    .trim()
    .max(10, "Не длиннее 10 символов")
    .regex(/^[A-Za-z0-9А-Яа-яЁё_-]*$/, "Префикс — буквы, цифры, «-» и «_»")
    .default(""),
  statusMap: z
    .partialRecord(z.enum(ORDER_STATUS_CODES), safeString().trim().max(100, "Не длиннее 100 символов"))
    .default({}),
});

export type LinkShopInput = z.input<typeof linkShopSchema>;
