import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { companies } from "./companies";
import { integrations } from "./integrations";
import { orders } from "./orders";

/**
 * waiting — the branch's integration is switched off; pending — due for sending at `nextAttemptAt`;
 * sending — claimed by a worker until `lockedUntil`; submitted — a partner that accepts asynchronously took it for
 * processing, its result comes by webhook or is asked for at `nextAttemptAt`; sent — the partner has it;
 * failed — gave up (see lastError); cancelled — the order was cancelled before it was sent.
 */
export const transferState = pgEnum("transfer_state", [
  "waiting",
  "pending",
  "sending",
  "sent",
  "failed",
  "cancelled",
  "submitted",
]);
export const cancelState = pgEnum("transfer_cancel_state", ["none", "pending", "done", "failed"]);

/** One order handed to one partner. The unique (order, integration) pair is the idempotency key of the hand-over. */
export const transfers = pgTable(
  "transfers",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    orderId: bigint({ mode: "number" })
      .notNull()
      .references(() => orders.id),
    integrationId: integer()
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    state: transferState().notNull().default("pending"),
    /** The order number sent to the partner: what its uniqueness check and our reconciliation look up. */
    partnerNumber: text().notNull(),
    /** The partner's number for the order, once known (CDEK's cdek_number, MeaSoft's own number). */
    partnerOrderCode: text(),
    /** The partner's internal id of the order, stored the moment it is given (CDEK's entity uuid). */
    partnerRef: text(),
    /** What the adapter wants kept and shown: packages as sent, their barcodes, COD actually taken. */
    partnerDetails: jsonb().$type<Record<string, unknown>>(),
    attempts: integer().notNull().default(0),
    queuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    firstAttemptAt: timestamp({ withTimezone: true }),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }),
    /** When the partner last told or was asked about this order's status: quiet orders are polled by it. */
    statusCheckedAt: timestamp({ withTimezone: true }),
    lastError: text(),
    cancelState: cancelState().notNull().default("none"),
    cancelMessage: text(),
    cancelAttempts: integer().notNull().default(0),
    cancelNextAttemptAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("transfers_order_integration_uq").on(t.orderId, t.integrationId),
    index("transfers_due_idx").on(t.integrationId, t.state, t.nextAttemptAt),
    index("transfers_partner_number_idx").on(t.integrationId, t.partnerNumber),
    index("transfers_partner_code_idx").on(t.integrationId, t.partnerOrderCode),
    index("transfers_company_order_idx").on(t.companyId, t.orderId),
  ],
);

/** Every exchange attempt with a partner, per order where it concerns one: what was sent and what came back. */
export const syncLog = pgTable(
  "sync_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    integrationId: integer().notNull(),
    orderId: bigint({ mode: "number" }),
    kind: text({ enum: ["transfer", "reconcile", "status", "cancel", "payments"] }).notNull(),
    ok: boolean().notNull(),
    request: text().notNull(),
    result: text().notNull(),
    durationMs: integer(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sync_log_order_idx").on(t.companyId, t.orderId, t.id),
    index("sync_log_integration_idx").on(t.integrationId, t.at),
  ],
);

/**
 * Webhook deliveries as received (verified by the integrator's adapter), worked off by the worker. The partner's own
 * delivery id makes a redelivery a no-op.
 */
export const hookDeliveries = pgTable(
  "hook_deliveries",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    companyId: integer()
      .notNull()
      .references(() => companies.id),
    integrationId: integer()
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    deliveryKey: text().notNull(),
    body: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    lastError: text(),
  },
  (t) => [
    uniqueIndex("hook_deliveries_key_uq").on(t.integrationId, t.deliveryKey),
    index("hook_deliveries_due_idx")
      .on(t.integrationId, t.id)
      .where(sql`${t.processedAt} is null`),
  ],
);

/** Per-integration exchange state: the change-feed stream and the figures the Integration tab shows. */
export const integrationSync = pgTable("integration_sync", {
  integrationId: integer()
    .primaryKey()
    .references(() => integrations.id, { onDelete: "cascade" }),
  companyId: integer().notNull(),
  lastSuccessAt: timestamp({ withTimezone: true }),
  lastPollAt: timestamp({ withTimezone: true }),
  lastErrorAt: timestamp({ withTimezone: true }),
  lastError: text(),
  /** Consecutive failed polls; the next poll backs off by it. */
  pollFailures: integer().notNull().default(0),
  nextPollAt: timestamp({ withTimezone: true }),
  /** Lease of the worker currently polling this integration's change feed; expires if that worker dies. */
  pollLeaseUntil: timestamp({ withTimezone: true }),
  /** The adapter's own runtime facts about the integration (e.g. its webhook subscription at the partner). */
  partnerState: jsonb().$type<Record<string, unknown>>(),
});

/**
 * A partner's access token, shared by every worker and refreshed by one at a time. Sealed like the credentials
 * it was obtained with; gone with the integration.
 */
export const partnerTokens = pgTable("partner_tokens", {
  integrationId: integer()
    .primaryKey()
    .references(() => integrations.id, { onDelete: "cascade" }),
  companyId: integer().notNull(),
  sealedToken: text().notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** The next free request slot of a partner gate whose rate limit holds across all our processes (see pace.ts). */
export const partnerPace = pgTable("partner_pace", {
  key: text().primaryKey(),
  nextAt: timestamp({ withTimezone: true }).notNull(),
});
