import { and, desc, eq, sql } from "drizzle-orm";
import { clients, integrations, integrationSync, syncLog } from "@/db/schema";
import { integratorTitle } from "../../integrators/catalog";
import { partnerMessage } from "../../integrators/messages";
import type { ServiceCall, ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { setShopAppEnabledSchema } from "./apps-schemas";

/** Client-owned integrations the caller may see: the company's for staff, its own for a client account. */
function ownedBy(ctx: ServiceContext) {
  return and(
    eq(integrations.companyId, ctx.actor.companyId),
    eq(integrations.ownerKind, "client"),
    ctx.actor.type === "client" ? eq(integrations.clientId, ctx.actor.clientId) : undefined,
  );
}

/**
 * «Приложения»: the shop apps installed by the company's clients (a client account sees its own), with the shop, the
 * state, the last exchange and the errors of the last 24 hours.
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
    shop: typeof r.settings.shop === "string" ? r.settings.shop : null,
    enabled: r.enabled,
    client: { id: r.clientId!, name: r.clientName },
    lastExchangeAt: r.lastExchangeAt,
    lastError: r.lastError === null ? null : partnerMessage(r.lastError),
    errors24h: r.errors24h,
  }));
}

/** «Отключить» / «Включить» an app: staff for any client's, a client account for its own. */
export async function setShopAppEnabled({ ctx, input }: ServiceCall<unknown>) {
  const { id, enabled } = setShopAppEnabledSchema.parse(input);
  const rows = await ctx.db
    .update(integrations)
    .set({ enabled, updatedAt: sql`now()` })
    .where(and(ownedBy(ctx), eq(integrations.id, id)))
    .returning({ id: integrations.id });
  if (rows.length === 0) throw new NotFoundError("Приложение");
  return { id, enabled };
}
