import { cdekSettings } from "./cdek/settings";
import { fieldsOf } from "./fields";
import { insalesSettings } from "./insales/settings";
import { measoftSettings } from "./measoft/settings";
import { pimpaySettings } from "./pimpay/settings";
import { retailCrmSettings } from "./retailcrm/settings";
import { topDeliverySettings } from "./topdelivery/settings";
import type { FieldSpec, IntegratorSettings } from "./types";

/**
 * The browser-safe half of the registry: each integrator's settings schema (which *is* its form). No I/O, no node:*.
 * `registry.ts` pairs each entry with its adapter; the types there make a missing pairing a compile error.
 */
export const INTEGRATOR_SETTINGS = [
  measoftSettings,
  cdekSettings,
  topDeliverySettings,
  insalesSettings,
  retailCrmSettings,
  pimpaySettings,
] as const;

export type IntegratorId = (typeof INTEGRATOR_SETTINGS)[number]["id"];

export interface IntegratorForm {
  id: IntegratorId;
  title: string;
  description: string;
  settings: IntegratorSettings;
  fields: FieldSpec[];
}

/** The branch's partner forms; shop apps (client-owned, linked from the shop's side) are configured elsewhere. */
export const INTEGRATOR_FORMS: readonly IntegratorForm[] = INTEGRATOR_SETTINGS.filter(
  (s: IntegratorSettings) => (s.owner ?? "branch") === "branch",
).map((s) => ({
  id: s.id as IntegratorId,
  title: s.title,
  description: s.description,
  settings: s as IntegratorSettings,
  fields: fieldsOf(s as IntegratorSettings),
}));

export function integratorForm(id: string): IntegratorForm | undefined {
  return INTEGRATOR_FORMS.find((f) => f.id === id);
}

export function integratorTitle(id: string): string {
  return INTEGRATOR_SETTINGS.find((s) => s.id === id)?.title ?? id;
}
