import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { integrationSync, orders, orderStatusHistory, syncLog, transfers } from "@/db/schema";
import { statusTitle } from "../services/orders/statuses";
import { loadPartner, markUnhealthy, type Partner } from "./partner";
import { FINAL_STATUSES } from "../services/orders/statuses";
import { PartnerError, statusMayReplace } from "./policy";

export interface PollResult {
  events: number;
  applied: number;
  unmapped: number;
}

/**
 * Brings partner statuses back: reads the partner's change feed, records each status in the order's history
 * (source «агент»), and only after that commit acknowledges the batch. A batch applied but not acknowledged
 * comes again and is recognised, so nothing is recorded twice and nothing is lost.
 */
export async function pollPartnerStatuses(db: Database, integrationId: number): Promise<PollResult> {
  const result: PollResult = { events: 0, applied: 0, unmapped: 0 };
  let partner;
  try {
    partner = await loadPartner(db, integrationId);
  } catch (e) {
    if (e instanceof PartnerError) return result;
    throw e;
  }
  if (!partner || !partner.enabled) return result;
  const p = partner;
  // One poller per change-feed stream: two would apply the same batch side by side and acknowledge each other's.
  if (!(await takePollLease(db, p.id, p.companyId))) return result;
  try {
    return await pollWithLease(db, p, result);
  } finally {
    await db.update(integrationSync).set({ pollLeaseUntil: null }).where(eq(integrationSync.integrationId, p.id));
  }
}

async function takePollLease(db: Database, integrationId: number, companyId: number): Promise<boolean> {
  await db.insert(integrationSync).values({ integrationId, companyId }).onConflictDoNothing();
  const rows = await db
    .update(integrationSync)
    .set({ pollLeaseUntil: sql`now() + interval '2 minutes'` })
    .where(and(eq(integrationSync.integrationId, integrationId), or(isNull(integrationSync.pollLeaseUntil), lt(integrationSync.pollLeaseUntil, sql`now()`))))
    .returning({ id: integrationSync.integrationId });
  return rows.length > 0;
}

async function pollWithLease(db: Database, p: Partner, result: PollResult): Promise<PollResult> {
  let feed;
  try {
    feed = await p.exchange.pollChanges(p.settings, p.streamId, p.options);
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    if (e.kind === "auth") await markUnhealthy(db, p.id, p.companyId, e.message);
    await recordPoll(db, p.id, p.companyId, e.message);
    return result;
  }
  result.events = feed.value.length;

  await db.transaction(async (tx) => {
    const numbers = [...new Set(feed.value.map((e) => e.number))];
    const known = numbers.length
      ? await tx
          .select({ transferId: transfers.id, number: transfers.partnerNumber, orderId: transfers.orderId, partnerCode: transfers.partnerOrderCode, status: orders.status })
          .from(transfers)
          .innerJoin(orders, eq(orders.id, transfers.orderId))
          .where(and(eq(transfers.integrationId, p.id), eq(transfers.companyId, p.companyId), inArray(transfers.partnerNumber, numbers)))
      : [];
    const byNumber = new Map(known.map((k) => [k.number, k]));
    const logs: (typeof syncLog.$inferInsert)[] = [];

    for (const ev of feed.value) {
      const order = byNumber.get(ev.number);
      if (!order) continue; // an order of this account that we did not send (e.g. created in the partner's cabinet)
      const mapped = p.adapter.mapStatus(ev.code);
      if (!mapped) {
        result.unmapped++;
        logs.push({ companyId: p.companyId, integrationId: p.id, orderId: order.orderId, kind: "status", ok: false, request: "statusreq changes=ONLY_LAST", result: `Неизвестный статус партнёра «${ev.code}»${ev.title ? ` (${ev.title})` : ""}: не сопоставлен, заказ не изменён` });
        continue;
      }
      const eventTime = ev.eventTime ?? new Date();
      // Nothing new for us: the partner reports what the order already is (its NEW on arrival, the CANCELED we asked for).
      if (mapped === order.status) continue;
      if (await alreadyRecorded(tx, order.orderId, mapped, ev.eventTime)) continue;
      await tx.insert(orderStatusHistory).values({
        orderId: order.orderId,
        companyId: p.companyId,
        status: mapped,
        eventTime,
        source: "agent",
        comment: ev.title && ev.title !== statusTitle(mapped) ? `Партнёр: ${ev.title}` : null,
      });
      const reopensFinal = FINAL_STATUSES.has(order.status) && !FINAL_STATUSES.has(mapped);
      const replaces = statusMayReplace(order.status, mapped);
      if (replaces) {
        await tx.update(orders).set({ status: mapped, statusAt: eventTime, updatedAt: sql`now()` }).where(and(eq(orders.id, order.orderId), eq(orders.companyId, p.companyId)));
        order.status = mapped;
      }
      if (ev.partnerCode && !order.partnerCode) {
        await tx.update(transfers).set({ partnerOrderCode: ev.partnerCode, updatedAt: sql`now()` }).where(eq(transfers.id, order.transferId));
        order.partnerCode = ev.partnerCode;
      }
      result.applied++;
      logs.push({
        companyId: p.companyId,
        integrationId: p.id,
        orderId: order.orderId,
        kind: "status",
        ok: true,
        request: "statusreq changes=ONLY_LAST",
        result: `Статус партнёра ${ev.code} → ${statusTitle(mapped)}${reopensFinal ? " (записан в историю; заказ уже в финальном статусе и не переоткрывается)" : ""}`,
      });
    }
    if (logs.length) await tx.insert(syncLog).values(logs);
  });

  try {
    await feed.acknowledge();
    await recordPoll(db, p.id, p.companyId, null);
  } catch (e) {
    // Not acknowledged: the partner sends the same changes again, and alreadyRecorded() skips them.
    if (!(e instanceof PartnerError)) throw e;
    await recordPoll(db, p.id, p.companyId, `Статусы получены, но подтверждение не прошло: ${e.message}`);
  }
  return result;
}

async function alreadyRecorded(tx: Parameters<Parameters<Database["transaction"]>[0]>[0], orderId: number, status: string, eventTime: Date | undefined) {
  const where = [eq(orderStatusHistory.orderId, orderId), eq(orderStatusHistory.source, "agent")];
  if (eventTime) {
    const [row] = await tx
      .select({ id: orderStatusHistory.id })
      .from(orderStatusHistory)
      .where(and(...where, eq(orderStatusHistory.status, status), eq(orderStatusHistory.eventTime, eventTime)))
      .limit(1);
    return !!row;
  }
  // Without an event time, a repeat is the same status as the partner's last one.
  const [last] = await tx.select({ status: orderStatusHistory.status }).from(orderStatusHistory).where(and(...where)).orderBy(desc(orderStatusHistory.id)).limit(1);
  return last?.status === status;
}

async function recordPoll(db: Database, integrationId: number, companyId: number, error: string | null) {
  const now = new Date();
  if (error) await db.insert(syncLog).values({ companyId, integrationId, orderId: null, kind: "status", ok: false, request: "statusreq changes=ONLY_LAST", result: error });
  const set = error ? { lastPollAt: now, lastErrorAt: now, lastError: error, pollFailures: sql`${integrationSync.pollFailures} + 1` } : { lastPollAt: now, lastSuccessAt: now, pollFailures: 0 };
  await db
    .insert(integrationSync)
    .values({ integrationId, companyId, ...(error ? { lastPollAt: now, lastErrorAt: now, lastError: error, pollFailures: 1 } : { lastPollAt: now, lastSuccessAt: now }) })
    .onConflictDoUpdate({ target: integrationSync.integrationId, set });
}
