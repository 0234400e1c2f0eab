import { date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { branches } from "./branches";
import { companies } from "./companies";

export const manifestState = pgEnum("manifest_state", ["draft", "assembled", "sent"]);

export const manifests = pgTable(
  "manifests",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    number: text().notNull(),
    creatingBranchId: integer().references(() => branches.id),
    responsibleBranchId: integer()
      .notNull()
      .references(() => branches.id),
    state: manifestState().notNull().default("draft"),
    sendDate: date(),
    comment: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("manifests_company_number_uq").on(t.companyId, t.number),
    index("manifests_company_id_idx").on(t.companyId, t.id.desc()),
  ],
);
