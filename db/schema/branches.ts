import { integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { clients } from "./clients";
import { companies } from "./companies";

export const branches = pgTable(
  "branches",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    code: text().notNull(),
    name: text().notNull(),
    town: text().notNull(),
    /**
     * The partner this branch stands for, as a client account *of this same company*: the partner signs in to our
     * XML API with that account and pulls the orders handed to this branch (`statusreq` with client=AGENT).
     */
    agentClientId: integer().references(() => clients.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("branches_company_code_uq").on(t.companyId, t.code)],
);
