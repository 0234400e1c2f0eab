import { and, eq, gte, inArray, min, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { integrations, integrationSync, syncLog, transfers } from "@/db/schema";

export interface IntegrationSyncFigures {
  lastSuccessAt: Date | null;
  lastPollAt: Date | null;
  lastError: string | null;
  waiting: number;
  failed: number;
  oldestWaitingAt: Date | null;
  errors24h: number;
  /** The partner's webhook subscription, for partners that push statuses: what the last reconcile said. */
  notifications: { message: string; ok: boolean } | null;
}

function notificationsOf(state: Record<string, unknown> | null) {
  const sub = state?.subscription as { message?: string; error?: boolean } | undefined;
  return sub?.message ? { message: sub.message, ok: !sub.error } : null;
}

/** The Integration tab's sync columns, for every integration of a company in three queries. */
export async function integrationSyncFigures(
  db: Queryable,
  companyId: number,
): Promise<Map<number, IntegrationSyncFigures>> {
  const since = new Date(Date.now() - 24 * 3_600_000);
  const [queue, errors, state] = await Promise.all([
    db
      .select({
        integrationId: transfers.integrationId,
        waiting: sql<number>`count(*) filter (where ${transfers.state} in ('pending','sending','waiting'))`.mapWith(
          Number,
        ),
        failed: sql<number>`count(*) filter (where ${transfers.state} = 'failed')`.mapWith(Number),
        oldest: min(
          sql<Date>`case when ${transfers.state} in ('pending','sending','waiting') then ${transfers.queuedAt} end`,
        ),
      })
      .from(transfers)
      .where(
        and(eq(transfers.companyId, companyId), inArray(transfers.state, ["pending", "sending", "waiting", "failed"])),
      )
      .groupBy(transfers.integrationId),
    // Errors of the current integrator only: a replaced partner's failures are not this one's.
    db
      .select({ integrationId: syncLog.integrationId, n: sql<number>`count(*)`.mapWith(Number) })
      .from(syncLog)
      .innerJoin(integrations, eq(integrations.id, syncLog.integrationId))
      .where(
        and(
          eq(syncLog.companyId, companyId),
          eq(syncLog.ok, false),
          gte(syncLog.at, since),
          gte(syncLog.at, integrations.integratorSince),
        ),
      )
      .groupBy(syncLog.integrationId),
    db.select().from(integrationSync).where(eq(integrationSync.companyId, companyId)),
  ]);
  const out = new Map<number, IntegrationSyncFigures>();
  const get = (id: number) => {
    let f = out.get(id);
    if (!f)
      out.set(
        id,
        (f = {
          lastSuccessAt: null,
          lastPollAt: null,
          lastError: null,
          waiting: 0,
          failed: 0,
          oldestWaitingAt: null,
          errors24h: 0,
          notifications: null,
        }),
      );
    return f;
  };
  for (const q of queue)
    Object.assign(get(q.integrationId), {
      waiting: q.waiting,
      failed: q.failed,
      oldestWaitingAt: q.oldest ? new Date(q.oldest) : null,
    });
  for (const e of errors) get(e.integrationId).errors24h = e.n;
  for (const s of state)
    Object.assign(get(s.integrationId), {
      lastSuccessAt: s.lastSuccessAt,
      lastPollAt: s.lastPollAt,
      lastError: s.lastError,
      notifications: notificationsOf(s.partnerState),
    });
  return out;
}
