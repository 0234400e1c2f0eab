import { cdekSettings } from "./cdek/settings";
import { fieldsOf } from "./fields";
import { measoftSettings } from "./measoft/settings";
import { topDeliverySettings } from "./topdelivery/settings";
import type { FieldSpec, IntegratorSettings } from "./types";

/**
 * The browser-safe half of the registry: each integrator's settings schema (which *is* its form). No I/O, no node:*.
 * `registry.ts` pairs each entry with its adapter; the types there make a missing pairing a compile error.
 */
export const INTEGRATOR_SETTINGS = [measoftSettings, cdekSettings, topDeliverySettings] as const;

export type IntegratorId = (typeof INTEGRATOR_SETTINGS)[number]["id"];

export interface IntegratorForm {
  id: IntegratorId;
  title: string;
  description: string;
  settings: IntegratorSettings;
  fields: FieldSpec[];
}

export const INTEGRATOR_FORMS: readonly IntegratorForm[] = INTEGRATOR_SETTINGS.map((s) => ({
  id: s.id,
  title: s.title,
  description: s.description,
  settings: s as IntegratorSettings,
  fields: fieldsOf(s as IntegratorSettings),
}));

export function integratorForm(id: string): IntegratorForm | undefined {
  return INTEGRATOR_FORMS.find((f) => f.id === id);
}

export function integratorTitle(id: string): string {
  return integratorForm(id)?.title ?? id;
}
