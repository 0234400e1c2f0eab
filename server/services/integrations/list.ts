import { and, asc, eq } from "drizzle-orm";
import { branches, integrations } from "@/db/schema";
import { integratorTitle } from "@/server/integrators/catalog";
import { assertStaff, type ServiceCall } from "../context";
import type { HealthStatus } from "./schemas";
import { selfApiUrl } from "./shared";

/** Every branch of the company, configured or not, the moment it exists; sync figures come with the worker issue. */
export async function listIntegrations({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const rows = await ctx.db
    .select({
      branchId: branches.id,
      code: branches.code,
      name: branches.name,
      town: branches.town,
      integrationId: integrations.id,
      integrator: integrations.integrator,
      enabled: integrations.enabled,
      healthStatus: integrations.healthStatus,
      healthMessage: integrations.healthMessage,
      healthCheckedAt: integrations.healthCheckedAt,
      updatedAt: integrations.updatedAt,
    })
    .from(branches)
    .leftJoin(integrations, and(eq(integrations.branchId, branches.id), eq(integrations.companyId, ctx.actor.companyId)))
    .where(eq(branches.companyId, ctx.actor.companyId))
    .orderBy(asc(branches.name), asc(branches.id));
  return {
    selfApiUrl: selfApiUrl(),
    items: rows.map((r) => ({
      branch: { id: r.branchId, code: r.code, name: r.name, town: r.town },
      integration:
        r.integrationId === null || r.integrator === null
          ? null
          : {
              id: r.integrationId,
              integrator: r.integrator,
              integratorTitle: integratorTitle(r.integrator),
              enabled: r.enabled!,
              health: { status: r.healthStatus as HealthStatus, message: r.healthMessage, checkedAt: r.healthCheckedAt },
              updatedAt: r.updatedAt!,
            },
      // Filled by the exchange worker (later issue); null renders as «—».
      sync: { lastExchangeAt: null as Date | null, ordersWaiting: null as number | null, errors: null as number | null },
    })),
  };
}
