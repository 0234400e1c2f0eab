import { z } from "zod";
import { bigId, int32Id, safeString } from "../primitives";
import { orderFilterSchema } from "../orders/schemas";
import { ORDER_STATUS_CODES } from "../orders/statuses";

// Pure zod, no database imports: the order list's selection bar validates with these same schemas.

/** Rows picked by hand: a page or several of the list. */
export const MAX_BULK_IDS = 5_000;
/** «Все по фильтру»: what one action may touch; a wider filter is narrowed by the person, not split by the server. */
export const MAX_BULK_FILTER = 10_000;

const n = (v: number) => v.toLocaleString("ru-RU").replace(/\s/g, " ");
export const TOO_MANY_IDS = `Выбрано больше ${n(MAX_BULK_IDS)} заказов: выберите меньше или действуйте «по фильтру»`;
export const TOO_MANY_BY_FILTER = `Выбрано больше ${n(MAX_BULK_FILTER)} заказов: сузьте фильтр`;

/** Either the rows picked by hand (`ids`) or every order matching the list's filter (`filter`), never both. */
const selectionFields = {
  ids: z
    .array(bigId("Некорректный номер заказа"))
    .min(1, "Выберите хотя бы один заказ")
    .max(MAX_BULK_IDS, TOO_MANY_IDS)
    .optional(),
  filter: orderFilterSchema.optional(),
};

function oneSelection(r: { ids?: unknown; filter?: unknown }, ctx: z.RefinementCtx) {
  if ((r.ids === undefined) === (r.filter === undefined))
    ctx.addIssue({ code: "custom", path: ["ids"], message: "Выберите заказы: отмеченные строки или все по фильтру" });
}

export const bulkSelectionSchema = z.object(selectionFields).superRefine(oneSelection);

export const bulkCancelSchema = bulkSelectionSchema;

export const bulkSetStatusSchema = z
  .object({
    ...selectionFields,
    status: z.enum(ORDER_STATUS_CODES, { error: "Выберите статус" }),
    comment: safeString()
      .trim()
      .max(1000, "Не длиннее 1000 символов")
      .transform((v) => (v === "" ? undefined : v))
      .optional(),
  })
  .superRefine(oneSelection);

export const bulkAddToManifestSchema = z
  .object({ ...selectionFields, manifestId: int32Id("Выберите манифест") })
  .superRefine(oneSelection);

/** The list's filter alone: how many orders «все по фильтру» would take, and their ids (labels print by ids). */
export const bulkFilterSchema = z.object({ filter: orderFilterSchema });

export type BulkSelection = z.output<typeof bulkSelectionSchema>;

/** What every bulk action answers: how many orders it acted on, and each one it left alone with the reason. */
export interface BulkResult {
  done: number;
  refused: { orderId: number; number: string | null; reason: string }[];
}

export const NOT_FOUND_REASON = "Заказ не найден";
