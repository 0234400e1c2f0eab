import type { OrderStatus } from "../../services/orders/statuses";

/**
 * TopDelivery `status.id` → ours. The id/name dictionary is not in our sources (topdelivery.md §6, unconfirmed), so the
 * table starts empty and every id goes to the unmapped-codes queue until the exchange issue confirms the dictionary.
 */
export const TOPDELIVERY_STATUS_MAP: Readonly<Record<string, OrderStatus>> = {};

export function mapTopDeliveryStatus(code: string): OrderStatus | null {
  return TOPDELIVERY_STATUS_MAP[code.trim()] ?? null;
}
