import { and, eq, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { inboundOrders, integrations, integrationSync } from "@/db/schema";
import { getIntegrator } from "../../integrators/registry";
import type { InboundOrder } from "../../integrators/types";
import type { Actor } from "../context";
import { ServiceError, ValidationError, type FieldErrors } from "../errors";
import { createOrdersBatch } from "../orders/create-batch";
import { cancelOrder } from "../orders/lifecycle";
import { editApiOrder } from "../orders/update";
import { PartnerError } from "../../integrators/errors";
import { loadActivePartner, markHealthy, markUnhealthy, recordSyncState, type Partner } from "./partner";

/** Pages read in one run at most: a shop with a backlog is worked off over several runs, the cursor kept between. */
const MAX_PAGES_PER_RUN = 50;

export interface InboundFigures {
  pages: number;
  seen: number;
  imported: number;
  updated: number;
  cancelled: number;
  held: number;
}

const empty = (): InboundFigures => ({ pages: 0, seen: 0, imported: 0, updated: 0, cancelled: 0, held: 0 });

/** A client-owned integration that brings orders in, or null (switched off, unusable settings, no `inbound`). */
async function inboundPartner(db: Queryable, integrationId: number) {
  const p = await loadActivePartner(db, integrationId);
  if (!p?.adapter.inbound || p.ownerKind !== "client" || !p.clientId) return null;
  return { p, inbound: p.adapter.inbound, clientId: p.clientId };
}

/** One import at a time per integration (the poller and webhooks overlap), held until the transaction ends. */
async function lockIntegration(tx: Queryable, integrationId: number) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('inbound_orders'), ${integrationId})`);
}

/**
 * Reads the shop's orders changed since the stored cursor, page by page, and imports them; each page and its cursor
 * are committed together, so a crash re-reads the page and the import table makes that harmless.
 */
export async function pullShopOrders(db: Database, integrationId: number): Promise<InboundFigures> {
  const figures = empty();
  const found = await inboundPartner(db, integrationId);
  if (!found) return figures;
  const { p } = found;
  try {
    await pullPages(db, found, figures);
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    // Shown on the Integration tab; a refused password stops being «ok» at once (the shop may have removed the app).
    const now = new Date();
    await recordSyncState(db, integrationId, p.companyId, { lastErrorAt: now, lastError: e.message });
    if (e.kind === "auth") await markUnhealthy(db, integrationId, p.companyId, e.message);
    throw e;
  }
  await markHealthy(db, integrationId, p.companyId);
  return figures;
}

async function pullPages(
  db: Database,
  { p, inbound, clientId }: NonNullable<Awaited<ReturnType<typeof inboundPartner>>>,
  figures: InboundFigures,
) {
  const integrationId = p.id;
  for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
    const more = await db.transaction(async (tx) => {
      await lockIntegration(tx, integrationId);
      const [sync] = await tx
        .select({ state: integrationSync.partnerState })
        .from(integrationSync)
        .where(eq(integrationSync.integrationId, integrationId));
      const cursor = typeof sync?.state?.inboundCursor === "string" ? sync.state.inboundCursor : null;
      const read = await inbound.fetchOrders(p.settings, cursor, p.options);
      figures.pages++;
      for (const order of read.value.orders) await importOne(tx, p, clientId, order, figures);
      if (read.value.cursor !== cursor) {
        const value = JSON.stringify({ inboundCursor: read.value.cursor });
        await recordSyncState(
          tx,
          integrationId,
          p.companyId,
          { partnerState: { inboundCursor: read.value.cursor }, lastSuccessAt: new Date() },
          {
            partnerState: sql`coalesce(${integrationSync.partnerState}, '{}'::jsonb) || ${value}::jsonb`,
            lastSuccessAt: new Date(),
          },
        );
      }
      return read.value.orders.length > 0 && read.value.cursor !== cursor;
    });
    if (!more) break;
  }
}

/**
 * Orders a webhook named, read again from the shop by their ids (a webhook is never trusted as such) and imported
 * like the poller's. Runs in the caller's transaction (the hook deliveries' one).
 */
export async function importShopOrdersById(tx: Queryable, integrationId: number, ids: string[]) {
  const figures = empty();
  const found = await inboundPartner(tx, integrationId);
  if (!found || ids.length === 0) return figures;
  await lockIntegration(tx, integrationId);
  for (const id of new Set(ids)) {
    const read = await found.inbound.fetchOrder(found.p.settings, id, found.p.options);
    if (read.value) await importOne(tx, found.p, found.clientId, read.value, figures);
  }
  return figures;
}

const PAUSED_REASON =
  "Не передан: в «Автоматизации» включено «Не передавать заказы». Выключите его и нажмите «Повторить»";

function reasonOf(fieldErrors: FieldErrors): string {
  return Object.values(fieldErrors).flat().join("; ").slice(0, 1000) || "Заказ не прошёл проверку";
}

/**
 * One shop order: imported once it reached the trigger status (a bad one is held with its reason and tried again on
 * the shop's next change), then kept in line: an edit while the lifecycle lets the client edit, a cancellation
 * through the one cancel verb. Each step runs in a savepoint, so one order's failure never undoes the page.
 */
async function importOne(tx: Queryable, p: Partner, clientId: number, o: InboundOrder, figures: InboundFigures) {
  figures.seen++;
  const actor: Actor = { type: "client", companyId: p.companyId, clientId };
  const ctx = { db: tx, actor };
  const [row] = await tx
    .select()
    .from(inboundOrders)
    .where(and(eq(inboundOrders.integrationId, p.id), eq(inboundOrders.partnerOrderId, o.partnerOrderId)))
    .for("update");
  // The same version again (a duplicate webhook, a re-read page): nothing to do.
  if (row && row.shopUpdatedAt !== null && row.shopUpdatedAt === o.updatedAt && row.state !== "error") return;
  const save = async (values: { state: typeof inboundOrders.$inferInsert.state; orderId?: number; error?: string }) => {
    const common = {
      number: o.number,
      state: values.state,
      error: values.error ?? null,
      shopStatus: o.shopStatus,
      shopUpdatedAt: o.updatedAt,
      updatedAt: new Date(),
      ...(values.orderId ? { orderId: values.orderId } : {}),
    };
    if (row) await tx.update(inboundOrders).set(common).where(eq(inboundOrders.id, row.id));
    else
      await tx
        .insert(inboundOrders)
        .values({ ...common, companyId: p.companyId, integrationId: p.id, partnerOrderId: o.partnerOrderId });
  };

  if (!row?.orderId) {
    // Not ours yet: only an order that reached the trigger status comes in; a held one stays held until it does.
    if (!o.ready || o.cancelled) {
      if (row) await save({ state: o.cancelled ? "cancelled" : row.state, error: row.error ?? undefined });
      return;
    }
    if (p.settings.paused === true) {
      figures.held++;
      await save({ state: "error", error: PAUSED_REASON });
      return;
    }
    const [res] = await createOrdersBatch({ ctx, input: { orders: [o.order], source: "api", clientId } });
    if (res?.ok) {
      figures.imported++;
      await save({ state: "imported", orderId: res.id });
      return;
    }
    figures.held++;
    const error = !res
      ? "Заказ не создан"
      : res.reason === "invalid"
        ? reasonOf(res.fieldErrors)
        : res.reason === "duplicate"
          ? `Заказ с номером ${o.number} уже есть в этом году`
          : "Клиент интеграции не найден";
    await save({ state: "error", error });
    return;
  }

  const orderId = row.orderId;
  try {
    if (o.cancelled) {
      await cancelOrder({ ctx, input: { id: orderId, source: "api" } });
      figures.cancelled++;
      await save({ state: "cancelled" });
    } else {
      await editApiOrder({ ctx, input: { id: orderId, order: o.order } });
      figures.updated++;
      await save({ state: "updated" });
    }
  } catch (e) {
    // The lifecycle refused (the courier already works the order) or the edit fails our checks: kept with the reason.
    if (!(e instanceof ServiceError)) throw e;
    const reason = e instanceof ValidationError && e.fieldErrors ? reasonOf(e.fieldErrors) : e.message;
    figures.held++;
    await save({ state: row.state, error: `Изменение из магазина не применено: ${reason}` });
  }
}

/** The switched-on client integrations whose adapter brings orders in: what the poller walks. */
export async function inboundIntegrations(db: Queryable): Promise<number[]> {
  const rows = await db
    .select({ id: integrations.id, integrator: integrations.integrator })
    .from(integrations)
    .where(and(eq(integrations.ownerKind, "client"), eq(integrations.enabled, true)))
    .orderBy(integrations.id);
  return rows.filter((r) => getIntegrator(r.integrator)?.inbound).map((r) => r.id);
}
