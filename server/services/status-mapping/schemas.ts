import { z } from "zod";
import { ORDER_STATUS_CODES } from "../orders/statuses";
import { safeString } from "../primitives";

// Pure zod, no database imports: the status-mapping screen validates with these same schemas.

export const STATUS_CODE_MAX = 200;

/** A partner's code as the mapping keys it: as the partner sends it, without the stray spaces some partners add. */
export function normalizeStatusCode(code: string): string {
  return code.trim();
}

export const statusMappingKeySchema = z.object({
  integrator: safeString("Выберите интегратора").trim().min(1, "Выберите интегратора").max(50, "Интегратор не найден"),
  code: safeString("Укажите код статуса партнёра")
    .trim()
    .min(1, "Укажите код статуса партнёра")
    .max(STATUS_CODE_MAX, `Код статуса не длиннее ${STATUS_CODE_MAX} символов`),
});
export type StatusMappingKeyInput = z.input<typeof statusMappingKeySchema>;

export const saveStatusMappingSchema = statusMappingKeySchema.extend({
  status: z.enum(ORDER_STATUS_CODES, { error: "Выберите наш статус из списка" }),
});
export type SaveStatusMappingInput = z.input<typeof saveStatusMappingSchema>;

export const resetStatusMappingSchema = statusMappingKeySchema;
