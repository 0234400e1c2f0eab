import type { OrderStatus } from "../services/orders/statuses";
import type { IntegratorId } from "./catalog";
import { CDEK_STATUS_MAP } from "./cdek/statuses";
import { MEASOFT_STATUS_MAP } from "./measoft/statuses";
import { TOPDELIVERY_STATUS_MAP } from "./topdelivery/statuses";

/**
 * Each catalog integrator's own status table (what its `mapStatus` reads), browser-safe: the default a company's
 * status-mapping screen shows under its overrides. The record's type makes a missing integrator a compile error.
 */
export const DEFAULT_STATUS_MAPS: { [K in IntegratorId]: Readonly<Record<string, OrderStatus>> } = {
  measoft: MEASOFT_STATUS_MAP,
  cdek: CDEK_STATUS_MAP,
  topdelivery: TOPDELIVERY_STATUS_MAP,
};
