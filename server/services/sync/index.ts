import { and, desc, eq, gte, inArray, min, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { branches, integrations, integrationSync, orders, syncLog, transfers } from "@/db/schema";
import { notifySync } from "../../sync/queue";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { orderRefSchema } from "./schemas";

async function requireOrder(db: Queryable, companyId: number, orderId: number) {
  const [o] = await db.select({ id: orders.id }).from(orders).where(and(eq(orders.companyId, companyId), eq(orders.id, orderId)));
  if (!o) throw new NotFoundError("Заказ");
  return o;
}

/** The order card's «Передача партнёру» block: the hand-over state and every exchange attempt. */
export async function getOrderSync({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { orderId } = orderRefSchema.parse(input);
  const companyId = ctx.actor.companyId;
  await requireOrder(ctx.db, companyId, orderId);
  const [rows, log] = await Promise.all([
    ctx.db
      .select({
        id: transfers.id,
        state: transfers.state,
        partnerNumber: transfers.partnerNumber,
        partnerOrderCode: transfers.partnerOrderCode,
        attempts: transfers.attempts,
        queuedAt: transfers.queuedAt,
        sentAt: transfers.sentAt,
        nextAttemptAt: transfers.nextAttemptAt,
        lastError: transfers.lastError,
        cancelState: transfers.cancelState,
        cancelMessage: transfers.cancelMessage,
        integrator: integrations.integrator,
        branchName: branches.name,
      })
      .from(transfers)
      .innerJoin(integrations, eq(integrations.id, transfers.integrationId))
      .innerJoin(branches, eq(branches.id, integrations.branchId))
      .where(and(eq(transfers.companyId, companyId), eq(transfers.orderId, orderId))),
    ctx.db
      .select({ id: syncLog.id, at: syncLog.at, kind: syncLog.kind, ok: syncLog.ok, request: syncLog.request, result: syncLog.result, durationMs: syncLog.durationMs })
      .from(syncLog)
      .where(and(eq(syncLog.companyId, companyId), eq(syncLog.orderId, orderId)))
      .orderBy(desc(syncLog.id))
      .limit(100),
  ]);
  return { transfers: rows, log };
}

/** «Повторить»: a failed hand-over goes back to the queue with a fresh retry window. */
export async function retryTransfer({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { orderId } = orderRefSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    await requireOrder(tx, companyId, orderId);
    const retried = await tx
      .update(transfers)
      .set({ state: "pending", attempts: 0, firstAttemptAt: null, nextAttemptAt: sql`now()`, lastError: null, updatedAt: sql`now()` })
      .where(and(eq(transfers.companyId, companyId), eq(transfers.orderId, orderId), eq(transfers.state, "failed")))
      .returning({ integrationId: transfers.integrationId });
    const cancels = await tx
      .update(transfers)
      .set({ cancelState: "pending", cancelNextAttemptAt: null, cancelMessage: null, updatedAt: sql`now()` })
      .where(and(eq(transfers.companyId, companyId), eq(transfers.orderId, orderId), eq(transfers.state, "sent"), eq(transfers.cancelState, "failed")))
      .returning({ integrationId: transfers.integrationId });
    if (retried.length + cancels.length === 0) throw new ConflictError("Повторять нечего: передача заказа не завершилась ошибкой");
    await notifySync(tx, [...retried, ...cancels].map((r) => r.integrationId));
    return { retried: retried.length + cancels.length };
  });
}

export interface IntegrationSyncFigures {
  lastSuccessAt: Date | null;
  lastPollAt: Date | null;
  lastError: string | null;
  waiting: number;
  failed: number;
  oldestWaitingAt: Date | null;
  errors24h: number;
}

/** The Integration tab's sync columns, for every integration of a company in three queries. */
export async function integrationSyncFigures(db: Queryable, companyId: number): Promise<Map<number, IntegrationSyncFigures>> {
  const since = new Date(Date.now() - 24 * 3_600_000);
  const [queue, errors, state] = await Promise.all([
    db
      .select({
        integrationId: transfers.integrationId,
        waiting: sql<number>`count(*) filter (where ${transfers.state} in ('pending','sending','waiting'))`.mapWith(Number),
        failed: sql<number>`count(*) filter (where ${transfers.state} = 'failed')`.mapWith(Number),
        oldest: min(sql<Date>`case when ${transfers.state} in ('pending','sending','waiting') then ${transfers.queuedAt} end`),
      })
      .from(transfers)
      .where(and(eq(transfers.companyId, companyId), inArray(transfers.state, ["pending", "sending", "waiting", "failed"])))
      .groupBy(transfers.integrationId),
    db
      .select({ integrationId: syncLog.integrationId, n: sql<number>`count(*)`.mapWith(Number) })
      .from(syncLog)
      .where(and(eq(syncLog.companyId, companyId), eq(syncLog.ok, false), gte(syncLog.at, since)))
      .groupBy(syncLog.integrationId),
    db.select().from(integrationSync).where(eq(integrationSync.companyId, companyId)),
  ]);
  const out = new Map<number, IntegrationSyncFigures>();
  const get = (id: number) => {
    let f = out.get(id);
    if (!f) out.set(id, (f = { lastSuccessAt: null, lastPollAt: null, lastError: null, waiting: 0, failed: 0, oldestWaitingAt: null, errors24h: 0 }));
    return f;
  };
  for (const q of queue) Object.assign(get(q.integrationId), { waiting: q.waiting, failed: q.failed, oldestWaitingAt: q.oldest ? new Date(q.oldest) : null });
  for (const e of errors) get(e.integrationId).errors24h = e.n;
  for (const s of state) Object.assign(get(s.integrationId), { lastSuccessAt: s.lastSuccessAt, lastPollAt: s.lastPollAt, lastError: s.lastError });
  return out;
}
