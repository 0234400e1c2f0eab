import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { integrations } from "./integrations";
import { orders } from "./orders";

/** Our final statuses (server/services/orders/statuses.ts FINAL_STATUSES), spelled out for the partial index. */
const FINAL_LIST = ["COMPLETE", "PARTIALLY", "CANCELED", "RETURNED", "PARTLYRETURNED", "LOST"]
  .map((s) => `'${s}'`)
  .join(", ");

/**
 * A shop's order as it came in through a client's integration (InSales): imported once per shop order id, then kept in
 * line with the shop (an edit before work starts, a cancellation). An order that failed our checks stays here with the
 * reason (`state = 'error'`) and is retried when the shop changes it: nothing the shop sent is dropped.
 */
export const inboundOrders = pgTable(
  "inbound_orders",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer().notNull(),
    integrationId: integer()
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    /** The shop's own id of the order. */
    partnerOrderId: text().notNull(),
    /** Our order number as imported (prefix + the shop's number). */
    number: text().notNull(),
    orderId: bigint({ mode: "number" }).references(() => orders.id, { onDelete: "set null" }),
    /** imported · updated · cancelled · error (held with `error`) · skipped (not yet in the trigger status). */
    state: text({ enum: ["imported", "updated", "cancelled", "error", "skipped"] }).notNull(),
    error: text(),
    /** The shop's status and change time of the version last looked at. */
    shopStatus: text(),
    shopUpdatedAt: text(),
    /** Our status last written back to the shop (or passed over as unmapped): a different orders.status is due. */
    pushedStatus: text(),
    pushedAt: timestamp({ withTimezone: true }),
    /** Failed write-backs in a row, the next try's time (back-off) and the reason shown. */
    pushAttempts: integer().notNull().default(0),
    pushNextAt: timestamp({ withTimezone: true }),
    pushError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("inbound_orders_partner_order_uq").on(t.integrationId, t.partnerOrderId),
    index("inbound_orders_order_idx").on(t.orderId),
    // The write-back's due search joins only orders still moving: once a final status went out, nothing follows.
    index("inbound_orders_push_open_idx")
      .on(t.integrationId, t.orderId)
      .where(sql`${t.orderId} is not null and coalesce(${t.pushedStatus}, '') not in (${sql.raw(FINAL_LIST)})`),
  ],
);
