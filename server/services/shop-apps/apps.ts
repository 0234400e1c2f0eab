import { and, desc, eq, sql } from "drizzle-orm";
import { clients, inboundOrders, integrations, integrationSync, syncLog } from "@/db/schema";
import { integratorTitle } from "../../integrators/catalog";
import { partnerMessage } from "../../integrators/messages";
import type { ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { writeAudit } from "../integrations/shared";
import { setShopAppEnabledSchema } from "./apps-schemas";
import { heldImport, ownedBy, shopOf } from "./owned";

/**
 * «Приложения»: the shop apps installed by the company's clients (a client account sees its own), with the shop, the
 * state, the last exchange, the errors of the last 24 hours and the shop orders held with a reason («Ошибки импорта»).
 */
export async function listShopApps({ ctx }: ServiceCall<unknown>) {
  const since = new Date(Date.now() - 24 * 3_600_000);
  const rows = await ctx.db
    .select({
      id: integrations.id,
      integrator: integrations.integrator,
      settings: integrations.settings,
      enabled: integrations.enabled,
      clientId: integrations.clientId,
      clientName: clients.name,
      lastExchangeAt: integrationSync.lastSuccessAt,
      lastError: integrationSync.lastError,
      errors24h: sql<number>`(select count(*) from ${syncLog} where ${syncLog.integrationId} = ${integrations.id}
        and ${syncLog.companyId} = ${integrations.companyId} and not ${syncLog.ok} and ${syncLog.at} >= ${since.toISOString()}::timestamptz)`.mapWith(
        Number,
      ),
      importErrors:
        sql<number>`(select count(*) from ${inboundOrders} where ${inboundOrders.integrationId} = ${integrations.id}
        and ${inboundOrders.companyId} = ${integrations.companyId} and ${heldImport})`.mapWith(Number),
    })
    .from(integrations)
    .innerJoin(clients, eq(clients.id, integrations.clientId))
    .leftJoin(integrationSync, eq(integrationSync.integrationId, integrations.id))
    .where(ownedBy(ctx))
    .orderBy(desc(integrations.id));
  return rows.map((r) => ({
    id: r.id,
    integrator: r.integrator,
    title: integratorTitle(r.integrator),
    shop: shopOf(r.settings),
    enabled: r.enabled,
    client: { id: r.clientId!, name: r.clientName },
    lastExchangeAt: r.lastExchangeAt,
    lastError: r.lastError === null ? null : partnerMessage(r.lastError),
    errors24h: r.errors24h,
    importErrors: r.importErrors,
  }));
}

/** «Отключить» / «Включить» an app: staff for any client's, a client account for its own; audited when it changes. */
export async function setShopAppEnabled({ ctx, input }: ServiceCall<unknown>) {
  const { id, enabled } = setShopAppEnabledSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ enabled: integrations.enabled })
      .from(integrations)
      .where(and(ownedBy(ctx), eq(integrations.id, id)))
      .for("update");
    if (!before) throw new NotFoundError("Приложение");
    if (before.enabled === enabled) return { id, enabled };
    const [row] = await tx
      .update(integrations)
      .set({ enabled, updatedAt: sql`now()` })
      .where(eq(integrations.id, id))
      .returning({ clientId: integrations.clientId, integrator: integrations.integrator });
    await writeAudit(tx, ctx.actor, {
      clientId: row!.clientId,
      integrationId: id,
      integrator: row!.integrator,
      action: enabled ? "enabled" : "disabled",
    });
    return { id, enabled };
  });
}
