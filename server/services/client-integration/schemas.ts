import { z } from "zod";
import { int32Id, safeString } from "../primitives";

/** Staff pick the client whose values to hand out; a client account may only name itself (or nothing). */
export const integrationValuesSchema = z.object({ clientId: int32Id().optional() });

export const changeClientPasswordSchema = z
  .object({
    oldPassword: z.string({ error: "Укажите текущий пароль" }).min(1, "Укажите текущий пароль").max(200),
    // The same rule as the client card's password field.
    newPassword: safeString().min(4, "Пароль не короче 4 символов").max(200, "Не длиннее 200 символов"),
  })
  .refine((v) => v.oldPassword !== v.newPassword, {
    path: ["newPassword"],
    message: "Новый пароль совпадает с текущим",
  });

export type IntegrationValuesInput = z.input<typeof integrationValuesSchema>;
export type ChangeClientPasswordInput = z.input<typeof changeClientPasswordSchema>;

/** The XML API's address: this deployment's public address (PUBLIC_URL) or, without one, the address the page was opened at. */
export function xmlApiUrl(publicUrl: string | undefined, requestOrigin: string): string {
  const base = (publicUrl?.trim() || requestOrigin).replace(/\/+$/, "");
  return `${base}/api/`;
}
