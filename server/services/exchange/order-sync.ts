import { and, desc, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { branches, integrations, orders, syncLog, transfers } from "@/db/schema";
import { partnerMessage } from "@/server/integrators/messages";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { printPlan } from "./print";
import { notifySync } from "../signals";
import { orderRefSchema } from "./schemas";

async function requireOrder(db: Queryable, companyId: number, orderId: number) {
  const [o] = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.companyId, companyId), eq(orders.id, orderId)));
  if (!o) throw new NotFoundError("Заказ");
  return o;
}

/** The order card's «Передача партнёру» block: the hand-over state and every exchange attempt. */
export async function getOrderSync({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { orderId } = orderRefSchema.parse(input);
  const companyId = ctx.actor.companyId;
  await requireOrder(ctx.db, companyId, orderId);
  const [rows, log, print] = await Promise.all([
    ctx.db
      .select({
        id: transfers.id,
        state: transfers.state,
        partnerNumber: transfers.partnerNumber,
        partnerOrderCode: transfers.partnerOrderCode,
        partnerDetails: transfers.partnerDetails,
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
      .select({
        id: syncLog.id,
        at: syncLog.at,
        kind: syncLog.kind,
        ok: syncLog.ok,
        request: syncLog.request,
        result: syncLog.result,
        durationMs: syncLog.durationMs,
      })
      .from(syncLog)
      .where(and(eq(syncLog.companyId, companyId), eq(syncLog.orderId, orderId)))
      .orderBy(desc(syncLog.id))
      .limit(100),
    printPlan(ctx.db, companyId, { orderId }),
  ]);
  // Partner texts were stored as the worker got them: the card shows them short and without markup.
  const shown = (t: string | null) => (t === null ? null : partnerMessage(t));
  return {
    transfers: rows.map((r) => ({ ...r, lastError: shown(r.lastError), cancelMessage: shown(r.cancelMessage) })),
    log: log.map((l) => ({ ...l, result: partnerMessage(l.result) })),
    // The partner holds the order and its integrator prints forms: the card offers them (/api/print).
    printable: print.printable,
    printParts: print.printable ? print.parts.length : 0,
    printForms: print.forms,
  };
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
      .set({
        state: "pending",
        attempts: 0,
        firstAttemptAt: null,
        nextAttemptAt: sql`now()`,
        lastError: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(transfers.companyId, companyId), eq(transfers.orderId, orderId), eq(transfers.state, "failed")))
      .returning({ integrationId: transfers.integrationId });
    const cancels = await tx
      .update(transfers)
      .set({ cancelState: "pending", cancelNextAttemptAt: null, cancelMessage: null, updatedAt: sql`now()` })
      .where(
        and(
          eq(transfers.companyId, companyId),
          eq(transfers.orderId, orderId),
          eq(transfers.state, "sent"),
          eq(transfers.cancelState, "failed"),
        ),
      )
      .returning({ integrationId: transfers.integrationId });
    if (retried.length + cancels.length === 0)
      throw new ConflictError("Повторять нечего: передача заказа не завершилась ошибкой");
    await notifySync(
      tx,
      [...retried, ...cancels].map((r) => r.integrationId),
    );
    return { retried: retried.length + cancels.length };
  });
}
