import { ORDER_STATUS_CODES, ORDER_STATUSES, type OrderStatus } from "../../services/orders/statuses";

/** Our status model *is* MeaSoft's (statuses.ts), so a partner's code maps to itself when we know it. */
export function mapMeasoftStatus(code: string): OrderStatus | null {
  const c = code.trim().toUpperCase();
  return c in ORDER_STATUSES ? (c as OrderStatus) : null;
}

/** The same rule as a table, for the company's status-mapping screen. */
export const MEASOFT_STATUS_MAP: Readonly<Record<string, OrderStatus>> = Object.fromEntries(
  ORDER_STATUS_CODES.map((c) => [c, c]),
);
