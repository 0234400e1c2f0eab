import type { IntegratorAdapter } from "../types";
import { fetchInsalesOrder, fetchInsalesOrders, probeInsales } from "./client";
import { insalesSettings, type insalesSettingsSchema } from "./settings";

/**
 * A client's InSales shop (linked through the app's install and link page). Orders in and statuses back are the
 * next capabilities (`inbound`, `webhook`); the shop's statuses are not courier statuses, so none maps to ours.
 */
export const insales: IntegratorAdapter<typeof insalesSettingsSchema> = {
  ...insalesSettings,
  probe: probeInsales,
  mapStatus: () => null,
  inbound: { fetchOrders: fetchInsalesOrders, fetchOrder: fetchInsalesOrder },
};
