import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { branches } from "./branches";
import { companies, staffUsers } from "./companies";

/** One partner integration per branch: which integrator, its settings, its encrypted credentials and its health. */
export const integrations = pgTable(
  "integrations",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    // A branch may only be deleted once its integration is switched off (deleteBranch checks); the row then goes with it.
    branchId: integer()
      .notNull()
      .references(() => branches.id, { onDelete: "cascade" }),
    integrator: text().notNull(),
    enabled: boolean().notNull().default(true),
    /** Non-secret form values only. */
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** AES-256-GCM blob of the secret form values (`v1:` + base64(iv|tag|ciphertext)); never leaves the server. */
    secrets: text(),
    healthStatus: text({ enum: ["unknown", "ok", "error", "unreachable"] }).notNull().default("unknown"),
    healthMessage: text(),
    healthCheckedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("integrations_branch_uq").on(t.branchId),
    index("integrations_company_idx").on(t.companyId),
    check("integrations_health_status_chk", sql`${t.healthStatus} in ('unknown', 'ok', 'error', 'unreachable')`),
  ],
);

/** Who changed which fields of a branch's integration, and when; values are never recorded. */
export const integrationAudit = pgTable(
  "integration_audit",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    // No foreign keys to the branch or integration: the history outlives both.
    branchId: integer().notNull(),
    integrationId: integer(),
    integrator: text().notNull(),
    actorUserId: integer().references(() => staffUsers.id),
    actorName: text().notNull(),
    action: text({ enum: ["configured", "changed", "enabled", "disabled", "checked"] }).notNull(),
    fields: text().array().notNull().default(sql`'{}'::text[]`),
    /** For `checked`: the probe's outcome (ok / error / unreachable); never a credential. */
    detail: text(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("integration_audit_branch_idx").on(t.companyId, t.branchId, t.id.desc())],
);
