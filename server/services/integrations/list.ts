import { and, asc, eq } from "drizzle-orm";
import { branches, integrations } from "@/db/schema";
import { integratorTitle } from "@/server/integrators/catalog";
import { partnerMessage } from "@/server/integrators/messages";
import { assertStaff, type ServiceCall } from "../context";
import { integrationSyncFigures, type IntegrationSyncFigures } from "../exchange/figures";
import type { HealthStatus } from "./schemas";
import { selfApiUrl } from "../exchange/addresses";

/** The hand-over promise (MeaSoft's own: 10 minutes); an integration whose oldest waiting order is older is stalled. */
export const SYNC_PROMISE_MS = Number(process.env.SYNC_PROMISE_MINUTES ?? 10) * 60_000;

function syncView(f: IntegrationSyncFigures | undefined, promiseMs: number) {
  if (!f)
    return {
      lastExchangeAt: null,
      lastError: null,
      ordersWaiting: 0,
      ordersFailed: 0,
      oldestWaitingAt: null,
      errors: 0,
      stalled: false,
      notifications: null,
    };
  const oldestAgeMs = f.oldestWaitingAt ? Date.now() - f.oldestWaitingAt.getTime() : 0;
  return {
    lastExchangeAt: f.lastSuccessAt,
    // Stored by the worker from whatever the partner said: shown as a short text, never as a partner's page.
    lastError: f.lastError === null ? null : partnerMessage(f.lastError),
    ordersWaiting: f.waiting,
    ordersFailed: f.failed,
    oldestWaitingAt: f.oldestWaitingAt,
    errors: f.errors24h,
    // Red on the tab: orders older than the promise still waiting, or hand-overs that gave up.
    stalled: oldestAgeMs > promiseMs || f.failed > 0,
    notifications: f.notifications && { ok: f.notifications.ok, message: partnerMessage(f.notifications.message) },
  };
}

/** Every branch of the company, configured or not, the moment it exists, with its exchange figures. */
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
    .leftJoin(
      integrations,
      and(eq(integrations.branchId, branches.id), eq(integrations.companyId, ctx.actor.companyId)),
    )
    .where(eq(branches.companyId, ctx.actor.companyId))
    .orderBy(asc(branches.name), asc(branches.id));
  const figures = await integrationSyncFigures(ctx.db, ctx.actor.companyId);
  const promiseMs = SYNC_PROMISE_MS;
  return {
    selfApiUrl: selfApiUrl(),
    promiseMinutes: promiseMs / 60_000,
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
              health: {
                status: r.healthStatus as HealthStatus,
                message: r.healthMessage === null ? null : partnerMessage(r.healthMessage),
                checkedAt: r.healthCheckedAt,
              },
              updatedAt: r.updatedAt!,
            },
      sync: syncView(r.integrationId === null ? undefined : figures.get(r.integrationId), promiseMs),
    })),
  };
}
