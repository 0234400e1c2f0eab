import { z } from "zod";
import { int32Id } from "../primitives";

export const automationRefSchema = z.object({ id: int32Id() });

/** «Автоматизация» → «Сохранить»: the app's editable settings; which keys and values are valid is the adapter's say. */
export const saveAutomationSchema = z.object({
  id: int32Id(),
  values: z.record(z.string(), z.unknown(), { error: "Настройки приложения" }),
});
export type SaveAutomationInput = z.input<typeof saveAutomationSchema>;
