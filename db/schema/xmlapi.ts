import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { clients } from "./clients";
import { companies } from "./companies";
import { orders } from "./orders";

/** PostgreSQL's 64-bit transaction id (xid8): the change feed orders changes by the transaction that made them. */
export const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });
/** A serialized pg_snapshot ("xmin:xmax:xip,…"): the exact set of transactions a feed cursor has seen. */
export const pgSnapshot = customType<{ data: string; driverData: string }>({ dataType: () => "pg_snapshot" });

/**
 * One row per change to an order (created, status, fields, responsible branch), written by triggers on `orders`
 * (migration 0003) so no code path can forget it. `txid` is the writing transaction; see server/services/orders/feed.ts.
 */
export const orderChanges = pgTable(
  "order_changes",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer().notNull(),
    orderId: bigint({ mode: "number" }).notNull(),
    txid: xid8()
      .notNull()
      .default(sql`pg_current_xact_id()`),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("order_changes_company_txid_idx").on(t.companyId, t.txid), index("order_changes_at_idx").on(t.at)],
);

/**
 * Change-feed cursor per (account, CLIENT|AGENT, streamid). `committedSnapshot` is what the client acknowledged;
 * `polledSnapshot` is what the last poll returned, and `commitlaststatus` copies it over.
 */
export const feedCursors = pgTable(
  "feed_cursors",
  {
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    clientId: integer()
      .notNull()
      .references(() => clients.id),
    mode: text({ enum: ["CLIENT", "AGENT"] }).notNull(),
    streamId: integer().notNull(),
    committedSnapshot: pgSnapshot()
      .notNull()
      .default(sql`'1:1:'::pg_snapshot`),
    polledSnapshot: pgSnapshot(),
    polledAt: timestamp({ withTimezone: true }),
    committedAt: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.clientId, t.mode, t.streamId] })],
);

/** Per-company XML API settings: the extra order fields a courier company requires (MeaSoft codes 10, 13–16). */
export const apiSettings = pgTable("api_settings", {
  companyId: integer()
    .primaryKey()
    .references(() => companies.id),
  // Any of: receiver.company, sender.company, sender.person, sender.phone, sender.address
  requiredFields: text()
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  /**
   * Refuse orders whose town is not in the reference (errors 5 and 6). Off by default: the reference holds 1,117
   * cities, and a courier company must not lose orders to villages; unknown towns are then stored as typed.
   */
  strictTowns: boolean().notNull().default(false),
});

/** Delivery modes («виды срочности»); the numeric code is what orders carry in `service`. */
export const deliveryServices = pgTable(
  "services",
  {
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    code: integer().notNull(),
    name: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.code] })],
);

/** Town → zone for a company's tariffs; a null `townFrom` means from anywhere. Town names are reference names. */
export const tariffZones = pgTable(
  "tariff_zones",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    townFrom: text(),
    townTo: text().notNull(),
    zone: smallint().notNull(),
  },
  (t) => [index("tariff_zones_company_idx").on(t.companyId, t.townTo)],
);

/**
 * A price row: for a service, a town pair (either side null = any) or a zone, and a weight step [weightFrom, weightTo).
 * Above `weightFrom`, each started kilogram costs `extraPerKg` more (used for the open-ended last step).
 */
export const tariffs = pgTable(
  "tariffs",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    serviceCode: integer().notNull(),
    townFrom: text(),
    townTo: text(),
    zone: smallint(),
    weightFrom: numeric({ precision: 10, scale: 3 }).notNull().default("0"),
    weightTo: numeric({ precision: 10, scale: 3 }),
    price: numeric({ precision: 12, scale: 2 }).notNull(),
    extraPerKg: numeric({ precision: 12, scale: 2 }).notNull().default("0"),
    minDays: smallint().notNull().default(1),
    maxDays: smallint().notNull().default(1),
  },
  (t) => [
    index("tariffs_company_service_idx").on(t.companyId, t.serviceCode),
    check("tariffs_weight_range", sql`${t.weightTo} is null or ${t.weightTo} > ${t.weightFrom}`),
  ],
);

/**
 * MeaSoft order fields the order model has no column for (receiverpays, discount, return leg, pickup, deliveryset,
 * item extcode/volume/dimensions, …), kept as sent so statusreq can give them back.
 */
export const orderExtras = pgTable("order_extras", {
  orderId: bigint({ mode: "number" })
    .primaryKey()
    .references(() => orders.id, { onDelete: "cascade" }),
  companyId: integer().notNull(),
  data: jsonb().notNull(),
});
