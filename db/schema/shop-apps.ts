import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { clients } from "./clients";
import { integrations } from "./integrations";

/**
 * A shop that installed one of our apps (InSales today), keyed by the platform's stable shop id. It exists from the
 * install callback on, before anyone links it to a client; the link is the client-owned integration it points at.
 */
export const shopAppInstalls = pgTable(
  "shop_app_installs",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    app: text({ enum: ["insales", "retailcrm"] }).notNull(),
    /** The platform's shop id (InSales `insales_id`, RetailCRM the CRM's host): the key of one installation. */
    shopId: text().notNull(),
    /** The shop as the platform last named it (InSales `*.myinsales.ru` host, RetailCRM the CRM's URL). */
    shop: text().notNull(),
    /**
     * Sealed secrets (secret-box, context `shop-app:<app>:<shopId>`): InSales `{ password }` (the per-shop API
     * password), RetailCRM `{ apiKey }`.
     */
    secrets: text().notNull(),
    /** RetailCRM: SHA-256 (hex) of the `clientId` the CRM presents on every callback; the id itself is not kept. */
    keyHash: text(),
    integrationId: integer().references(() => integrations.id, { onDelete: "set null" }),
    installedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("shop_app_installs_shop_uq").on(t.app, t.shopId),
    uniqueIndex("shop_app_installs_key_uq").on(t.keyHash),
  ],
);

/**
 * Short-lived single-purpose tokens of the shop apps, stored by their SHA-256 only: `nonce` (an autologin round trip
 * to the shop's back office), `link` (the link page of a shop not yet linked), `sign-in` (one cabinet sign-in as the
 * linked client). A `nonce` and a `sign-in` are deleted by their one use.
 */
export const shopAppTickets = pgTable(
  "shop_app_tickets",
  {
    tokenHash: text().primaryKey(),
    kind: text({ enum: ["nonce", "link", "sign-in"] }).notNull(),
    installId: integer()
      .notNull()
      .references(() => shopAppInstalls.id, { onDelete: "cascade" }),
    /** For `nonce`: the value the shop signs with (it travels to the shop in the clear; the password does not). */
    nonce: text(),
    /** For `sign-in`: the client account it signs in as. */
    clientId: integer().references(() => clients.id, { onDelete: "cascade" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("shop_app_tickets_expires_idx").on(t.expiresAt)],
);
