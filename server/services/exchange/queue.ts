import { and, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, integrations, orders, syncLog, transfers } from "@/db/schema";
import { getIntegrator } from "../../integrators/registry";
import { notifySync } from "../signals";

/**
 * Queues the hand-over of orders whose responsible branch has an integration. Called in the same transaction that
 * sets the branch (a manifest's send date, an order's branch), so a committed branch always has its transfer.
 * Orders received from that very partner are never sent back to it.
 */
export async function queueTransfers(
  db: Queryable,
  companyId: number,
  orderIds: number[],
): Promise<{ queued: number; skipped: number }> {
  if (orderIds.length === 0) return { queued: 0, skipped: 0 };
  const candidates = await db
    .select({
      orderId: orders.id,
      number: orders.number,
      integrationId: integrations.id,
      integrator: integrations.integrator,
      enabled: integrations.enabled,
      settings: integrations.settings,
      partnerExtraCode: clients.partnerExtraCode,
    })
    .from(orders)
    .innerJoin(
      integrations,
      and(
        eq(integrations.companyId, orders.companyId),
        eq(integrations.ownerKind, "branch"),
        eq(integrations.branchId, orders.responsibleBranchId),
      ),
    )
    .innerJoin(clients, eq(clients.id, orders.clientId))
    .where(and(eq(orders.companyId, companyId), inArray(orders.id, orderIds)));

  // Whether an order came from the very partner is the adapter's to tell (its notion of the client's account there).
  const loops = candidates.filter((c) => getIntegrator(c.integrator)?.outbound?.isLoop?.(c.settings, c) ?? false);
  const toQueue = candidates.filter((c) => !loops.includes(c));
  if (loops.length) {
    await db.insert(syncLog).values(
      loops.map((c) => ({
        companyId,
        integrationId: c.integrationId,
        orderId: c.orderId,
        kind: "transfer" as const,
        ok: false,
        request: "—",
        result: "Не передаётся: заказ получен от этого же партнёра, обратно он не отправляется",
      })),
    );
  }
  if (toQueue.length === 0) return { queued: 0, skipped: loops.length };
  const inserted = await db
    .insert(transfers)
    .values(
      toQueue.map((c) => ({
        companyId,
        orderId: c.orderId,
        integrationId: c.integrationId,
        partnerNumber: c.number,
        state: c.enabled ? ("pending" as const) : ("waiting" as const),
      })),
    )
    .onConflictDoNothing({ target: [transfers.orderId, transfers.integrationId] })
    .returning({ integrationId: transfers.integrationId, state: transfers.state });
  await notifySync(
    db,
    inserted.filter((r) => r.state === "pending").map((r) => r.integrationId),
  );
  return { queued: inserted.length, skipped: loops.length };
}

/** An integration switched back on: its waiting orders become due now. */
export async function releaseWaitingTransfers(db: Queryable, companyId: number, integrationId: number) {
  const released = await db
    .update(transfers)
    .set({ state: "pending", nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(transfers.companyId, companyId),
        eq(transfers.integrationId, integrationId),
        eq(transfers.state, "waiting"),
      ),
    )
    .returning({ id: transfers.id });
  if (released.length) await notifySync(db, [integrationId]);
  return released.length;
}

/** An integration switched off: orders not yet handed over wait for it. */
export async function holdPendingTransfers(db: Queryable, companyId: number, integrationId: number) {
  await db
    .update(transfers)
    .set({ state: "waiting", updatedAt: sql`now()` })
    .where(
      and(
        eq(transfers.companyId, companyId),
        eq(transfers.integrationId, integrationId),
        eq(transfers.state, "pending"),
      ),
    );
}
