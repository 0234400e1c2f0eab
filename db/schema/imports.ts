import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { clients } from "./clients";
import { companies } from "./companies";
import { orders } from "./orders";

/**
 * One Excel/CSV file of orders being imported for one client: its header row, how its columns map to order fields,
 * and the counters the progress bar reads. The rows themselves wait in `order_import_rows`.
 */
export const orderImports = pgTable(
  "order_imports",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    clientId: integer()
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    fileName: text().notNull(),
    format: text({ enum: ["xlsx", "csv"] }).notNull(),
    /** The header row as in the file (one entry per column). */
    headers: jsonb().$type<string[]>().notNull(),
    /** Per column: the order field it fills, "skip", or null while unknown (the mapping step asks). */
    columns: jsonb().$type<(string | null)[]>().notNull(),
    status: text({ enum: ["mapping", "ready", "importing", "done"] }).notNull(),
    totalRows: integer().notNull().default(0),
    validRows: integer().notNull().default(0),
    invalidRows: integer().notNull().default(0),
    /** Rows whose order number already exists (found at preview or at import). */
    existingRows: integer().notNull().default(0),
    processedRows: integer().notNull().default(0),
    createdRows: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("order_imports_company_id_idx").on(t.companyId, t.id.desc())],
);

/** One data row of an import file: its cells as text, and what became of it. */
export const orderImportRows = pgTable(
  "order_import_rows",
  {
    importId: integer()
      .notNull()
      .references(() => orderImports.id, { onDelete: "cascade" }),
    /** The row's number in the file (1 is the header row). */
    rowNo: integer().notNull(),
    cells: jsonb().$type<string[]>().notNull(),
    status: text({ enum: ["pending", "valid", "invalid", "exists", "created", "duplicate"] }).notNull(),
    error: text(),
    orderId: bigint({ mode: "number" }).references(() => orders.id, { onDelete: "set null" }),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.rowNo] }),
    index("order_import_rows_status_idx").on(t.importId, t.status, t.rowNo),
  ],
);

/** A client's answers to the mapping step, keyed by the normalised header, so its next file maps itself. */
export const importMappings = pgTable(
  "import_mappings",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    clientId: integer()
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    mapping: jsonb().$type<Record<string, string>>().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("import_mappings_company_client_uq").on(t.companyId, t.clientId)],
);
