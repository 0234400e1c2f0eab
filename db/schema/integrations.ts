import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { branches } from "./branches";
import { clients } from "./clients";
import { companies, staffUsers } from "./companies";

/**
 * A partner integration: which integrator, its settings, its encrypted credentials and its health. Its owner is a
 * branch (a contractor the branch hands orders to), a client (the client's shop app bringing orders in) or the
 * company itself (a payment intermediary); one per branch, one per client or company and integrator.
 */
export const integrations = pgTable(
  "integrations",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    ownerKind: text({ enum: ["branch", "client", "company"] })
      .notNull()
      .default("branch"),
    // A branch may only be deleted once its integration is switched off (deleteBranch checks); the row then goes with it.
    branchId: integer().references(() => branches.id, { onDelete: "cascade" }),
    clientId: integer().references(() => clients.id, { onDelete: "cascade" }),
    integrator: text().notNull(),
    enabled: boolean().notNull().default(true),
    /** Non-secret form values only. */
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** AES-256-GCM blob of the secret form values (`v1:` + base64(iv|tag|ciphertext)); never leaves the server. */
    secrets: text(),
    /** The unguessable part of this integration's webhook address (/api/hooks/<integrator>/<hookKey>), not its id. */
    hookKey: text()
      .notNull()
      .default(sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`),
    healthStatus: text({ enum: ["unknown", "ok", "error", "unreachable"] })
      .notNull()
      .default("unknown"),
    healthMessage: text(),
    healthCheckedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the current integrator was put here: the tab counts errors from then, not the replaced partner's. */
    integratorSince: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("integrations_branch_uq")
      .on(t.branchId)
      .where(sql`${t.ownerKind} = 'branch'`),
    uniqueIndex("integrations_client_uq")
      .on(t.clientId, t.integrator)
      .where(sql`${t.ownerKind} = 'client'`),
    uniqueIndex("integrations_company_owner_uq")
      .on(t.companyId, t.integrator)
      .where(sql`${t.ownerKind} = 'company'`),
    uniqueIndex("integrations_hook_key_uq").on(t.hookKey),
    check(
      "integrations_owner_chk",
      sql`(${t.ownerKind} = 'branch' and ${t.branchId} is not null and ${t.clientId} is null)
        or (${t.ownerKind} = 'client' and ${t.clientId} is not null and ${t.branchId} is null)
        or (${t.ownerKind} = 'company' and ${t.branchId} is null and ${t.clientId} is null)`,
    ),
    index("integrations_company_idx").on(t.companyId),
    check("integrations_health_status_chk", sql`${t.healthStatus} in ('unknown', 'ok', 'error', 'unreachable')`),
  ],
);

/**
 * Who changed which fields of an integration, and when; values are never recorded. A branch's partner has `branchId`,
 * a client's shop app `clientId` (its «Автоматизация»).
 */
export const integrationAudit = pgTable(
  "integration_audit",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    // No foreign keys to the branch or integration: the history outlives both.
    branchId: integer(),
    clientId: integer(),
    integrationId: integer(),
    integrator: text().notNull(),
    actorUserId: integer().references(() => staffUsers.id),
    actorName: text().notNull(),
    action: text({ enum: ["configured", "changed", "enabled", "disabled", "checked"] }).notNull(),
    fields: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** For `checked`: the probe's outcome (ok / error / unreachable); never a credential. */
    detail: text(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("integration_audit_branch_idx").on(t.companyId, t.branchId, t.id.desc()),
    index("integration_audit_integration_idx").on(t.companyId, t.integrationId, t.id.desc()),
  ],
);
