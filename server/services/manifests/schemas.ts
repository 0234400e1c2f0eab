import { z } from "zod";

export const createManifestSchema = z.object({
  number: z
    .string()
    .trim()
    .max(50, "Не длиннее 50 символов")
    .transform((v) => (v === "" ? undefined : v))
    .optional(),
  creatingBranchId: z.number().int().positive().optional(),
  responsibleBranchId: z.number({ error: "Выберите ответственный филиал" }).int().positive("Выберите ответственный филиал"),
  comment: z.string().trim().max(1000).optional(),
});

export const manifestIdSchema = z.object({ id: z.number().int().positive() });

export const addOrdersSchema = z.object({
  manifestId: z.number().int().positive(),
  orderIds: z.array(z.number().int().positive()).max(5000).default([]),
  /** Numbers or barcodes as scanned or typed, one per line. */
  numbers: z.array(z.string().trim().min(1)).max(5000).default([]),
});

export const removeOrderSchema = z.object({ manifestId: z.number().int().positive(), orderId: z.number().int().positive() });

export const setSendDateSchema = z.object({
  id: z.number().int().positive(),
  sendDate: z.string({ error: "Укажите дату отправки" }).regex(/^\d{4}-\d{2}-\d{2}$/, "Дата в формате ГГГГ-ММ-ДД"),
});

export const listManifestsSchema = z.object({
  state: z.enum(["draft", "assembled", "sent"]).optional(),
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const MANIFEST_STATE_TITLES = { draft: "Черновик", assembled: "Скомплектован", sent: "Отправлен" } as const;
