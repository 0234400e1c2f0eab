import type { IntegratorId } from "./catalog";
import { cdek } from "./cdek";
import { insales } from "./insales";
import { measoft } from "./measoft";
import { pimpay } from "./pimpay";
import { retailcrm } from "./retailcrm";
import { topdelivery } from "./topdelivery";
import type { IntegratorAdapter } from "./types";

/**
 * Every integrator the hub speaks, keyed by id. Adding one = a new folder plus its line here and in `catalog.ts`
 * (the browser-safe list of settings); this record's type makes a missing line a compile error.
 */
export const INTEGRATORS: { [K in IntegratorId]: IntegratorAdapter } = {
  measoft: measoft as unknown as IntegratorAdapter,
  cdek: cdek as unknown as IntegratorAdapter,
  topdelivery: topdelivery as unknown as IntegratorAdapter,
  insales: insales as unknown as IntegratorAdapter,
  retailcrm: retailcrm as unknown as IntegratorAdapter,
  pimpay: pimpay as unknown as IntegratorAdapter,
};

/** Integrators outside the catalog, found by the same lookup: the fake partner of the engine's tests. */
const registered = new Map<string, IntegratorAdapter>();

export function registerIntegrator(adapter: IntegratorAdapter) {
  if (Object.hasOwn(INTEGRATORS, adapter.id)) throw new Error(`Интегратор «${adapter.id}» уже есть в каталоге`);
  registered.set(adapter.id, adapter);
}

export function getIntegrator(id: string): IntegratorAdapter | undefined {
  return Object.hasOwn(INTEGRATORS, id) ? INTEGRATORS[id as IntegratorId] : registered.get(id);
}
