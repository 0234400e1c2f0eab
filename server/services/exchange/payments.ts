import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { clients, integrations, orders, paymentExports, syncLog, transfers } from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import { getIntegrator } from "../../integrators/registry";
import type { PaymentOrder, PaymentResult, PaymentState } from "../../integrators/types";
import { loadOrderDetails } from "../orders/lookup";
import { loadActivePartner, markHealthy, markUnhealthy, recordSyncState, type Partner } from "./partner";

/** Batches per run: a backlog (10,000 orders on the first day) is worked off over several runs. */
const MAX_BATCHES = 40;
/** Orders enrolled per run: new COD orders of the intermediary's clients get their export row. */
const ENROL_LIMIT = 20_000;
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 60 * 60_000;

export interface PaymentFigures {
  upserted: number;
  states: number;
  failed: number;
  batches: number;
}

/** What the intermediary must see again when it changes: the money and the receiver (and whose INN it is filed under). */
const currentFingerprint = sql<string>`md5(concat_ws('|', ${orders.codAmount}, ${orders.declaredValue},
  ${orders.deliveryPrice}, ${orders.receiverPerson}, ${orders.receiverPhone}, ${orders.receiverTown},
  ${orders.receiverAddress}, ${orders.receiverZip}, ${clients.inn}))`;

/** COD orders of the clients who chose this intermediary (the client card names it by its integrator code). */
const viaIntermediary = (integrator: string) =>
  and(sql`${clients.paymentIntermediary}::text = ${integrator}`, sql`${orders.codAmount} > 0`);

const dueNow = (now: Date) =>
  and(
    or(
      sql`${paymentExports.fingerprint} is distinct from ${currentFingerprint}`,
      sql`${paymentExports.pushedStatus} is distinct from ${orders.status}`,
    ),
    or(isNull(paymentExports.nextAt), lte(paymentExports.nextAt, now)),
  );

/** The company's switched-on payment intermediaries with something to send now: what the clock queues jobs for. */
export async function integrationsWithDuePayments(db: Queryable, now = new Date()): Promise<number[]> {
  const rows = await db
    .select({ id: integrations.id, integrator: integrations.integrator, companyId: integrations.companyId })
    .from(integrations)
    .where(and(eq(integrations.ownerKind, "company"), eq(integrations.enabled, true)));
  const due: number[] = [];
  for (const r of rows) {
    if (!getIntegrator(r.integrator)?.payments) continue;
    const [pending] = await db.execute<{ any: boolean }>(sql`select exists (
        select 1 from ${orders} join ${clients} on ${clients.id} = ${orders.clientId}
        left join ${paymentExports} on ${paymentExports.orderId} = ${orders.id}
        where ${orders.companyId} = ${r.companyId} and ${viaIntermediary(r.integrator)}
          and (${paymentExports.orderId} is null or (${dueNow(now)}))
      ) as any`);
    if (pending?.any) due.push(r.id);
  }
  return due;
}

/** New COD orders of the clients who chose the intermediary get their export row (nothing sent yet). */
async function enrol(db: Queryable, p: Partner) {
  await db.execute(sql`insert into ${paymentExports} (order_id, company_id, integration_id)
    select ${orders.id}, ${orders.companyId}, ${p.id} from ${orders}
      join ${clients} on ${clients.id} = ${orders.clientId}
    where ${orders.companyId} = ${p.companyId} and ${viaIntermediary(p.integrator)}
      and not exists (select 1 from ${paymentExports} pe where pe.order_id = ${orders.id})
    order by ${orders.id} limit ${ENROL_LIMIT}
    on conflict do nothing`);
}

interface DueRow {
  orderId: number;
  attempts: number;
  status: string;
  statusAt: Date;
  codAmount: string;
  fingerprint: string | null;
  current: string;
  tin: string | null;
}

/** Who carried each order: the partner it was handed to (its integrator and number), if any. */
async function carriers(db: Queryable, companyId: number, ids: number[]) {
  if (ids.length === 0) return new Map<number, { integrator: string; externalId: string }>();
  const rows = await db
    .select({
      orderId: transfers.orderId,
      integrator: integrations.integrator,
      code: transfers.partnerOrderCode,
      number: transfers.partnerNumber,
    })
    .from(transfers)
    .innerJoin(integrations, eq(integrations.id, transfers.integrationId))
    .where(
      and(
        eq(transfers.companyId, companyId),
        inArray(transfers.orderId, ids),
        inArray(transfers.state, ["sent", "submitted"]),
      ),
    );
  return new Map(rows.map((r) => [r.orderId, { integrator: r.integrator, externalId: r.code ?? r.number }]));
}

async function paymentOrders(db: Queryable, p: Partner, rows: DueRow[]): Promise<PaymentOrder[]> {
  const ids = rows.map((r) => r.orderId);
  const [details, carried] = await Promise.all([
    loadOrderDetails(db, p.companyId, ids),
    carriers(db, p.companyId, ids),
  ]);
  const tin = new Map(rows.map((r) => [r.orderId, r.tin ?? ""]));
  return details.map(({ order: o, items, history }) => {
    const partner = carried.get(o.id);
    const last = [...history].reverse().find((h) => h.source === "agent");
    return {
      id: String(o.id),
      number: o.number,
      tin: tin.get(o.id) ?? "",
      createdAt: o.createdAt,
      currency: "RUB",
      codAmount: Number(o.codAmount),
      declaredValue: Number(o.declaredValue),
      deliveryPrice: Number(o.deliveryPrice),
      carrier: partner
        ? { integrator: partner.integrator, externalId: partner.externalId }
        : { integrator: null, externalId: o.barcode?.trim() || o.number },
      status: o.status,
      statusAt: o.statusAt,
      partnerStatus: last?.comment ?? null,
      history: history.map((h) => ({ status: h.status, at: h.eventTime })),
      receiver: {
        name: o.receiverPerson,
        phone: o.receiverPhone,
        town: o.receiverTown,
        address: o.receiverAddress,
        zip: o.receiverZip,
      },
      items: items.map((i) => ({
        name: i.name,
        article: i.article,
        quantity: Number(i.quantity),
        price: Number(i.retailPrice),
        weight: i.mass === null ? null : Number(i.mass),
        vatRate: i.vatRate,
      })),
    };
  });
}

/**
 * Sends the company's COD orders to its payment intermediary: the full order when it is new there or its money or
 * receiver changed (`upsertOrders`), else its new status (`updateStates`), in batches. The intermediary's refusal of
 * one order is kept on that order with back-off; the rest of the batch goes through. A failed call (no answer,
 * refused signature) backs the whole batch off and ends the run.
 */
export async function pushPayments(db: Database, integrationId: number, now = new Date()): Promise<PaymentFigures> {
  const figures: PaymentFigures = { upserted: 0, states: 0, failed: 0, batches: 0 };
  const p = await loadActivePartner(db, integrationId);
  const cap = p?.adapter.payments;
  if (!p || !cap || p.ownerKind !== "company") return figures;
  await enrol(db, p);
  let stop = false;
  for (let batch = 0; batch < MAX_BATCHES && !stop; batch++) {
    const more = await db.transaction(async (tx) => {
      const rows: DueRow[] = await tx
        .select({
          orderId: paymentExports.orderId,
          attempts: paymentExports.attempts,
          status: orders.status,
          statusAt: orders.statusAt,
          codAmount: orders.codAmount,
          fingerprint: paymentExports.fingerprint,
          current: currentFingerprint,
          tin: clients.inn,
        })
        .from(paymentExports)
        .innerJoin(orders, eq(orders.id, paymentExports.orderId))
        .innerJoin(clients, eq(clients.id, orders.clientId))
        .where(and(eq(paymentExports.integrationId, integrationId), viaIntermediary(p.integrator), dueNow(now)))
        .orderBy(asc(paymentExports.orderId))
        .limit(cap.batchSize)
        .for("update", { of: paymentExports, skipLocked: true });
      if (rows.length === 0) return false;
      figures.batches++;

      const fail = async (r: DueRow, message: string) => {
        figures.failed++;
        const attempts = r.attempts + 1;
        await tx
          .update(paymentExports)
          .set({
            error: message,
            attempts,
            nextAt: new Date(now.getTime() + Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS)),
            updatedAt: new Date(),
          })
          .where(eq(paymentExports.orderId, r.orderId));
      };
      /** The accepted orders of a batch marked in one statement (a row at a time was most of a batch's cost). */
      const acceptAll = async (list: DueRow[], full: boolean) => {
        if (list.length === 0) return;
        const ids = list.map((r) => r.orderId);
        const statuses = list.map((r) => r.status);
        const prints = list.map((r) => r.current);
        await tx.execute(sql`update ${paymentExports} pe set
            fingerprint = ${full ? sql`v.fp` : sql`pe.fingerprint`},
            pushed_status = v.status, pushed_at = now(), error = null, attempts = 0, next_at = null, updated_at = now()
          from unnest(${`{${ids.join(",")}}`}::bigint[], ${toPgArray(statuses)}::text[], ${toPgArray(prints)}::text[])
            as v(order_id, status, fp)
          where pe.order_id = v.order_id`);
      };
      const apply = async (list: DueRow[], results: PaymentResult[], full: boolean) => {
        const byId = new Map(results.map((x) => [x.id, x]));
        const accepted: DueRow[] = [];
        for (const r of list) {
          const res = byId.get(String(r.orderId));
          if (res?.ok) {
            if (full) figures.upserted++;
            else figures.states++;
            accepted.push(r);
          } else {
            const message = `${p.adapter.title} не принял заказ: ${res?.message || "без пояснений"}`;
            await fail(r, message);
            await tx.insert(syncLog).values({
              companyId: p.companyId,
              integrationId,
              orderId: r.orderId,
              kind: "payments",
              ok: false,
              request: full ? cap.callNames.upsert : cap.callNames.states,
              result: message,
            });
          }
        }
        await acceptAll(accepted, full);
      };

      // What the intermediary would refuse anyway (the adapter says: e.g. no INN) is said on the order without asking.
      const ready: DueRow[] = [];
      for (const r of rows) {
        const refusal = cap.cannotSend?.(r) ?? null;
        if (refusal) await fail(r, refusal);
        else ready.push(r);
      }
      const full = ready.filter((r) => r.fingerprint !== r.current);
      const statesOnly = ready.filter((r) => r.fingerprint === r.current);
      const started = Date.now();
      try {
        if (full.length) {
          const res = await cap.upsertOrders(p.settings, await paymentOrders(tx, p, full), p.options);
          await apply(full, res.value, true);
          await logBatch(tx, p, res.request, res.response, Date.now() - started);
        }
        if (statesOnly.length) {
          const states: PaymentState[] = statesOnly.map((r) => ({
            id: String(r.orderId),
            status: r.status,
            statusAt: r.statusAt,
            codAmount: Number(r.codAmount),
            partnerStatus: null,
          }));
          const res = await cap.updateStates(p.settings, states, p.options);
          await apply(statesOnly, res.value, false);
          await logBatch(tx, p, res.request, res.response, Date.now() - started);
        }
      } catch (e) {
        if (!(e instanceof PartnerError)) throw e;
        // The whole call failed: every order of it waits, with the reason, and the run ends.
        for (const r of ready) await fail(r, `Не передано в ${p.adapter.title}: ${e.message}`);
        await tx.insert(syncLog).values({
          companyId: p.companyId,
          integrationId,
          kind: "payments",
          ok: false,
          request: `${ready.length} заказов`,
          result: e.message,
          durationMs: Date.now() - started,
        });
        await recordSyncState(tx, integrationId, p.companyId, { lastErrorAt: new Date(), lastError: e.message });
        if (e.kind === "auth") await markUnhealthy(tx, integrationId, p.companyId, e.message);
        stop = true;
        return false;
      }
      return rows.length === cap.batchSize;
    });
    if (!more) break;
  }
  if (figures.upserted + figures.states > 0 && !stop) {
    await recordSyncState(db, integrationId, p.companyId, { lastSuccessAt: new Date() });
    await markHealthy(db, integrationId, p.companyId);
  }
  return figures;
}

/** A text[] literal for one bound parameter: status codes and md5 hex need no more than quoting. */
function toPgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}

async function logBatch(tx: Queryable, p: Partner, request: string, result: string, durationMs: number) {
  await tx.insert(syncLog).values({
    companyId: p.companyId,
    integrationId: p.id,
    kind: "payments",
    ok: true,
    request,
    result,
    durationMs,
  });
}
