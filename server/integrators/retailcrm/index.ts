import type { IntegratorAdapter } from "../types";
import { probeRetailCrm, pushTracking, readPaymentTypes, TRACKING_CHUNK } from "./client";
import { trackingItems } from "./mappers";
import { retailCrmSettings, type RetailCrmSettings, type retailCrmSettingsSchema } from "./settings";
import { MODULE_STATUSES } from "./statuses";

/** Our statuses to the CRM in one tracking call; unmapped ones are passed over (nothing sent for them). */
async function pushStatuses(
  settings: RetailCrmSettings,
  items: Parameters<NonNullable<IntegratorAdapter["statusBack"]>["push"]>[2][],
  options: Parameters<NonNullable<IntegratorAdapter["statusBack"]>["push"]>[3],
) {
  const changes = items.map((i) => ({ deliveryId: String(i.orderId), status: i.status, track: i.track, at: i.at }));
  const { items: sent } = trackingItems(changes, settings.statusMap);
  const sentIds = new Set(sent.map((s) => s.deliveryId));
  const pushed = changes.map((c) => sentIds.has(c.deliveryId));
  if (sent.length === 0)
    return { value: { pushed }, request: "нечего передавать: статусы без соответствия", response: "" };
  const res = await pushTracking(settings, settings.moduleCode, sent, options.timeoutMs);
  return { ...res, value: { pushed } };
}

/**
 * A client's RetailCRM (connected from the CRM's marketplace): orders come in through the module's `save` callback
 * (served by our routes, not polled), and our statuses go back by the tracking method, up to 100 per call.
 */
export const retailcrm: IntegratorAdapter<typeof retailCrmSettingsSchema> = {
  ...retailCrmSettings,
  probe: probeRetailCrm,
  mapStatus: () => null,
  statusBack: {
    push: async (settings, _state, item, options) => {
      const res = await pushStatuses(settings, [item], options);
      return { ...res, value: { pushed: res.value.pushed[0] ?? false, shopUpdatedAt: null } };
    },
    pushBatch: pushStatuses,
    batchSize: TRACKING_CHUNK,
  },
  automationChoices: async (settings, options) => ({
    paymentTypes: await readPaymentTypes(settings, options.timeoutMs),
    moduleStatuses: MODULE_STATUSES.map((s) => ({ value: s.code, label: s.name })),
  }),
};
