import type { OrderStatus } from "../../services/orders/statuses";

/**
 * TopDelivery codes → ours. The adapter reports `work:<id>` for the work statuses the sources name (topdelivery.md §10:
 * 2 in work, 3 delivered, 4 partly delivered, 5 refusal) and `status:<id>` for the order status otherwise. The order
 * status dictionary is published nowhere, so `status:*` ids go to the company's mapping screen until mapped there.
 */
export const TOPDELIVERY_STATUS_MAP: Readonly<Record<string, OrderStatus>> = {
  "work:2": "DELIVERY",
  "work:3": "COMPLETE",
  "work:4": "PARTIALLY",
  "work:5": "CANCELED",
};

export function mapTopDeliveryStatus(code: string): OrderStatus | null {
  return TOPDELIVERY_STATUS_MAP[code.trim()] ?? null;
}
