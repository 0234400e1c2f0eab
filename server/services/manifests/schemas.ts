import { z } from "zod";
import { dateWindowIssue } from "../orders/schemas";
import { bigId, DATE_MESSAGE, int32Id, isoDate, safeString } from "../primitives";

export const createManifestSchema = z.object({
  number: safeString()
    .trim()
    .max(50, "Не длиннее 50 символов")
    .transform((v) => (v === "" ? undefined : v))
    .optional(),
  creatingBranchId: int32Id("Выберите филиал").optional(),
  responsibleBranchId: int32Id("Выберите ответственный филиал"),
  comment: safeString().trim().max(1000, "Не длиннее 1000 символов").optional(),
});

export const manifestIdSchema = z.object({ id: int32Id() });

export const addOrdersSchema = z.object({
  manifestId: int32Id(),
  orderIds: z.array(bigId()).max(5000, "Не больше 5000 заказов за раз").default([]),
  /** Numbers or barcodes as scanned or typed, one per line. */
  numbers: z
    .array(safeString().trim().min(1).max(100, "Номер не длиннее 100 символов"))
    .max(5000, "Не больше 5000 номеров за раз")
    .default([]),
});

export const removeOrderSchema = z.object({ manifestId: int32Id(), orderId: bigId() });

export const setSendDateSchema = z.object({
  id: int32Id(),
  sendDate: isoDate(DATE_MESSAGE, "Укажите дату отправки").superRefine((v, ctx) => {
    const issue = dateWindowIssue(v);
    if (issue) ctx.addIssue({ code: "custom", message: issue });
  }),
});

export const listManifestsSchema = z.object({
  state: z.enum(["draft", "assembled", "sent"]).optional(),
  cursor: int32Id().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const MANIFEST_STATE_TITLES = { draft: "Черновик", assembled: "Скомплектован", sent: "Отправлен" } as const;
