import { and, asc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { hookDeliveries, integrations, orders, transfers } from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import type { PartnerStatusEvent, SendOutcome } from "../../integrators/types";
import { importShopOrdersById, pullShopOrders } from "./inbound";
import { loadActivePartner, loadPartner, type Partner } from "./partner";
import { settleSubmitted } from "./resolve";
import { statusMapper } from "../status-mapping/record";
import { applyPartnerEvents } from "./status";

export const HOOK_CHANNEL = "kh_hooks";
/** A delivery that failed this often is left with its error instead of blocking the ones behind it. */
const MAX_HOOK_ATTEMPTS = 5;

export interface HookRequest {
  integrator: string;
  /** The integration's hook key from the address: unguessable, so the address itself is a credential. */
  key: string;
  headers: Headers;
  body: string;
}

export interface HookAnswer {
  status: number;
  message: string;
}

/**
 * One webhook delivery: the integration found by its key, the delivery verified by the integrator's adapter, stored
 * once (a redelivery repeats the partner's delivery id and changes nothing) and worked off by the worker, so the
 * partner gets its answer at once.
 */
export async function receiveHook(db: Database, req: HookRequest): Promise<HookAnswer> {
  const notFound = { status: 404, message: "Адрес уведомлений не найден" };
  if (!/^[0-9a-f]{64}$/.test(req.key)) return notFound;
  const [row] = await db
    .select({ id: integrations.id, integrator: integrations.integrator })
    .from(integrations)
    .where(eq(integrations.hookKey, req.key));
  if (!row || row.integrator !== req.integrator) return notFound;
  let partner;
  try {
    partner = await loadPartner(db, row.id);
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    // Settings that cannot be used cannot verify either: the partner is asked to deliver again later.
    return { status: 503, message: "Интеграция не настроена, уведомление не принято" };
  }
  const receiver = partner?.adapter.webhook;
  if (!partner || !receiver) return notFound;
  if (!receiver.verify(partner.settings, { headers: req.headers, body: req.body })) {
    return { status: 401, message: "Подпись уведомления не подтверждена" };
  }
  const parsed = receiver.parse(req.body);
  if (!parsed) return { status: 400, message: "Уведомление не разобрано" };
  await db.transaction(async (tx) => {
    const stored = await tx
      .insert(hookDeliveries)
      .values({ companyId: partner.companyId, integrationId: partner.id, deliveryKey: parsed.id, body: req.body })
      .onConflictDoNothing({ target: [hookDeliveries.integrationId, hookDeliveries.deliveryKey] })
      .returning({ id: hookDeliveries.id });
    if (stored.length) await tx.execute(sql`select pg_notify(${HOOK_CHANNEL}, ${String(partner.id)})`);
  });
  return { status: 200, message: "Принято" };
}

/** Orders of one batch of deliveries read back one by one; more than this and the shop is read page-wise instead. */
const REREAD_MAX = 5;

/** The poller's read after a burst of shop webhooks; if it fails, the clock's next poll catches up. */
async function pullAfterBurst(db: Database, integrationId: number) {
  try {
    await pullShopOrders(db, integrationId);
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    console.warn(`Заказы магазина после пачки уведомлений не прочитаны (интеграция ${integrationId}): ${e.message}`);
  }
}

/**
 * Works off an integration's stored deliveries in arrival order: verdicts on submitted orders first, then statuses,
 * through the same paths as a poll. A switched-off integration's deliveries wait for it.
 */
export async function processHookDeliveries(db: Database, integrationId: number): Promise<number> {
  const p = await loadActivePartner(db, integrationId);
  const receiver = p?.adapter.webhook;
  if (!p || !receiver) return 0;
  let processed = 0;
  let wakePoller = false;
  for (;;) {
    let ids: number[] = [];
    try {
      const n = await db.transaction(async (tx) => {
        const rows = await tx
          .select({ id: hookDeliveries.id, body: hookDeliveries.body })
          .from(hookDeliveries)
          .where(
            and(
              eq(hookDeliveries.integrationId, integrationId),
              isNull(hookDeliveries.processedAt),
              lt(hookDeliveries.attempts, MAX_HOOK_ATTEMPTS),
            ),
          )
          .orderBy(asc(hookDeliveries.id))
          .limit(100)
          .for("update", { skipLocked: true });
        ids = rows.map((r) => r.id);
        if (rows.length === 0) return 0;
        const verdicts: SendOutcome[] = [];
        const statuses: PartnerStatusEvent[] = [];
        const rechecks = new Map<number, string[]>();
        const claims = new Map<string, string | undefined>();
        const inbound: string[] = [];
        for (const r of rows) {
          for (const ev of receiver.parse(r.body)?.events ?? []) {
            if (ev.kind === "resolved") verdicts.push(ev.outcome);
            else if (ev.kind === "inbound") inbound.push(ev.partnerOrderId);
            else if (ev.kind === "recheck") {
              rechecks.set(r.id, [...(rechecks.get(r.id) ?? []), ev.partnerRef]);
              // Of several notifications about one order, any that claims news makes it read back.
              const before = claims.get(ev.partnerRef);
              claims.set(
                ev.partnerRef,
                claims.has(ev.partnerRef) && before !== ev.claimedCode ? undefined : ev.claimedCode,
              );
            } else statuses.push(ev.event);
          }
        }
        if (verdicts.length) await settleSubmitted(tx, p, verdicts, "Уведомление партнёра");
        let early = new Set<string>();
        if (rechecks.size) {
          const read = await readBack(tx, p, claims);
          statuses.push(...read.events);
          early = read.stillSending;
        }
        if (statuses.length) await applyPartnerEvents(tx, p, statuses, "Уведомление партнёра");
        // A few named orders are read back one by one; a burst wakes the poller instead, which reads a hundred a call.
        if (inbound.length > REREAD_MAX) wakePoller = true;
        else if (inbound.length) await importShopOrdersById(tx, p.id, inbound);
        // A notification about an order whose batch has not settled yet is worked off again on the next run.
        const done = rows.filter((r) => !(rechecks.get(r.id) ?? []).some((ref) => early.has(ref))).map((r) => r.id);
        if (done.length)
          await tx
            .update(hookDeliveries)
            .set({ processedAt: sql`now()` })
            .where(inArray(hookDeliveries.id, done));
        return done.length;
      });
      if (n === 0) {
        if (wakePoller) await pullAfterBurst(db, integrationId);
        return processed;
      }
      processed += n;
    } catch (e) {
      await countFailure(db, ids, e);
      throw e;
    }
  }
}

/**
 * A webhook that only says «this order changed» is not trusted as such: the order is read back from the partner.
 * A verdict still awaited is settled; the order's statuses come back as a poll would bring them.
 */
async function readBack(
  tx: Tx,
  p: Partner,
  claims: Map<string, string | undefined>,
): Promise<{ events: PartnerStatusEvent[]; stillSending: Set<string> }> {
  const rows = await tx
    .select({
      number: transfers.partnerNumber,
      partnerCode: transfers.partnerOrderCode,
      partnerRef: transfers.partnerRef,
      state: transfers.state,
      orderStatus: orders.status,
    })
    .from(transfers)
    .innerJoin(orders, eq(orders.id, transfers.orderId))
    .where(and(eq(transfers.integrationId, p.id), inArray(transfers.partnerRef, [...claims.keys()])));
  // Named by the partner during a send whose batch is still being settled: not yet ours to settle.
  const stillSending = new Set(rows.filter((r) => r.state === "sending").map((r) => r.partnerRef!));
  const waiting = rows.filter((r) => r.state === "submitted");
  const resolve = p.adapter.outbound?.resolve;
  if (waiting.length && resolve) {
    const outcomes = (await resolve.call(p.adapter.outbound, p.settings, waiting, p.options)).value;
    await settleSubmitted(tx, p, outcomes, "Уведомление партнёра, заказ перечитан");
  }
  // Just confirmed orders were read a moment ago: their statuses come with the partner's next notification or poll.
  const source = p.adapter.statusSource;
  // Claims are read as the company reads the code (its overrides first), like the statuses themselves.
  const mapStatus = await statusMapper(
    tx,
    p,
    [...claims.values()].filter((c) => c !== undefined),
  );
  const news = (r: (typeof rows)[number]) => {
    const claimed = claims.get(r.partnerRef!);
    return claimed === undefined || mapStatus(claimed) !== r.orderStatus;
  };
  const sent = rows.filter((r) => r.state === "sent" && news(r));
  if (!sent.length || source?.kind !== "poll") return { events: [], stillSending };
  return { events: (await source.pollOrders(p.settings, sent, p.options)).value, stillSending };
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

async function countFailure(db: Queryable, ids: number[], e: unknown) {
  if (ids.length === 0) return;
  const message = e instanceof Error ? e.message.slice(0, 500) : String(e);
  await db
    .update(hookDeliveries)
    .set({ attempts: sql`${hookDeliveries.attempts} + 1`, lastError: message })
    .where(inArray(hookDeliveries.id, ids))
    .catch(() => {});
}

/** Integrations with deliveries not yet worked off: what the clock wakes when a notification was missed. */
export async function integrationsWithDueHooks(db: Queryable): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: hookDeliveries.integrationId })
    .from(hookDeliveries)
    .where(and(isNull(hookDeliveries.processedAt), lt(hookDeliveries.attempts, MAX_HOOK_ATTEMPTS)));
  return rows.map((r) => r.id);
}
