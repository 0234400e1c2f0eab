import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { syncLog, transfers } from "@/db/schema";
import type { FoundOrder, OutboundOrders, OutgoingOrder, SendOutcome } from "../../integrators/types";
import { heartbeat, LEASE_MS } from "./lease";
import { loadOutgoingOrders } from "./outgoing";
import { capability, loadPartner, markHealthy, markUnhealthy, recordSyncState, type Partner } from "./partner";
import { PartnerError } from "../../integrators/errors";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "./policy";
import { notifySync } from "../signals";

export interface TransferRunOptions {
  batchSize?: number;
  policy?: RetryPolicy;
  /** How long a claimed batch belongs to this worker without a heartbeat before the sweep hands it to another. */
  lockMs?: number;
  /** Stop draining after this long; what is left is picked up by the next job (default 60 s). */
  maxRunMs?: number;
  /** Test seam: runs after the partner accepted a batch and before it is committed here. */
  afterPartnerAccepted?: () => Promise<void>;
}

export interface TransferRunResult {
  sent: number;
  /** Taken by a partner that confirms later (webhook or resolve run). */
  submitted: number;
  failed: number;
  retrying: number;
  batches: number;
}

interface Claimed {
  id: number;
  orderId: number;
  companyId: number;
  /** Also the claim's fencing token: a re-claim after a takeover counts up, so a late settle of the old claim misses. */
  attempts: number;
  firstAttemptAt: Date;
  partnerNumber: string;
}

/**
 * Hands an integration's due orders to its partner, in batches (one request carries many orders), until none is due.
 * Safe to run in any number of workers at once: batches are claimed with SKIP LOCKED, and a retry of a batch the
 * partner already took is reconciled by looking each order up instead of creating it again.
 */
export async function runTransfers(
  db: Database,
  integrationId: number,
  options: TransferRunOptions = {},
): Promise<TransferRunResult> {
  const batchSize = options.batchSize ?? 100;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const result: TransferRunResult = { sent: 0, submitted: 0, failed: 0, retrying: 0, batches: 0 };

  let partner: Partner | null;
  let outbound: OutboundOrders | undefined;
  try {
    partner = await loadPartner(db, integrationId);
    if (partner?.enabled) outbound = capability(partner, "outbound", "Передача заказов");
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    // Unusable settings or an integrator without exchange: every due order fails visibly, nothing is sent.
    const claimed = await claim(db, integrationId, 10_000, options.lockMs ?? LEASE_MS);
    const failed = await db.transaction((tx) => settleFailure(tx, claimed, e, policy, integrationId));
    return { ...result, failed };
  }
  if (!partner || !outbound) return result;
  const sender: Sender = { ...partner, outbound };

  const stopAt = Date.now() + (options.maxRunMs ?? 60_000);
  const leaseMs = options.lockMs ?? LEASE_MS;
  while (Date.now() < stopAt) {
    const claimed = await claim(db, integrationId, batchSize, leaseMs);
    if (claimed.length === 0) break;
    const beat = heartbeat(() => renewClaims(db, claimed, leaseMs), leaseMs);
    try {
      if ((await sendBatch(db, sender, claimed, policy, result, options)) === "stop") break;
    } finally {
      await beat.stop();
    }
  }
  return result;
}

type Sender = Partner & { outbound: OutboundOrders };

/** One claimed batch: send, reconcile, settle. "stop" when the partner is unwell and draining should pause. */
async function sendBatch(
  db: Database,
  partner: Sender,
  claimed: Claimed[],
  policy: RetryPolicy,
  result: TransferRunResult,
  options: TransferRunOptions,
): Promise<"next" | "stop"> {
  result.batches++;
  const outgoing = await loadOutgoingOrders(
    db,
    partner.companyId,
    claimed.map((c) => c.orderId),
  );
  const batch = claimed.filter((c) => outgoing.has(c.orderId));
  const orders = batch.map((c) => ({ ...outgoing.get(c.orderId)!, number: c.partnerNumber }));

  const started = Date.now();
  let outcomes: Reconciled[];
  try {
    outcomes = await lookUpThenSend(db, partner, batch, orders);
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    const settled = await db.transaction((tx) => settleFailure(tx, batch, e, policy, partner.id));
    if (e.kind === "auth") await markUnhealthy(db, partner.id, partner.companyId, e.message);
    if (e.kind === "auth" || e.kind === "rejected") result.failed += settled;
    else result.retrying += settled;
    return "stop"; // the partner is unwell: stop draining, the back-off decides when to try again
  }
  await options.afterPartnerAccepted?.();

  const reconciled = await reconcileDuplicates(partner, orders, outcomes);
  const durationMs = Date.now() - started;
  await db.transaction(async (tx) => {
    const settled = await settleOutcomes(tx, partner, batch, orders, reconciled, durationMs, policy);
    result.sent += settled.sent;
    result.submitted += settled.submitted;
    result.failed += settled.failed;
    result.retrying += settled.retrying;
  });
  return "next";
}

/** The heartbeat: keeps this worker's claims (and only those still its own) from being swept while it works. */
async function renewClaims(db: Queryable, claimed: Claimed[], leaseMs: number) {
  await db.execute(sql`
    update transfers set locked_until = now() + ${`${leaseMs} milliseconds`}::interval
    where state = 'sending' and (id, attempts) in (
      select * from unnest(${`{${claimed.map((c) => c.id).join(",")}}`}::bigint[], ${`{${claimed.map((c) => c.attempts).join(",")}}`}::int[]))`);
}

async function claim(db: Queryable, integrationId: number, limit: number, lockMs: number): Promise<Claimed[]> {
  const rows = await db.execute<{
    id: string;
    order_id: string;
    company_id: number;
    attempts: number;
    first_attempt_at: Date;
    partner_number: string;
  }>(sql`
    update transfers set state = 'sending', attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, now()),
      locked_until = now() + ${`${lockMs} milliseconds`}::interval, updated_at = now()
    where id in (
      select id from transfers
      where integration_id = ${integrationId} and state = 'pending' and next_attempt_at <= now()
      order by id limit ${limit} for update skip locked)
    returning id, order_id, company_id, attempts, first_attempt_at, partner_number`);
  return rows
    .map((r) => ({
      id: Number(r.id),
      orderId: Number(r.order_id),
      companyId: r.company_id,
      attempts: r.attempts,
      firstAttemptAt: new Date(r.first_attempt_at),
      partnerNumber: r.partner_number,
    }))
    .sort((a, b) => a.id - b.id);
}

type Reconciled = SendOutcome;

/** An order a lookup found at the partner: taken (or still being processed) by an earlier attempt. */
function foundOutcome(number: string, found: FoundOrder): SendOutcome {
  const { submitted, ...facts } = found;
  return { number, outcome: submitted ? "submitted" : "accepted", ...facts };
}

/**
 * Sends the batch. A partner that would create a second order under a number it already has gets every retried order
 * (an earlier attempt may have reached it, its answer lost) looked up by our number first; found ones are not sent.
 */
async function lookUpThenSend(
  db: Database,
  partner: Sender,
  batch: Claimed[],
  orders: OutgoingOrder[],
): Promise<Reconciled[]> {
  const out: (Reconciled | null)[] = orders.map(() => null);
  if (!partner.outbound.refusesDuplicates) {
    for (const [i, c] of batch.entries()) {
      if (c.attempts <= 1) continue;
      const number = orders[i]!.number;
      const found = (await partner.outbound.find(partner.settings, number, partner.options)).value;
      if (found) out[i] = foundOutcome(number, found);
    }
  }
  const toSend = orders.filter((_, i) => out[i] === null);
  if (toSend.length) {
    const claims = new Map(batch.map((c, i) => [orders[i]!.number, c]));
    const onPartnerRef = async (number: string, partnerRef: string) => {
      const c = claims.get(number);
      if (c) await db.update(transfers).set({ partnerRef }).where(ownClaim(c));
    };
    const sent = (await partner.outbound.send(partner.settings, toSend, { ...partner.options, onPartnerRef })).value;
    let k = 0;
    for (let i = 0; i < out.length; i++) if (out[i] === null) out[i] = sent[k++] ?? null;
  }
  return out.map(
    (o, i) =>
      o ?? { number: orders[i]!.number, outcome: "rejected", message: "Партнёр не вернул результат по этому заказу" },
  );
}

/** «Duplicate»: the number is taken at the partner, ours from an earlier attempt (then it is sent) or someone else's. */
async function reconcileDuplicates(
  partner: Sender,
  orders: OutgoingOrder[],
  outcomes: Reconciled[],
): Promise<Reconciled[]> {
  const out: Reconciled[] = [];
  for (const [i, o] of outcomes.entries()) {
    if (o.outcome !== "duplicate") {
      out.push(o);
      continue;
    }
    try {
      const found = await partner.outbound.find(partner.settings, orders[i]!.number, partner.options);
      out.push(
        found.value
          ? foundOutcome(o.number, found.value)
          : {
              number: o.number,
              outcome: "rejected",
              message: `Номер ${o.number} уже занят у партнёра, но заказ по нему не найден: ${o.message}`,
            },
      );
    } catch (e) {
      if (!(e instanceof PartnerError)) throw e;
      out.push({ number: o.number, outcome: "transient", message: e.message });
    }
  }
  return out;
}

async function settleOutcomes(
  tx: Queryable,
  partner: Sender,
  batch: Claimed[],
  orders: OutgoingOrder[],
  outcomes: Reconciled[],
  durationMs: number,
  policy: RetryPolicy,
) {
  const counts = { sent: 0, submitted: 0, failed: 0, retrying: 0 };
  const logs: (typeof syncLog.$inferInsert)[] = [];
  for (const [i, c] of batch.entries()) {
    const o = outcomes[i] ?? {
      number: c.partnerNumber,
      outcome: "rejected" as const,
      message: "Партнёр не вернул результат по этому заказу",
    };
    const base = {
      companyId: c.companyId,
      integrationId: partner.id,
      orderId: c.orderId,
      kind: "transfer" as const,
      request: partner.outbound.describe(partner.settings, orders[i]!, partner.options),
      durationMs,
    };
    // A claim lost to a takeover (this worker was silent past its lease) is the new owner's to settle and log.
    if (o.outcome === "accepted" || o.outcome === "submitted") {
      // Submitted: at the partner, its verdict pending — a webhook settles it, else the resolve run asks at
      // `nextAttemptAt`.
      const submitted = o.outcome === "submitted";
      const won = await tx
        .update(transfers)
        .set({
          state: submitted ? "submitted" : "sent",
          partnerOrderCode: o.partnerCode ?? null,
          partnerRef: o.partnerRef ?? null,
          partnerDetails: o.details ?? null,
          sentAt: sql`now()`,
          ...(submitted
            ? { nextAttemptAt: new Date(Date.now() + (partner.outbound.firstResolveMs ?? retryDelayMs(1, policy))) }
            : {}),
          lastError: null,
          lockedUntil: null,
          updatedAt: sql`now()`,
        })
        .where(ownClaim(c))
        .returning({ id: transfers.id });
      if (won.length === 0) continue;
      counts[submitted ? "submitted" : "sent"]++;
      const code = o.partnerCode ? (submitted ? ` (код ${o.partnerCode})` : `, код у партнёра ${o.partnerCode}`) : "";
      const result = submitted ? `Передан партнёру, ждёт его подтверждения${code}` : `Принят партнёром${code}`;
      logs.push({ ...base, ok: true, result });
    } else if (o.outcome === "transient") {
      const next = nextAttempt(c, policy);
      if (!(await retryOrFail(tx, c, o.message, next))) continue;
      if (next) counts.retrying++;
      else counts.failed++;
      logs.push({ ...base, ok: false, result: `${o.message}${next ? "; повтор запланирован" : ""}` });
    } else {
      if (!(await retryOrFail(tx, c, o.message, null))) continue;
      counts.failed++;
      logs.push({ ...base, ok: false, result: o.message });
    }
  }
  if (logs.length) await tx.insert(syncLog).values(logs);
  await recordSyncState(tx, partner.id, partner.companyId, { lastSuccessAt: new Date() });
  await markHealthy(tx, partner.id, partner.companyId);
  return counts;
}

function nextAttempt(c: Claimed, policy: RetryPolicy): Date | null {
  const elapsed = Date.now() - c.firstAttemptAt.getTime();
  if (elapsed >= policy.giveUpAfterMs) return null;
  return new Date(Date.now() + retryDelayMs(c.attempts, policy));
}

const ownClaim = (c: Claimed) =>
  and(eq(transfers.id, c.id), eq(transfers.state, "sending"), eq(transfers.attempts, c.attempts));

/** False when the claim is no longer this worker's (taken over after its lease ran out). */
async function retryOrFail(tx: Queryable, c: Claimed, message: string, next: Date | null): Promise<boolean> {
  const rows = await tx
    .update(transfers)
    .set(
      next
        ? { state: "pending", nextAttemptAt: next, lastError: message, lockedUntil: null, updatedAt: sql`now()` }
        : { state: "failed", lastError: message, lockedUntil: null, updatedAt: sql`now()` },
    )
    .where(ownClaim(c))
    .returning({ id: transfers.id });
  return rows.length > 0;
}

/** Settles a batch the partner did not take; returns how many claims were still this worker's. */
async function settleFailure(
  tx: Queryable,
  batch: Claimed[],
  e: PartnerError,
  policy: RetryPolicy,
  integrationId: number,
): Promise<number> {
  const logs: (typeof syncLog.$inferInsert)[] = [];
  for (const c of batch) {
    const next = e.kind === "transient" ? nextAttempt(c, policy) : null;
    if (!(await retryOrFail(tx, c, e.message, next))) continue;
    logs.push({
      companyId: c.companyId,
      integrationId,
      orderId: c.orderId,
      kind: "transfer",
      ok: false,
      request: `Передача заказа ${c.partnerNumber} (попытка ${c.attempts})`,
      result: `${e.message}${next ? `; повтор после ${next.toLocaleTimeString("ru-RU", { timeZone: "Europe/Moscow" })}` : ""}`,
    });
  }
  if (logs.length) await tx.insert(syncLog).values(logs);
  const companyId = batch[0]?.companyId;
  if (companyId !== undefined) {
    await recordSyncState(tx, integrationId, companyId, { lastErrorAt: new Date(), lastError: e.message });
  }
  return logs.length;
}

/** Batches whose worker died (no heartbeat for a lease) go back to the queue; the retry reconciles, never duplicates. */
export async function sweepStuckTransfers(db: Queryable): Promise<number> {
  const rows = await db
    .update(transfers)
    .set({ state: "pending", nextAttemptAt: sql`now()`, lockedUntil: null, updatedAt: sql`now()` })
    .where(and(eq(transfers.state, "sending"), lte(transfers.lockedUntil, sql`now()`)))
    .returning({ integrationId: transfers.integrationId });
  await notifySync(
    db,
    rows.map((r) => r.integrationId),
  );
  return rows.length;
}

/** Integrations that have orders due now: what the clock wakes when no notification arrived (retries, restarts). */
export async function integrationsWithDueTransfers(db: Queryable): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: transfers.integrationId })
    .from(transfers)
    .where(and(inArray(transfers.state, ["pending"]), lte(transfers.nextAttemptAt, sql`now()`)));
  return rows.map((r) => r.id);
}
