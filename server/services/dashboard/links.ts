import type { OrderFilter } from "../orders/schemas";

/**
 * The order list's URL for a filter: the same query parameters `app/(cabinet)/orders/orders-list.tsx` reads, so a
 * dashboard card opens exactly the orders it counted. No DB import: the page and the tests share it.
 */
export function ordersHref(filter: OrderFilter): string {
  const p = new URLSearchParams();
  if (filter.status) p.set("status", filter.status);
  if (filter.clientId) p.set("client", String(filter.clientId));
  if (filter.dateFrom) p.set("from", filter.dateFrom);
  if (filter.dateTo) p.set("to", filter.dateTo);
  if (filter.transfer) p.set("transfer", filter.transfer);
  if (filter.codPending) p.set("cod", "1");
  if (filter.received) p.set("received", "1");
  const qs = p.toString();
  return qs ? `/orders?${qs}` : "/orders";
}

/** A calendar date in the server's own time zone: the order list's date filter reads dates the same way. */
export function localIsoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export const CHART_DAYS = 30;
