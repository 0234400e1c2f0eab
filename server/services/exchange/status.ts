import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { integrationSync, orders, orderStatusHistory, syncLog, transfers } from "@/db/schema";
import { applyStatusEvents, type StatusEvent } from "../orders/lifecycle";
import { statusTitle } from "../orders/statuses";
import { heartbeat, LEASE_MS } from "./lease";
import type { PartnerStatusEvent, StatusSource } from "../../integrators/types";
import { FINAL_STATUSES } from "../orders/statuses";
import { loadActivePartner, markHealthy, markUnhealthy, recordSyncState, type Partner } from "./partner";
import { PartnerError } from "../../integrators/errors";
import { recordPartnerCodes, statusMapper } from "../status-mapping/record";

export interface PollResult {
  events: number;
  /** Time spent waiting for the partner's answer, and applying it here (ms). */
  fetchMs?: number;
  applyMs?: number;
  applied: number;
  unmapped: number;
}

/**
 * Brings partner statuses back from a partner that is asked (a change feed or order by order; webhook-only partners
 * push theirs): records each status in the order's history (source «агент»), and only after that commit acknowledges
 * a feed's batch. A batch applied but not acknowledged comes again and is recognised, so nothing is recorded twice
 * and nothing is lost.
 */
export async function pollPartnerStatuses(db: Database, integrationId: number): Promise<PollResult> {
  const result: PollResult = { events: 0, applied: 0, unmapped: 0 };
  const p = await loadActivePartner(db, integrationId);
  const source = p?.adapter.statusSource;
  if (!p || !source || source.kind === "webhook") return result;
  // One poller per change-feed stream: two would apply the same batch side by side and acknowledge each other's.
  const lease = await PollLease.take(db, p.id, p.companyId);
  if (!lease) return result;
  try {
    return await pollWithLease(db, p, source, result, lease);
  } catch (e) {
    if (e instanceof LeaseLost) return result; // taken over while this worker was silent: the new poller applies it
    throw e;
  } finally {
    await lease.release(db);
  }
}

class LeaseLost extends Error {}

/**
 * The poll lease (`integration_sync.pollLeaseUntil`), short and renewed by a heartbeat while the poll runs. Its exact
 * value is the fencing token: whoever renews or releases must still see the value it wrote last.
 */
class PollLease {
  private constructor(
    private readonly integrationId: number,
    private token: string,
  ) {}

  static async take(db: Database, integrationId: number, companyId: number): Promise<PollLease | null> {
    await db.insert(integrationSync).values({ integrationId, companyId }).onConflictDoNothing();
    const rows = await db.execute<{ token: string }>(sql`
      update integration_sync set poll_lease_until = clock_timestamp() + ${`${LEASE_MS} milliseconds`}::interval
      where integration_id = ${integrationId} and (poll_lease_until is null or poll_lease_until < now())
      returning poll_lease_until::text as token`);
    return rows[0] ? new PollLease(integrationId, rows[0].token) : null;
  }

  /** Extends the lease; throws LeaseLost when another worker holds it now. In a transaction it also locks the row. */
  async renew(db: Queryable): Promise<void> {
    const rows = await db.execute<{ token: string }>(sql`
      update integration_sync set poll_lease_until = clock_timestamp() + ${`${LEASE_MS} milliseconds`}::interval
      where integration_id = ${this.integrationId} and poll_lease_until = ${this.token}::timestamptz
      returning poll_lease_until::text as token`);
    if (!rows[0]) throw new LeaseLost();
    this.token = rows[0].token;
  }

  async release(db: Database): Promise<void> {
    await db.execute(sql`
      update integration_sync set poll_lease_until = null
      where integration_id = ${this.integrationId} and poll_lease_until = ${this.token}::timestamptz`);
  }
}

type AskedSource = Exclude<StatusSource, { kind: "webhook" }>;

/**
 * Orders on their way at a partner asked order by order: sent, not yet final here, and (for a partner that also
 * pushes webhooks) quiet for a while; the longest unasked first, so a thousand at a time still reach every order.
 */
async function ordersToAsk(db: Database, p: Partner, quietMs: number) {
  return db
    .select({
      id: transfers.id,
      number: transfers.partnerNumber,
      partnerCode: transfers.partnerOrderCode,
      partnerRef: transfers.partnerRef,
    })
    .from(transfers)
    .innerJoin(orders, eq(orders.id, transfers.orderId))
    .where(
      and(
        eq(transfers.integrationId, p.id),
        eq(transfers.state, "sent"),
        sql`${orders.status} not in ${sql.raw(`(${[...FINAL_STATUSES].map((f) => `'${f}'`).join(", ")})`)}`,
        // Older orders are asked less often: the quiet time grows by itself each day on the way, up to 8 times.
        quietMs > 0
          ? sql`coalesce(${transfers.statusCheckedAt}, ${transfers.sentAt}, 'epoch') < now() - ${`${quietMs} milliseconds`}::interval
              * least(8, 1 + floor(extract(epoch from now() - coalesce(${transfers.sentAt}, now())) / 86400))`
          : undefined,
      ),
    )
    .orderBy(sql`${transfers.statusCheckedAt} asc nulls first`, transfers.id)
    .limit(1000);
}

async function fetchEvents(db: Database, p: Partner, source: AskedSource) {
  if (source.kind === "feed") return { ...(await source.pollChanges(p.settings, p.options)), asked: [] as number[] };
  const asked = await ordersToAsk(db, p, source.quietMs?.(p.settings) ?? 0);
  const res = asked.length
    ? await source.pollOrders(p.settings, asked, p.options)
    : { value: [], request: "", response: "" };
  return { ...res, acknowledge: async () => {}, asked: asked.map((a) => a.id) };
}

async function pollWithLease(
  db: Database,
  p: Partner,
  source: AskedSource,
  result: PollResult,
  lease: PollLease,
): Promise<PollResult> {
  let feed;
  const fetchStarted = Date.now();
  const beat = heartbeat(() => lease.renew(db));
  try {
    feed = await fetchEvents(db, p, source);
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    if (e.kind === "auth") await markUnhealthy(db, p.id, p.companyId, e.message);
    await recordPoll(db, p.id, p.companyId, source.describe, e.message, fetchStarted);
    return result;
  } finally {
    // Stopped before the apply below renews the lease itself: a beat racing it would change the token under it.
    await beat.stop();
  }
  result.events = feed.value.length;
  result.fetchMs = Date.now() - fetchStarted;
  const applyStarted = Date.now();

  await db.transaction(async (tx) => {
    const applied = await applyPartnerEvents(tx, p, feed.value, source.describe);
    if (feed.asked.length)
      await tx
        .update(transfers)
        .set({ statusCheckedAt: sql`now()` })
        .where(inArray(transfers.id, feed.asked));
    // Still ours, and locked until commit: a worker that took over meanwhile applies this batch instead, never both.
    // Taken last, after the transfers' rows, in the order a hand-over's settlement locks them (else they deadlock).
    await lease.renew(tx);
    result.applied += applied.applied;
    result.unmapped += applied.unmapped;
  });

  result.applyMs = Date.now() - applyStarted;
  try {
    await feed.acknowledge();
    await recordPoll(db, p.id, p.companyId, source.describe, null, fetchStarted);
    await markHealthy(db, p.id, p.companyId);
  } catch (e) {
    // Not acknowledged: the partner sends the same changes again, and agentHistory() recognises them.
    if (!(e instanceof PartnerError)) throw e;
    await recordPoll(
      db,
      p.id,
      p.companyId,
      source.describe,
      `Статусы получены, но подтверждение не прошло: ${e.message}`,
      fetchStarted,
    );
  }
  return result;
}

/**
 * Records statuses a partner reported (by poll or webhook) in its orders' histories, through the lifecycle, and
 * recognises repeats; the partner's code of an order is kept on its transfer.
 */
export async function applyPartnerEvents(tx: Tx, p: Partner, feed: PartnerStatusEvent[], label: string) {
  const result = { applied: 0, unmapped: 0 };
  const numbers = [...new Set(feed.map((e) => e.number))];
  const known = numbers.length
    ? await tx
        .select({
          transferId: transfers.id,
          number: transfers.partnerNumber,
          orderId: transfers.orderId,
          partnerCode: transfers.partnerOrderCode,
          status: orders.status,
        })
        .from(transfers)
        .innerJoin(orders, eq(orders.id, transfers.orderId))
        .where(
          and(
            eq(transfers.integrationId, p.id),
            eq(transfers.companyId, p.companyId),
            inArray(transfers.partnerNumber, numbers),
          ),
        )
    : [];
  const byNumber = new Map(known.map((k) => [k.number, { ...k, codeChanged: false }]));
  await recordPartnerNews(tx, p, feed, known);
  const recorded = await agentHistory(
    tx,
    known.map((k) => k.orderId),
  );
  const logs: (typeof syncLog.$inferInsert)[] = [];
  const events: StatusEvent[] = [];
  const partnerCodes: string[] = [];
  // The company's own reading of the codes before the adapter's table; unmapped events wait for a mapping.
  const mapStatus = await statusMapper(tx, p, known.length ? feed.map((e) => e.code) : []);
  const unmapped: { orderId: number; event: PartnerStatusEvent }[] = [];

  // In event order, so the order's final state follows the partner's own sequence.
  const sorted = [...feed].sort((x, y) => (x.eventTime?.getTime() ?? 0) - (y.eventTime?.getTime() ?? 0));
  for (const ev of sorted) {
    const order = byNumber.get(ev.number);
    if (!order) continue; // an order of this account that we did not send (e.g. created in the partner's cabinet)
    const mapped = mapStatus(ev.code);
    if (!mapped) {
      result.unmapped++;
      unmapped.push({ orderId: order.orderId, event: ev });
      logs.push({
        companyId: p.companyId,
        integrationId: p.id,
        orderId: order.orderId,
        kind: "status",
        ok: false,
        request: label,
        result: `Неизвестный статус партнёра «${ev.code}»${ev.title ? ` (${ev.title})` : ""}: не сопоставлен, заказ не изменён (Интеграция → Статусы партнёров)`,
      });
      continue;
    }
    // Nothing new for us: the partner reports what the order already is (its NEW on arrival, the CANCELED we asked for).
    if (mapped === order.status) continue;
    const seen = recorded.get(order.orderId) ?? { keys: new Set<string>(), last: undefined };
    const key = `${mapped}|${ev.eventTime?.getTime() ?? ""}`;
    // A batch applied but not acknowledged comes again: an event time identifies a repeat; without one, the same
    // status as the partner's last one does.
    if (ev.eventTime ? seen.keys.has(key) : seen.last === mapped) continue;
    seen.keys.add(key);
    seen.last = mapped;
    recorded.set(order.orderId, seen);

    const titled = ev.title && ev.title !== statusTitle(mapped) ? `Партнёр: ${ev.title}` : null;
    const comment = [titled, ev.comment?.trim() || null].filter(Boolean).join(" — ") || null;
    events.push({
      orderId: order.orderId,
      status: mapped,
      eventTime: ev.eventTime ?? new Date(),
      source: "agent",
      comment,
    });
    partnerCodes.push(ev.code);
    if (ev.partnerCode && !order.partnerCode) {
      order.partnerCode = ev.partnerCode;
      order.codeChanged = true;
    }
  }

  // The lifecycle decides what becomes current (a final status is never reopened), set-based for thousands of changes.
  const outcomes = await applyStatusEvents(tx, p.companyId, events);
  outcomes.forEach((o, i) => {
    result.applied++;
    const kept =
      o.replaced || o.status === o.current
        ? ""
        : " (записан в историю; заказ уже в финальном статусе и не переоткрывается)";
    logs.push({
      companyId: p.companyId,
      integrationId: p.id,
      orderId: o.orderId,
      kind: "status",
      ok: true,
      request: label,
      result: `Статус партнёра ${partnerCodes[i]} → ${statusTitle(o.status)}${kept}`,
    });
  });
  await recordPartnerCodes(
    tx,
    p,
    feed.filter((e) => byNumber.has(e.number)),
    unmapped,
  );
  const coded = [...byNumber.values()].filter((o) => o.codeChanged);
  if (coded.length) {
    const rows = JSON.stringify(coded.map((o) => ({ id: o.transferId, code: o.partnerCode })));
    await tx.execute(sql`
        update transfers t set partner_order_code = v.code, updated_at = now()
        from jsonb_to_recordset(${rows}::jsonb) as v(id bigint, code text) where t.id = v.id and t.state <> 'sending'`);
  }
  for (let i = 0; i < logs.length; i += 2000) await tx.insert(syncLog).values(logs.slice(i, i + 2000));
  return result;
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Every order the partner spoke about counts as checked now; facts that came with a status are kept. A transfer a
 * worker is still settling is left to it (its row is that worker's until it commits).
 */
async function recordPartnerNews(
  tx: Tx,
  p: Partner,
  feed: PartnerStatusEvent[],
  known: { transferId: number; number: string }[],
) {
  if (known.length === 0) return;
  const details = new Map<string, Record<string, unknown>>();
  for (const ev of feed) if (ev.details) details.set(ev.number, { ...details.get(ev.number), ...ev.details });
  const rows = JSON.stringify(known.map((k) => ({ id: k.transferId, details: details.get(k.number) ?? null })));
  await tx.execute(sql`
    update transfers t set status_checked_at = now(),
      partner_details = case when v.details is null then t.partner_details
        else coalesce(t.partner_details, '{}'::jsonb) || v.details end
    from jsonb_to_recordset(${rows}::jsonb) as v(id bigint, details jsonb)
    where t.id = v.id and t.integration_id = ${p.id} and t.state <> 'sending'`);
}

/** What the partner already told us about these orders: (status, event time) pairs and its latest status per order. */
async function agentHistory(tx: Tx, orderIds: number[]) {
  const out = new Map<number, { keys: Set<string>; last: string | undefined }>();
  if (orderIds.length === 0) return out;
  const rows = await tx
    .select({
      orderId: orderStatusHistory.orderId,
      status: orderStatusHistory.status,
      eventTime: orderStatusHistory.eventTime,
    })
    .from(orderStatusHistory)
    .where(and(inArray(orderStatusHistory.orderId, orderIds), eq(orderStatusHistory.source, "agent")))
    .orderBy(orderStatusHistory.id);
  for (const r of rows) {
    const e = out.get(r.orderId) ?? { keys: new Set<string>(), last: undefined };
    e.keys.add(`${r.status}|${r.eventTime.getTime()}`);
    e.last = r.status;
    out.set(r.orderId, e);
  }
  return out;
}

/** `lastPollAt` is the poll's start, so polls keep their cadence however long each takes. */
async function recordPoll(
  db: Database,
  integrationId: number,
  companyId: number,
  label: string,
  error: string | null,
  startedAtMs: number,
) {
  const now = new Date(startedAtMs);
  if (error)
    await db
      .insert(syncLog)
      .values({ companyId, integrationId, orderId: null, kind: "status", ok: false, request: label, result: error });
  if (error) {
    const failed = { lastPollAt: now, lastErrorAt: now, lastError: error };
    await recordSyncState(
      db,
      integrationId,
      companyId,
      { ...failed, pollFailures: 1 },
      { ...failed, pollFailures: sql`${integrationSync.pollFailures} + 1` },
    );
  } else {
    await recordSyncState(db, integrationId, companyId, { lastPollAt: now, lastSuccessAt: now, pollFailures: 0 });
  }
}
