import { and, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { syncLog, transfers } from "@/db/schema";
import { applyStatusEvents } from "../orders/lifecycle";
import { loadActivePartner } from "./partner";
import { PartnerError } from "../../integrators/errors";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "./policy";

/** The partner has the order: taken (sent) or taken for processing (submitted, its verdict pending). */
const AT_PARTNER = ["sent", "submitted"] as ("sent" | "submitted")[];

/** Sends the cancellations requested for orders already at the partner; the partner's answer is kept on the order. */
export async function runCancels(
  db: Database,
  integrationId: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<number> {
  const partner = await loadActivePartner(db, integrationId);
  const cancel = partner?.adapter.cancel;
  if (!partner || !cancel) return 0;
  const claimed = await db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: transfers.id,
        orderId: transfers.orderId,
        number: transfers.partnerNumber,
        partnerCode: transfers.partnerOrderCode,
        partnerRef: transfers.partnerRef,
        attempts: transfers.cancelAttempts,
      })
      .from(transfers)
      .where(
        and(
          eq(transfers.integrationId, integrationId),
          inArray(transfers.state, AT_PARTNER),
          eq(transfers.cancelState, "pending"),
          or(isNull(transfers.cancelNextAttemptAt), lte(transfers.cancelNextAttemptAt, sql`now()`)),
        ),
      )
      .limit(100)
      .for("update", { skipLocked: true });
    // Pushed forward before the call, so a parallel worker does not send the same cancellation.
    for (const r of rows) {
      await tx
        .update(transfers)
        .set({
          cancelAttempts: r.attempts + 1,
          cancelNextAttemptAt: new Date(Date.now() + retryDelayMs(r.attempts + 1, policy)),
        })
        .where(eq(transfers.id, r.id));
    }
    return rows;
  });
  if (claimed.length === 0) return 0;

  try {
    const res = await cancel.cancel(
      partner.settings,
      claimed.map((c) => ({ number: c.number, partnerCode: c.partnerCode, partnerRef: c.partnerRef })),
      partner.options,
    );
    await db.transaction(async (tx) => {
      const confirmed: number[] = [];
      for (const [i, c] of claimed.entries()) {
        const r = res.value[i]!;
        await tx
          .update(transfers)
          .set({ cancelState: r.ok ? "done" : "failed", cancelMessage: r.message, updatedAt: sql`now()` })
          .where(eq(transfers.id, c.id));
        if (r.ok) confirmed.push(c.orderId);
        await tx.insert(syncLog).values({
          companyId: partner.companyId,
          integrationId,
          orderId: c.orderId,
          kind: "cancel",
          ok: r.ok,
          request: cancel.describe(c.number),
          result: r.message,
        });
      }
      const now = new Date();
      await applyStatusEvents(
        tx,
        partner.companyId,
        confirmed.map((orderId) => ({
          orderId,
          status: "CANCELED",
          eventTime: now,
          source: "system",
          comment: "Отменён у партнёра",
        })),
      );
    });
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    await db.transaction(async (tx) => {
      for (const c of claimed) {
        // Transient problems keep the request pending (its next attempt is already set); refusals are final.
        if (e.kind !== "transient")
          await tx
            .update(transfers)
            .set({ cancelState: "failed", cancelMessage: e.message, updatedAt: sql`now()` })
            .where(eq(transfers.id, c.id));
        await tx.insert(syncLog).values({
          companyId: partner.companyId,
          integrationId,
          orderId: c.orderId,
          kind: "cancel",
          ok: false,
          request: cancel.describe(c.number),
          result: e.message,
        });
      }
    });
  }
  return claimed.length;
}

export async function integrationsWithDueCancels(db: Database): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: transfers.integrationId })
    .from(transfers)
    .where(
      and(
        inArray(transfers.state, AT_PARTNER),
        eq(transfers.cancelState, "pending"),
        or(isNull(transfers.cancelNextAttemptAt), lte(transfers.cancelNextAttemptAt, sql`now()`)),
      ),
    );
  return rows.map((r) => r.id);
}
