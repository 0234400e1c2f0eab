import { z } from "zod";
import { int32Id, isoDate, safeString } from "../primitives";

// Pure zod, no database imports: the registry upload form in the browser validates with these same schemas.

/** A registry file is refused beyond these: a CDEK registry of a whole month is far smaller. */
export const REGISTRY_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const REGISTRY_MAX_LINES = 50_000;

export const FILE_TOO_BIG_MESSAGE = "Файл больше 10 МБ: разбейте реестр на несколько файлов";
export const TOO_MANY_LINES_MESSAGE = "В файле больше 50 000 строк: разбейте реестр на несколько файлов";

/** The form field that carries the file: the parser's refusals are shown there. */
export const FILE_FIELD = "source.contentBase64";

const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

const fileSource = z.object({
  kind: z.literal("file"),
  fileName: safeString("Выберите файл").trim().min(1, "Выберите файл").max(255, "Имя файла не длиннее 255 символов"),
  contentBase64: z
    .string({ error: "Выберите файл" })
    .min(1, "Файл пуст")
    .max(base64Length(REGISTRY_MAX_FILE_BYTES), FILE_TOO_BIG_MESSAGE)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "Файл передан повреждённым: выберите его ещё раз"),
});

const partnerSource = z.object({
  kind: z.literal("partner"),
  date: isoDate("Дата реестра в формате ГГГГ-ММ-ДД", "Укажите дату реестра"),
});

/** Where the registry comes from: a report file, or CDEK itself for a payment date; always for one CDEK integration. */
export const registrySourceSchema = z.object({
  integrationId: int32Id("Выберите интеграцию СДЭК"),
  source: z.discriminatedUnion("kind", [fileSource, partnerSource], { error: "Выберите файл или дату реестра" }),
});

export const previewRemittanceSchema = registrySourceSchema;

export const applyRemittanceSchema = registrySourceSchema.extend({
  /** The preview's digest: when the registry read now differs from what was previewed, nothing is written. */
  digest: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "Некорректный запрос")
    .optional(),
});

export const remittanceIdSchema = z.object({ id: int32Id() });

export const listRemittancesSchema = z.object({
  cursor: int32Id().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const remittanceLinesSchema = z.object({
  id: int32Id(),
  /** matched — the order was found and the sums agree; problems — everything else (unknown or mismatching). */
  filter: z.enum(["all", "problems", "matched"]).default("all"),
  /** The last line number of the previous page. */
  cursor: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(500).default(200),
});

export type LineState = "matched" | "unknown" | "mismatch";

export const LINE_STATE_TITLES: Record<LineState, string> = {
  matched: "Совпал",
  unknown: "Не найден",
  mismatch: "Расхождение",
};
