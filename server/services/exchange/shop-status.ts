import { and, asc, eq, isNotNull, lte, or, sql, isNull } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { companies, inboundOrders, integrations, integrationSync, orders, syncLog } from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import { getIntegrator } from "../../integrators/registry";
import type { StatusBackItem } from "../../integrators/types";
import { FINAL_STATUSES } from "../orders/statuses";
import { trackingUrl } from "../tracking";
import { loadActivePartner, markHealthy, markUnhealthy, recordSyncState } from "./partner";

/** Orders per transaction and transactions per run: a backlog is worked off over several runs. */
const BATCH = 50;
const MAX_BATCHES = 20;
/** Back-off of one order's failed write-back: 1 min, doubling, at most an hour. */
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 60 * 60_000;

export interface StatusBackFigures {
  pushed: number;
  /** Our status has no shop status in the client's mapping: passed over, nothing sent. */
  unmapped: number;
  failed: number;
}

const FINAL_LIST = sql.raw([...FINAL_STATUSES].map((s) => `'${s}'`).join(", "));

/**
 * An imported order whose status here differs from the one last written back, and not waiting out a back-off. The
 * first clause is the partial index's own predicate (inbound_orders_push_open_idx): only moving orders are joined.
 */
const due = (now: Date) =>
  and(
    sql`${inboundOrders.orderId} is not null and coalesce(${inboundOrders.pushedStatus}, '') not in (${FINAL_LIST})`,
    sql`${inboundOrders.pushedStatus} is distinct from ${orders.status}`,
    or(isNull(inboundOrders.pushNextAt), lte(inboundOrders.pushNextAt, now)),
  );

/** The switched-on shop integrations with a status to write back now: what the clock queues `sync-shop-status` for. */
export async function integrationsWithDueStatusBack(db: Queryable, now = new Date()): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: integrations.id, integrator: integrations.integrator })
    .from(inboundOrders)
    .innerJoin(orders, eq(orders.id, inboundOrders.orderId))
    .innerJoin(integrations, eq(integrations.id, inboundOrders.integrationId))
    .where(and(eq(integrations.enabled, true), eq(integrations.ownerKind, "client"), due(now)));
  return rows.filter((r) => getIntegrator(r.integrator)?.statusBack).map((r) => r.id);
}

/** The public tracking page of the order (`/t/<extra>/<number>`), or the bare track when there is no public address. */
function trackLinkOf(extra: number | null, track: string): string {
  return (extra !== null && trackingUrl(extra, track)) || track;
}

type DueRow = {
  id: number;
  orderId: number;
  partnerOrderId: string;
  attempts: number;
  status: string;
  statusAt: Date;
  number: string;
  barcode: string | null;
};

type Outcome =
  | { ok: true; pushed: boolean; shopUpdatedAt?: string | null; request: string; response: string }
  | {
      ok: false;
      error: PartnerError;
    };

function itemOf(r: DueRow, extra: number | null): StatusBackItem {
  const track = r.barcode?.trim() || r.number;
  return {
    partnerOrderId: r.partnerOrderId,
    orderId: r.orderId,
    at: r.statusAt,
    status: r.status,
    track,
    trackLink: trackLinkOf(extra, track),
  };
}

/**
 * Writes the status of every imported order that changed here (cabinet, XML API, partner statuses alike: the outbox
 * is the difference between orders.status and inbound_orders.pushed_status) back to its shop, in batches (one call
 * per batch where the partner takes many, else one per order). A failure backs the order off and is shown on the row
 * and the integration; the shop's rate limit or a refused password ends the run, the rest waits for the next one.
 */
export async function pushShopStatuses(db: Database, integrationId: number, now = new Date()) {
  const figures: StatusBackFigures = { pushed: 0, unmapped: 0, failed: 0 };
  const p = await loadActivePartner(db, integrationId);
  const back = p?.adapter.statusBack;
  if (!p || !back || p.ownerKind !== "client") return figures;
  const batchSize = back.pushBatch ? (back.batchSize ?? BATCH) : BATCH;
  const [company] = await db
    .select({ extra: companies.extraCode })
    .from(companies)
    .where(eq(companies.id, p.companyId));
  const extra = company?.extra ?? null;
  let stop = false;
  for (let batch = 0; batch < MAX_BATCHES && !stop; batch++) {
    const done = await db.transaction(async (tx) => {
      // One writer per integration (the job is a singleton, tests and a late clock tick are not).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('shop_status_push'), ${integrationId})`);
      const [sync] = await tx
        .select({ state: integrationSync.partnerState })
        .from(integrationSync)
        .where(eq(integrationSync.integrationId, integrationId));
      let state: Record<string, unknown> = sync?.state ?? {};
      const rows: DueRow[] = await tx
        .select({
          id: inboundOrders.id,
          orderId: orders.id,
          partnerOrderId: inboundOrders.partnerOrderId,
          attempts: inboundOrders.pushAttempts,
          status: orders.status,
          statusAt: orders.statusAt,
          number: orders.number,
          barcode: orders.barcode,
        })
        .from(inboundOrders)
        .innerJoin(orders, eq(orders.id, inboundOrders.orderId))
        .where(and(eq(inboundOrders.integrationId, integrationId), isNotNull(inboundOrders.orderId), due(now)))
        .orderBy(asc(inboundOrders.id))
        .limit(batchSize)
        .for("update", { of: inboundOrders, skipLocked: true });

      /** One order's write-back, one at a time (with what the adapter made at the shop remembered). */
      const pushOne = async (r: DueRow): Promise<Outcome> => {
        try {
          const res = await back.push(p.settings, state, itemOf(r, extra), p.options);
          if (res.statePatch) {
            state = { ...state, ...res.statePatch };
            const value = JSON.stringify(res.statePatch);
            await recordSyncState(
              tx,
              integrationId,
              p.companyId,
              { partnerState: res.statePatch },
              { partnerState: sql`coalesce(${integrationSync.partnerState}, '{}'::jsonb) || ${value}::jsonb` },
            );
          }
          return { ok: true, ...res.value, request: res.request, response: res.response };
        } catch (e) {
          if (!(e instanceof PartnerError)) throw e;
          return { ok: false, error: e };
        }
      };

      const started = Date.now();
      const outcomes = new Map<number, Outcome>();
      if (back.pushBatch && rows.length > 1) {
        try {
          const res = await back.pushBatch(
            p.settings,
            rows.map((r) => itemOf(r, extra)),
            p.options,
          );
          rows.forEach((r, i) =>
            outcomes.set(r.id, {
              ok: true,
              pushed: res.value.pushed[i] ?? false,
              request: res.request,
              response: res.response,
            }),
          );
        } catch (e) {
          if (!(e instanceof PartnerError)) throw e;
          // A batch refused as a whole: each order alone, so one bad order does not hold back the rest.
          if (e.kind !== "rejected") for (const r of rows) outcomes.set(r.id, { ok: false, error: e });
        }
      }
      for (const r of rows) {
        const outcome = outcomes.get(r.id) ?? (await pushOne(r));
        if (outcome.ok) {
          const pushed = outcome.pushed;
          if (pushed) figures.pushed++;
          else figures.unmapped++;
          await tx
            .update(inboundOrders)
            .set({
              pushedStatus: r.status,
              pushAttempts: 0,
              pushNextAt: null,
              pushError: null,
              ...(pushed ? { pushedAt: new Date() } : {}),
              // The shop's version our own write made: its webhook and the poller then see nothing new to import.
              ...(outcome.shopUpdatedAt ? { shopUpdatedAt: outcome.shopUpdatedAt } : {}),
              updatedAt: new Date(),
            })
            .where(eq(inboundOrders.id, r.id));
          if (pushed)
            await tx.insert(syncLog).values({
              companyId: p.companyId,
              integrationId,
              orderId: r.orderId,
              kind: "status",
              ok: true,
              request: outcome.request.slice(0, 2000),
              result: outcome.response,
              durationMs: Date.now() - started,
            });
          continue;
        }
        const e = outcome.error;
        figures.failed++;
        const attempts = r.attempts + 1;
        const delay = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
        const reason = `Статус не передан в магазин: ${e.message}`;
        await tx
          .update(inboundOrders)
          .set({
            pushAttempts: attempts,
            pushNextAt: new Date(now.getTime() + delay),
            pushError: reason,
            updatedAt: new Date(),
          })
          .where(eq(inboundOrders.id, r.id));
        await tx.insert(syncLog).values({
          companyId: p.companyId,
          integrationId,
          orderId: r.orderId,
          kind: "status",
          ok: false,
          request: `статус ${r.status} → магазин, заказ ${r.partnerOrderId}`,
          result: e.message,
          durationMs: Date.now() - started,
        });
        await recordSyncState(tx, integrationId, p.companyId, { lastErrorAt: new Date(), lastError: reason });
        if (e.kind === "auth") await markUnhealthy(tx, integrationId, p.companyId, e.message);
        // The shop is out of requests or refuses us: the next order would fare the same (a failed batch is all
        // recorded above, each order backed off).
        if (e.kind !== "rejected" && !outcomes.has(r.id)) {
          stop = true;
          break;
        }
        if (e.kind !== "rejected") stop = true;
      }
      return rows.length < batchSize;
    });
    if (done) break;
  }
  if (figures.pushed > 0 && !stop) {
    await recordSyncState(db, integrationId, p.companyId, { lastSuccessAt: new Date() });
    await markHealthy(db, integrationId, p.companyId);
  }
  return figures;
}
