import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { integrations, transfers } from "@/db/schema";
import { isCode128Text } from "@/server/documents/barcode";

/** The integrator whose own barcode goes on our labels once an order is handed to it. */
export const TOPDELIVERY = "topdelivery";

/**
 * What the label's Code 128 carries: TopDelivery's own barcode once the order is handed to it, else the order's
 * barcode, else its number — the first a scanner can read back (printable ASCII). Null: nothing printable.
 */
export function labelBarcode(o: { topDeliveryBarcode: string | null; barcode: string | null; number: string }) {
  for (const v of [o.topDeliveryBarcode, o.barcode, o.number]) {
    const value = v?.trim();
    if (value && isCode128Text(value)) return value;
  }
  return null;
}

/**
 * TopDelivery's barcode of these orders, where the transfer's `partner_details.barcode` has one: orders TopDelivery
 * holds (sent, not cancelled there).
 */
export async function topDeliveryBarcodes(db: Queryable, companyId: number, orderIds: number[]) {
  const out = new Map<number, string>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .select({ orderId: transfers.orderId, barcode: sql<string | null>`${transfers.partnerDetails} ->> 'barcode'` })
    .from(transfers)
    .innerJoin(integrations, eq(integrations.id, transfers.integrationId))
    .where(
      and(
        eq(transfers.companyId, companyId),
        inArray(transfers.orderId, orderIds),
        eq(integrations.integrator, TOPDELIVERY),
        eq(transfers.state, "sent"),
        ne(transfers.cancelState, "done"),
      ),
    );
  for (const r of rows) if (r.barcode) out.set(r.orderId, r.barcode);
  return out;
}
