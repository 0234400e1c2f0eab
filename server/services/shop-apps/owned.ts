import { and, eq, isNotNull, ne } from "drizzle-orm";
import { inboundOrders, integrations } from "@/db/schema";
import type { ServiceContext } from "../context";

/** Client-owned integrations the caller may see: the company's for staff, its own for a client account. */
export function ownedBy(ctx: ServiceContext) {
  return and(
    eq(integrations.companyId, ctx.actor.companyId),
    eq(integrations.ownerKind, "client"),
    ctx.actor.type === "client" ? eq(integrations.clientId, ctx.actor.clientId) : undefined,
  );
}

/**
 * A shop order still held with a reason: not imported (or a shop's edit refused). One the shop cancelled keeps its
 * old reason in the row but needs nothing any more, so it is not an error to show.
 */
export const heldImport = and(isNotNull(inboundOrders.error), ne(inboundOrders.state, "cancelled"));

/** The shop an app brings orders from, as its settings name it (InSales: the shop's host; RetailCRM: the CRM). */
export function shopOf(settings: Record<string, unknown>): string | null {
  if (typeof settings.shop === "string") return settings.shop;
  return typeof settings.crmUrl === "string" ? settings.crmUrl : null;
}
