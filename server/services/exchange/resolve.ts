import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { syncLog, transfers } from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import type { PartnerFacts, SendOutcome } from "../../integrators/types";
import { loadActivePartner, markHealthy, markUnhealthy, recordSyncState, type Partner } from "./partner";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./policy";

/**
 * Settles orders a partner took for processing (`submitted`) with its verdict, from a webhook or a resolve run:
 * accepted → sent, refused → failed with the partner's text, still processing → unchanged. Only submitted transfers
 * move, so a verdict that comes twice (webhook and poll) is applied once.
 */
export async function settleSubmitted(
  tx: Queryable,
  p: Pick<Partner, "id" | "companyId">,
  outcomes: SendOutcome[],
  via: string,
) {
  const counts = { sent: 0, failed: 0, waiting: 0 };
  const logs: (typeof syncLog.$inferInsert)[] = [];
  for (const o of outcomes) {
    const own = and(
      eq(transfers.integrationId, p.id),
      eq(transfers.partnerNumber, o.number),
      eq(transfers.state, "submitted"),
    );
    if (o.outcome === "submitted" || o.outcome === "transient") {
      counts.waiting++;
      if (o.outcome === "submitted" && (o.partnerCode || o.partnerRef || o.details))
        await tx.update(transfers).set(factsUpdate(o)).where(own);
      continue;
    }
    const accepted = o.outcome === "accepted";
    const rows = await tx
      .update(transfers)
      .set(
        accepted
          ? {
              state: "sent",
              ...factsUpdate(o),
              lastError: null,
              updatedAt: sql`now()`,
            }
          : { state: "failed", lastError: o.message, updatedAt: sql`now()` },
      )
      .where(own)
      .returning({ orderId: transfers.orderId, code: transfers.partnerOrderCode });
    for (const r of rows) {
      if (accepted) counts.sent++;
      else counts.failed++;
      const result = accepted
        ? `Партнёр подтвердил заказ${r.code ? `, код у партнёра ${r.code}` : ""}`
        : `Партнёр отклонил заказ: ${o.message}`;
      logs.push({
        companyId: p.companyId,
        integrationId: p.id,
        orderId: r.orderId,
        kind: "transfer",
        ok: accepted,
        request: `${via}: заказ ${o.number}`,
        result,
      });
    }
  }
  if (logs.length) await tx.insert(syncLog).values(logs);
  return counts;
}

/** A partner's facts on a transfer: what it did not repeat is kept, details are merged key by key. */
export function factsUpdate(o: PartnerFacts) {
  return {
    partnerOrderCode: sql`coalesce(${o.partnerCode ?? null}, ${transfers.partnerOrderCode})`,
    partnerRef: sql`coalesce(${o.partnerRef ?? null}, ${transfers.partnerRef})`,
    partnerDetails: o.details
      ? sql`coalesce(${transfers.partnerDetails}, '{}'::jsonb) || ${JSON.stringify(o.details)}::jsonb`
      : sql`${transfers.partnerDetails}`,
    updatedAt: sql`now()`,
  };
}

/**
 * Asks a partner that accepts asynchronously how its submitted orders ended, for those whose verdict did not come by
 * webhook (lost, or the partner has none). Each is asked again later, less often the longer it waits.
 */
export async function resolveSubmitted(
  db: Database,
  integrationId: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) {
  const p = await loadActivePartner(db, integrationId);
  const resolve = p?.adapter.outbound?.resolve;
  if (!p || !resolve) return { asked: 0, sent: 0, failed: 0, waiting: 0 };
  const claimed = await db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: transfers.id,
        number: transfers.partnerNumber,
        partnerCode: transfers.partnerOrderCode,
        partnerRef: transfers.partnerRef,
      })
      .from(transfers)
      .where(
        and(
          eq(transfers.integrationId, integrationId),
          eq(transfers.state, "submitted"),
          lte(transfers.nextAttemptAt, sql`now()`),
        ),
      )
      .orderBy(transfers.id)
      .limit(100)
      .for("update", { skipLocked: true });
    // Pushed forward before the call, so a parallel worker does not ask the same; waited time doubles the interval.
    if (rows.length) {
      await tx
        .update(transfers)
        .set({
          nextAttemptAt: sql`now() + least(greatest(now() - coalesce(${transfers.sentAt}, now()), ${`${policy.baseDelayMs} milliseconds`}::interval), ${`${policy.maxDelayMs} milliseconds`}::interval)`,
        })
        .where(
          inArray(
            transfers.id,
            rows.map((r) => r.id),
          ),
        );
    }
    return rows;
  });
  if (claimed.length === 0) return { asked: 0, sent: 0, failed: 0, waiting: 0 };
  let outcomes: SendOutcome[];
  try {
    outcomes = (await resolve.call(p.adapter.outbound, p.settings, claimed, p.options)).value;
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    if (e.kind === "auth") await markUnhealthy(db, p.id, p.companyId, e.message);
    await recordSyncState(db, p.id, p.companyId, { lastErrorAt: new Date(), lastError: e.message });
    return { asked: claimed.length, sent: 0, failed: 0, waiting: claimed.length };
  }
  const counts = await db.transaction((tx) => settleSubmitted(tx, p, outcomes, "Запрос результата"));
  await markHealthy(db, p.id, p.companyId);
  return { asked: claimed.length, ...counts };
}

/** Integrations with submitted orders due to be asked about. */
export async function integrationsWithDueResolves(db: Queryable): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: transfers.integrationId })
    .from(transfers)
    .where(and(eq(transfers.state, "submitted"), lte(transfers.nextAttemptAt, sql`now()`)));
  return rows.map((r) => r.id);
}
