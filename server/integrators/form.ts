import { z } from "zod";
import { safeString } from "../services/primitives";

/** Small builders so every integrator's fields get Russian messages, trimming and the same blank handling. */
export const requiredText = (message: string, max = 200) =>
  safeString(message).trim().min(1, message).max(max, `Не длиннее ${max} символов`);

export const optionalText = (max = 250) => safeString().trim().max(max, `Не длиннее ${max} символов`).optional();

export const httpUrl = (message = "Адрес вида https://example.ru/api/") =>
  z.url({ protocol: /^https?$/, error: message }).trim();

export const flag = () => z.boolean({ error: "Да или нет" }).default(false);
