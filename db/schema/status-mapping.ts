import { bigint, index, integer, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { companies, staffUsers } from "./companies";
import { integrations } from "./integrations";
import { orders } from "./orders";

/**
 * A company's own reading of a partner status code, over the adapter's table (which stays the default). Keyed by the
 * integrator, not the integration: every branch handing orders to CDEK reads CDEK's codes the same way.
 */
export const statusMappings = pgTable(
  "status_mappings",
  {
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    integrator: text().notNull(),
    /** The partner's code as it sends it, trimmed. */
    code: text().notNull(),
    /** One of ORDER_STATUSES. */
    status: text().notNull(),
    updatedBy: integer().references(() => staffUsers.id, { onDelete: "set null" }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.integrator, t.code] })],
);

/** Every partner status code a company's partners have reported, with the partner's text: what the mapping screen lists. */
export const partnerStatusCodes = pgTable(
  "partner_status_codes",
  {
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    integrator: text().notNull(),
    code: text().notNull(),
    title: text(),
    firstSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Refreshed at most hourly, so busy polls of one company do not queue on the same row. */
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.integrator, t.code] })],
);

/**
 * A partner status that mapped to nothing, kept per order until its code is mapped; then it is applied through the
 * lifecycle and removed. A batch that comes again (not acknowledged) finds its events here and adds nothing.
 */
export const unmappedStatusEvents = pgTable(
  "unmapped_status_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    integrationId: integer()
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    /** The integrator at the time: an integration may later be switched to another partner. */
    integrator: text().notNull(),
    orderId: bigint({ mode: "number" })
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    code: text().notNull(),
    title: text(),
    eventTime: timestamp({ withTimezone: true }),
    comment: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("unmapped_status_events_uq").on(t.integrationId, t.orderId, t.code, t.eventTime).nullsNotDistinct(),
    index("unmapped_status_events_code_idx").on(t.companyId, t.integrator, t.code),
  ],
);
