import { z } from "zod";
import { int32Id, safeString } from "../primitives";

/** Request schemas shared by the dialog and the procedures; pure (no DB, no node:*). */
const branchId = int32Id("Укажите филиал");

export const branchRefSchema = z.object({ branchId });

export const saveIntegrationSchema = z.object({
  branchId,
  integrator: safeString("Выберите интегратора").trim().min(1, "Выберите интегратора").max(50, "Выберите интегратора"),
  /** Form values by field name. A stored secret left blank is kept. */
  values: z.record(z.string(), z.unknown()).default({}),
  /** Must be true to put another integrator on a branch that already has one. */
  replace: z.boolean().default(false),
});

export const setIntegrationEnabledSchema = z.object({ branchId, enabled: z.boolean() });

export type SaveIntegrationInput = z.input<typeof saveIntegrationSchema>;

export const HEALTH_TITLES = {
  unknown: "не проверено",
  ok: "работает",
  error: "ошибка",
  unreachable: "нет связи",
} as const;
export type HealthStatus = keyof typeof HEALTH_TITLES;

export const AUDIT_ACTION_TITLES = {
  configured: "настроена",
  changed: "изменена",
  enabled: "включена",
  disabled: "выключена",
  checked: "проверка подключения",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTION_TITLES;
