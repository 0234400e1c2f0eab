import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  date,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { branches } from "./branches";
import { clients } from "./clients";
import { companies } from "./companies";
import { manifests } from "./manifests";

export const payType = pgEnum("pay_type", ["CASH", "CARD", "NO", "OTHER"]);
export const statusSource = pgEnum("status_source", ["cabinet", "api", "agent", "system"]);

const money = () => numeric({ precision: 12, scale: 2 });

type SearchColumns = {
  receiverPerson: AnyPgColumn;
  receiverCompany: AnyPgColumn;
  receiverTown: AnyPgColumn;
  receiverAddress: AnyPgColumn;
  receiverPhone: AnyPgColumn;
};
/**
 * The indexed search expressions: the order list's search (server/services/orders/search.ts) must write them exactly
 * so, or PostgreSQL will not use the indexes. `search_fold` is defined in migration 0027_order_search.
 */
export const receiverSearchText = (t: SearchColumns) =>
  sql`search_fold(coalesce(${t.receiverPerson}, '') || ' ' || coalesce(${t.receiverCompany}, ''))`;
export const addressSearchText = (t: SearchColumns) =>
  sql`search_fold(coalesce(${t.receiverTown}, '') || ' ' || coalesce(${t.receiverAddress}, ''))`;
export const phoneDigits = (t: SearchColumns) =>
  sql`regexp_replace(coalesce(${t.receiverPhone}, ''), '[^0-9]', '', 'g')`;
export const receiverSortKey = (t: SearchColumns) => sql`coalesce(${t.receiverPerson}, ${t.receiverCompany}, '')`;

export const orders = pgTable(
  "orders",
  {
    // Doubles as MeaSoft's internal «ordercode».
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity({ startWith: 100001 }),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    clientId: integer()
      .notNull()
      .references(() => clients.id),
    number: text().notNull(),
    // Numbers are unique per company within a calendar year, as in MeaSoft.
    year: smallint().notNull(),
    barcode: text(),
    department: text(),

    senderCompany: text(),
    senderPerson: text(),
    senderPhone: text(),
    senderTown: text(),
    senderAddress: text(),
    senderZip: text(),
    senderDate: date(),
    senderTimeMin: text(),
    senderTimeMax: text(),

    receiverCompany: text(),
    receiverPerson: text(),
    receiverPhone: text(),
    receiverTown: text(),
    receiverRegionCode: text(),
    receiverAddress: text(),
    receiverZip: text(),
    receiverPvz: text(),
    receiverDate: date(),
    receiverTimeMin: text(),
    receiverTimeMax: text(),

    weight: numeric({ precision: 10, scale: 3 }).notNull().default("0"),
    quantity: integer().notNull().default(1),
    codAmount: money().notNull().default("0"),
    declaredValue: money().notNull().default("0"),
    deliveryPrice: money().notNull().default("0"),
    /** What the partner charged for the order («Агентская цена»), filled from its COD registry; null until then. */
    agentPrice: money(),
    payType: payType().notNull().default("CASH"),
    serviceCode: integer(),
    enclosure: text(),
    instruction: text(),

    status: text().notNull().default("NEW"),
    statusAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    responsibleBranchId: integer().references(() => branches.id),
    manifestId: integer().references(() => manifests.id),
    source: statusSource().notNull().default("cabinet"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_company_year_number_uq").on(t.companyId, t.year, t.number),
    // Keyset pagination walks (company, id desc); the filtered variants keep filters index-only at 1M rows.
    index("orders_company_id_idx").on(t.companyId, t.id.desc()),
    // Ascending id: the same index serves «status = X, newest first» backwards and the list sorted by status.
    index("orders_company_status_id_idx").on(t.companyId, t.status, t.id),
    index("orders_company_client_id_idx").on(t.companyId, t.clientId, t.id.desc()),
    // The list's default order (created, id) and the one-day filter: a range walk, no sort of the day's rows.
    index("orders_company_created_id_idx").on(t.companyId, t.createdAt, t.id),
    index("orders_company_number_idx").on(t.companyId, t.number.op("text_pattern_ops")),
    // The list's sortable columns keep keyset paging (value, id) an index walk at 1M rows.
    index("orders_company_number_sort_idx").on(t.companyId, t.number, t.id),
    index("orders_company_receiver_sort_idx").on(t.companyId, receiverSortKey(t), t.id),
    index("orders_company_cod_idx").on(t.companyId, t.codAmount, t.id),
    // Search by any part (pg_trgm): folded text (lower case, ё → е) so the database's locale does not matter for
    // case; the phone as its digits, so every way of writing it finds the order.
    index("orders_search_number_trgm").using("gin", sql`search_fold(${t.number}) gin_trgm_ops`),
    index("orders_search_barcode_trgm").using("gin", sql`search_fold(${t.barcode}) gin_trgm_ops`),
    index("orders_search_receiver_trgm").using("gin", sql`${receiverSearchText(t)} gin_trgm_ops`),
    index("orders_search_address_trgm").using("gin", sql`${addressSearchText(t)} gin_trgm_ops`),
    index("orders_search_phone_trgm").using("gin", sql`${phoneDigits(t)} gin_trgm_ops`),
    // The number search also matches barcodes; without this index the OR falls back to scanning the company.
    index("orders_company_barcode_idx")
      .on(t.companyId, t.barcode)
      .where(sql`${t.barcode} is not null`),
    index("orders_manifest_idx")
      .on(t.manifestId)
      .where(sql`${t.manifestId} is not null`),
    index("orders_responsible_branch_idx")
      .on(t.responsibleBranchId)
      .where(sql`${t.responsibleBranchId} is not null`),
  ],
);

export const orderItems = pgTable(
  "order_items",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint({ mode: "number" })
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    companyId: integer().notNull(),
    name: text().notNull(),
    article: text(),
    barcode: text(),
    quantity: numeric({ precision: 12, scale: 3 }).notNull().default("1"),
    mass: numeric({ precision: 10, scale: 3 }),
    retailPrice: money().notNull().default("0"),
    vatRate: smallint(),
  },
  (t) => [index("order_items_order_idx").on(t.orderId)],
);

export const orderPackages = pgTable(
  "order_packages",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint({ mode: "number" })
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    companyId: integer().notNull(),
    barcode: text(),
    mass: numeric({ precision: 10, scale: 3 }),
    length: numeric({ precision: 8, scale: 1 }),
    width: numeric({ precision: 8, scale: 1 }),
    height: numeric({ precision: 8, scale: 1 }),
    quantity: integer().notNull().default(1),
    message: text(),
  },
  (t) => [index("order_packages_order_idx").on(t.orderId)],
);

// Append-only: a trigger in the migrations refuses UPDATE and DELETE.
export const orderStatusHistory = pgTable(
  "order_status_history",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: bigint({ mode: "number" })
      .notNull()
      .references(() => orders.id),
    companyId: integer().notNull(),
    status: text().notNull(),
    eventTime: timestamp({ withTimezone: true }).notNull(),
    source: statusSource().notNull(),
    comment: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("order_status_history_order_idx").on(t.orderId, t.id)],
);

/** Next generated order number per company and year, for orders sent without one. */
export const orderNumberCounters = pgTable(
  "order_number_counters",
  {
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    year: smallint().notNull(),
    last: integer().notNull().default(0),
  },
  (t) => [uniqueIndex("order_number_counters_uq").on(t.companyId, t.year)],
);
