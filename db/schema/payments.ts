import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, numeric, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { clients } from "./clients";
import { companies } from "./companies";
import { integrations } from "./integrations";
import { orders } from "./orders";

/**
 * A COD order as the company's payment intermediary (PimPay) has it: the full order goes once and again when its
 * money or receiver change (`fingerprint` of what was sent), statuses go as states (`pushedStatus`). A refused order
 * keeps PimPay's reason and is retried with back-off; the rest of its batch is unaffected.
 */
export const paymentExports = pgTable(
  "payment_exports",
  {
    orderId: bigint({ mode: "number" })
      .primaryKey()
      .references(() => orders.id, { onDelete: "cascade" }),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    integrationId: integer()
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    /** md5 of the money and receiver as last accepted by the intermediary; null = never accepted. */
    fingerprint: text(),
    pushedStatus: text(),
    pushedAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    nextAt: timestamp({ withTimezone: true }),
    error: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("payment_exports_integration_idx").on(t.integrationId, t.orderId),
    index("payment_exports_errors_idx")
      .on(t.companyId, t.updatedAt.desc())
      .where(sql`${t.error} is not null`),
  ],
);

/**
 * A reconciliation sent for one payment order (PimPay `sendVerification`, pimpay.md §6): what we sent, built from our
 * own records, and PimPay's verdict (pending → matched / discarded with its errors).
 */
export const paymentVerifications = pgTable(
  "payment_verifications",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    integrationId: integer()
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    clientId: integer()
      .notNull()
      .references(() => clients.id),
    tin: text().notNull(),
    /** The id we gave the reconciliation at PimPay (unique per company). */
    externalId: text().notNull(),
    paymentOrderNumber: text().notNull(),
    paymentOrderDate: text().notNull(),
    paymentOrderSum: numeric({ precision: 14, scale: 2 }).notNull(),
    /** The rows as sent: `{orderId, number, toPimpay, fromRecipient, deliveryCost, cashFee, insurance}`. */
    rows: jsonb().$type<Record<string, unknown>[]>().notNull(),
    status: text({ enum: ["sending", "pending", "matched", "discarded", "failed"] }).notNull(),
    errors: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    checkedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("payment_verifications_company_idx").on(t.companyId, t.id.desc())],
);
