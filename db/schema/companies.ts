import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export const companies = pgTable(
  "companies",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull(),
    extraCode: integer().notNull(),
    inn: text(),
    /** Requisites printed on waybills and labels («Настройки компании»). */
    address: text(),
    phone: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("companies_extra_code_uq").on(t.extraCode),
    check("companies_extra_code_positive", sql`${t.extraCode} > 0`),
  ],
);

/** `readonly` sees everything its company's staff sees and changes nothing (enforced in server/trpc/init.ts). */
export const staffRole = pgEnum("staff_role", ["admin", "operator", "readonly"]);

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
    /** Sessions signed in under an older version are refused (bumped when the password changes). */
    sessionVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /**
     * Removed users stay as rows (audit trails point at them) but can neither sign in nor keep a session; their login
     * is free for a new user.
     */
    removedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("staff_users_company_login_uq")
      .on(t.companyId, t.login)
      .where(sql`${t.removedAt} is null`),
  ],
);

/** Who changed which company setting (requisites, XML API rules, services, tariffs, zones) and how. */
export const companyAudit = pgTable(
  "company_audit",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    actorUserId: integer().references(() => staffUsers.id, { onDelete: "set null" }),
    actorName: text().notNull(),
    /** requisites | api | service | tariff | zone | user */
    section: text().notNull(),
    action: text().notNull(),
    /** The record touched, e.g. «Тариф #12» or a service code. */
    subject: text(),
    /** Field → [before, after]; null sides for created/deleted records. */
    changes: jsonb().$type<Record<string, [unknown, unknown]>>().notNull().default({}),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("company_audit_company_idx").on(t.companyId, t.id)],
);

/**
 * Sign-in throttle counters, one row per bucket: `p:` a (login, network) pair, `i:` a network, `l:` a login. Attempts
 * are reserved here before the password is checked, so parallel guesses cannot all pass one read-then-write check.
 */
export const authThrottle = pgTable(
  "auth_throttle",
  {
    bucket: text().primaryKey(),
    attempts: integer().notNull().default(0),
    windowStart: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Login buckets under attack: the earliest moment the next attempt from an already-failing network may run. */
    nextSlot: timestamp({ withTimezone: true }),
    /** Pair buckets: the last right password from this network, which keeps it trusted while the login is attacked. */
    lastSuccessAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("auth_throttle_updated_at_idx").on(t.updatedAt)],
);

export const securityEventKind = pgEnum("security_event_kind", ["failed", "blocked", "slowed"]);
export const signInDoor = pgEnum("sign_in_door", ["cabinet", "xmlapi", "shop-app"]);

/** Failed and refused sign-ins shown to the company's admins, one row per (kind, door, login, IP) and 15 minutes. */
export const securityEvents = pgTable(
  "security_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    period: timestamp({ withTimezone: true }).notNull(),
    kind: securityEventKind().notNull(),
    door: signInDoor().notNull(),
    login: text().notNull(),
    ip: text().notNull(),
    count: integer().notNull().default(1),
    firstAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("security_events_uq").on(t.companyId, t.period, t.kind, t.door, t.login, t.ip),
    index("security_events_company_id_idx").on(t.companyId, t.id),
  ],
);

/** Cabinet sessions ended by «Выйти» before their cookie expires; rows go once `expiresAt` passes. */
export const revokedSessions = pgTable("revoked_sessions", {
  sessionId: text().primaryKey(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});
