import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { companies } from "./companies";

export const paymentIntermediary = pgEnum("payment_intermediary", ["none", "pimpay"]);
export const clientKind = pgEnum("client_kind", ["shop", "courier"]);

export const clients = pgTable(
  "clients",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    name: text().notNull(),
    kind: clientKind().notNull().default("shop"),
    inn: text(),
    currency: text().notNull().default("RUB"),
    paymentIntermediary: paymentIntermediary().notNull().default("none"),
    contactPerson: text(),
    phone: text(),
    email: text(),
    address: text(),
    /** For a courier company that is our client: its own extra code, so orders received from it are never sent back to it. */
    partnerExtraCode: integer(),
    login: text(),
    passwordHash: text(),
    /** Sessions signed in under an older version are refused (bumped when the login or password changes). */
    sessionVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("clients_company_login_uq")
      .on(t.companyId, t.login)
      .where(sql`${t.login} is not null`),
    index("clients_company_name_idx").on(t.companyId, t.name),
    // Two clients of one company may not share a name in any letter case: the pickers and the sender show names.
    uniqueIndex("clients_company_name_uq").on(t.companyId, sql`lower(${t.name})`),
  ],
);
