import type { IntegratorAdapter } from "../types";
import {
  fetchInsalesOrder,
  fetchInsalesOrders,
  parseInsalesHook,
  probeInsales,
  pushInsalesStatus,
  readShopStatuses,
  subscribeInsales,
  unsubscribeInsales,
} from "./client";
import { insalesSettings, type insalesSettingsSchema } from "./settings";

/**
 * A client's InSales shop (linked through the app's install and link page): orders come in (`inbound`, polled and
 * woken by `webhook`); our statuses and the track go back to the shop (`statusBack`). The shop's statuses are not courier statuses: none maps.
 */
export const insales: IntegratorAdapter<typeof insalesSettingsSchema> = {
  ...insalesSettings,
  probe: probeInsales,
  mapStatus: () => null,
  inbound: { fetchOrders: fetchInsalesOrders, fetchOrder: fetchInsalesOrder },
  statusBack: { push: pushInsalesStatus },
  automationChoices: async (settings, options) => ({
    shopStatuses: (await readShopStatuses(settings, options.timeoutMs)).map((s) => ({
      value: s.value,
      label: s.title,
    })),
  }),
  webhook: {
    subscribe: subscribeInsales,
    unsubscribe: unsubscribeInsales,
    // InSales signs nothing (§7): the address itself is the secret (the integration's unguessable hook key), checked
    // by the route before this; the order is then read back through the API, never taken from the delivery.
    verify: () => true,
    parse: parseInsalesHook,
  },
};
