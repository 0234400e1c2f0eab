import { z } from "zod";
import { safeString } from "../primitives";
import { ticketSchema } from "./schemas";

/** A CRM's address as the user or the Marketplace gives it: scheme and host kept, the rest dropped (retailcrm.md §3.1). */
export const crmUrlSchema = z
  .string({ error: "Укажите адрес RetailCRM" })
  .trim()
  .min(1, "Укажите адрес RetailCRM")
  .max(300, "Слишком длинный адрес")
  .transform((v, ctx) => {
    let url: URL;
    try {
      url = new URL(/^https?:\/\//i.test(v) ? v : `https://${v}`);
    } catch {
      ctx.addIssue({ code: "custom", message: "Адрес RetailCRM вида https://shop.retailcrm.ru" });
      return z.NEVER;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: "Адрес RetailCRM вида https://shop.retailcrm.ru" });
      return z.NEVER;
    }
    // The stand-in hosts accounts under a path (/a/<slug>); a real CRM's path is empty.
    const path = url.pathname.replace(/\/+$/, "");
    return `${url.protocol}//${url.host}${path}`;
  });

const courierAccount = {
  extra: z.coerce
    .number({ error: "Код службы — число" })
    .int("Код службы — число")
    .positive("Укажите код курьерской службы")
    .max(2_147_483_647, "Нет службы с таким кодом"),
  login: safeString("Укажите логин").trim().min(1, "Укажите логин").max(100, "Не длиннее 100 символов"),
  password: z.string({ error: "Укажите пароль" }).min(1, "Укажите пароль").max(200, "Не длиннее 200 символов"),
};

/** The connect page (the Marketplace's «Подключить», §3.1): the CRM and its key, then our client account. */
export const connectRetailCrmSchema = z.object({
  crmUrl: crmUrlSchema,
  apiKey: safeString("Укажите API-ключ").trim().min(1, "Укажите API-ключ").max(200, "Не длиннее 200 символов"),
  ...courierAccount,
});
export type ConnectRetailCrmInput = z.input<typeof connectRetailCrmSchema>;

/** The link page of a CRM connected by the simple connection: only our client account is missing. */
export const linkRetailCrmSchema = z.object({ ticket: ticketSchema, ...courierAccount });
export type LinkRetailCrmInput = z.input<typeof linkRetailCrmSchema>;

/** The simple connection's `register` field (§3.2). */
export const registerPayloadSchema = z.object({
  systemUrl: crmUrlSchema,
  apiKey: z.string().trim().min(1).max(200),
  token: z.string().trim().min(1).max(200),
});
