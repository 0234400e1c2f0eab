import { sql } from "drizzle-orm";
import { bigint, date, index, integer, numeric, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { companies, staffUsers } from "./companies";
import { integrations } from "./integrations";
import { orders } from "./orders";

const money = () => numeric({ precision: 12, scale: 2 });

/**
 * An incoming remittance document («входящий АПД»): one COD registry of a partner (CDEK's «реестр наложенных
 * платежей») as loaded. The registry number is unique per company and integration, so a second load changes nothing.
 */
export const remittances = pgTable(
  "remittances",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    // The document outlives its integration (a deleted branch takes its integration with it).
    integrationId: integer().references(() => integrations.id, { onDelete: "set null" }),
    integrator: text().notNull(),
    number: text().notNull(),
    paymentDate: date(),
    paymentOrderNumber: text(),
    /** The registry's total as the partner states it (its `sum`), in the settlement currency. */
    total: numeric({ precision: 14, scale: 2 }).notNull(),
    codTotal: numeric({ precision: 14, scale: 2 }).notNull(),
    transferTotal: numeric({ precision: 14, scale: 2 }).notNull(),
    commissionTotal: numeric({ precision: 14, scale: 2 }).notNull(),
    lineCount: integer().notNull(),
    problemCount: integer().notNull(),
    /** Problems of the registry as a whole (its total differs from its lines), null when none. */
    problem: text(),
    source: text({ enum: ["file", "partner"] }).notNull(),
    fileName: text(),
    createdBy: integer().references(() => staffUsers.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("remittances_company_integration_number_uq").on(t.companyId, t.integrationId, t.number),
    index("remittances_company_id_idx").on(t.companyId, t.id.desc()),
  ],
);

/** One order of a remittance: what the partner collected, kept and transferred; `problem` says what did not match. */
export const remittanceLines = pgTable(
  "remittance_lines",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    remittanceId: integer()
      .notNull()
      .references(() => remittances.id, { onDelete: "cascade" }),
    companyId: integer().notNull(),
    lineNo: integer().notNull(),
    partnerOrderCode: text().notNull(),
    /** Null when no order of ours was handed to the partner under this number. */
    orderId: bigint({ mode: "number" }).references(() => orders.id, { onDelete: "set null" }),
    codCollected: money().notNull(),
    transferSum: money().notNull(),
    totalWithoutAgent: money(),
    commission: money().notNull(),
    /** The order's COD when the registry was loaded: what the collected sum was compared with. */
    codExpected: money(),
    problem: text(),
  },
  (t) => [
    index("remittance_lines_doc_idx").on(t.remittanceId, t.lineNo),
    index("remittance_lines_order_idx")
      .on(t.companyId, t.orderId)
      .where(sql`${t.orderId} is not null`),
  ],
);
