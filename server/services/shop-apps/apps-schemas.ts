import { z } from "zod";
import { bigId, int32Id } from "../primitives";

export const setShopAppEnabledSchema = z.object({ id: int32Id(), enabled: z.boolean({ error: "Включено или нет" }) });

/** «Ошибки импорта» of one app: its held shop orders, newest first, a page at a time. */
export const listImportErrorsSchema = z.object({
  id: int32Id(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: bigId().nullish(),
});
export type ListImportErrorsInput = z.input<typeof listImportErrorsSchema>;

/** One retry re-reads at most this many orders from the shop (each is one API call under the shop's rate limit). */
export const RETRY_IMPORT_MAX = 500;

/** «Повторить»: the given held orders (rows of the list), or all of the app's held ones up to the cap. */
export const retryImportSchema = z.object({
  id: int32Id(),
  inboundIds: z
    .array(bigId(), { error: "Список заказов для повтора" })
    .min(1, "Выберите хотя бы один заказ")
    .max(RETRY_IMPORT_MAX, `Не больше ${RETRY_IMPORT_MAX} заказов за один повтор`)
    .optional(),
});
export type RetryImportInput = z.input<typeof retryImportSchema>;
