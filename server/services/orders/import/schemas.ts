import { z } from "zod";
import { int32Id } from "../../primitives";
import { isColumnTarget } from "./fields";

// Pure zod, no database imports: shared by the import page and the procedures.

/** Largest file the upload route reads, and most data rows one file may hold. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;
export const MAX_IMPORT_COLUMNS = 100;
/** Rows created per import step: one transaction each, one tick of the progress bar. */
export const IMPORT_BATCH = 500;

export const importIdSchema = z.object({ id: int32Id() });

export const setImportMappingSchema = z.object({
  id: int32Id(),
  /** Per column of the file: an order field key or "skip". */
  columns: z.array(z.string().refine(isColumnTarget, "Выберите поле или «Не загружать»")).min(1).max(100),
});

export const IMPORT_ROW_STATUSES = ["invalid", "exists", "created", "duplicate"] as const;

export const importRowsSchema = z.object({
  id: int32Id(),
  status: z.enum(IMPORT_ROW_STATUSES).default("invalid"),
  /** Row number after which to continue. */
  after: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(200).default(50),
});

export type SetImportMappingInput = z.input<typeof setImportMappingSchema>;
export type ImportRowsInput = z.input<typeof importRowsSchema>;
