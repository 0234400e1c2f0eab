import { sql } from "drizzle-orm";
import { check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const companies = pgTable(
  "companies",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull(),
    extraCode: integer().notNull(),
    inn: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("companies_extra_code_uq").on(t.extraCode), check("companies_extra_code_positive", sql`${t.extraCode} > 0`)],
);

export const staffRole = pgEnum("staff_role", ["admin", "operator"]);

export const staffUsers = pgTable(
  "staff_users",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    login: text().notNull(),
    passwordHash: text().notNull(),
    name: text().notNull(),
    role: staffRole().notNull().default("operator"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("staff_users_company_login_uq").on(t.companyId, t.login)],
);

// Failed sign-ins, kept in PostgreSQL so every web replica sees the same throttle.
export const loginAttempts = pgTable("login_attempts", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  key: text().notNull(),
  ip: text().notNull(),
  at: timestamp({ withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("login_attempts_key_at_idx").on(t.key, t.at), index("login_attempts_ip_at_idx").on(t.ip, t.at)]);
