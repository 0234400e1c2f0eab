import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { orders, orderStatusHistory, syncLog, transfers } from "@/db/schema";
import { notifySync } from "../signals";
import { type Actor, assertStaff, type ServiceCall } from "../context";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { setOrderStatusSchema } from "./schemas";
import { agentScope, orderScope } from "./scope";
import {
  EDITABLE_STATUSES,
  FINAL_STATUSES,
  HAND_SET_STATUSES,
  ORDER_STATUS_CODES,
  ORDER_STATUSES,
  type OrderStatus,
  statusTitle,
} from "./statuses";
import { recordOrderChanges, type StatusSourceCode } from "./write";

/*
 * The order lifecycle: which status may follow which, who may edit, cancel or put an order into a manifest, and the
 * one cancel verb. Every door (cabinet, XML API, worker) calls this module; nothing else decides these rules.
 */

// ─── Rules (pure) ──────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Whether a reported status replaces the current one. A final status is never reopened: a late non-final report
 * (a courier's DELIVERY after COMPLETE) goes into the history only; final → another final (CANCELED → RETURNED) moves.
 */
export function statusMayReplace(current: string, incoming: string): boolean {
  if (current === incoming) return false;
  if (FINAL_STATUSES.has(current) && !FINAL_STATUSES.has(incoming)) return false;
  return true;
}

/** Transfer states in which the partner has (or may already have) the order: a cancel must go to the partner. */
const AT_PARTNER = ["sent", "sending", "submitted"] as const;
const AT_PARTNER_SQL = sql.raw(`(${AT_PARTNER.map((s) => `'${s}'`).join(", ")})`);

/** What the rules need to know about an order besides its status: its hand-overs to partners. */
export interface LifecycleFacts {
  status: string;
  /** A transfer is at the partner (sent), on its way there (sending) or accepted there for later (submitted). */
  handedOver: boolean;
  /** A cancellation is on its way to the partner. */
  cancelPending: boolean;
}

export interface OrderRules {
  canEdit: boolean;
  /** Why not, in Russian; null when allowed. */
  editBlockedReason: string | null;
  canCancel: boolean;
  cancelBlockedReason: string | null;
  /** Statuses staff may set by hand; empty for a client account. */
  allowedStatuses: OrderStatus[];
  statusBlockedReason: string | null;
  mayJoinManifest: boolean;
  manifestBlockedReason: string | null;
}

const finalReason = (status: string, what: string) =>
  `Заказ в финальном статусе «${statusTitle(status)}» и не может быть ${what}`;
const IN_WORK_EDIT = "Заказ уже в работе у курьерской службы и не может быть изменён";
const IN_WORK_CANCEL = "Заказ уже в работе у курьерской службы и не может быть отменён";
const HANDED_OVER_EDIT = "Заказ уже передан партнёру: изменения до партнёра не дойдут";
const CANCEL_PENDING = "Отмена уже отправляется партнёру";
const CANCEL_BY_VERB = "Отмена — кнопкой «Отменить заказ»: она учитывает передачу заказа партнёру";
export const ALREADY_CANCELED = "Заказ уже отменён";
export const MANIFEST_FINAL_REASON = "Заказ в финальном статусе или отменён: в манифест его не положить";

export function orderRules(actor: Actor, facts: LifecycleFacts): OrderRules {
  const { status } = facts;
  const final = FINAL_STATUSES.has(status);
  const client = actor.type === "client";

  // A client works an order only until the courier company starts on it; staff until it is final.
  const editBlockedReason = final
    ? finalReason(status, "изменён")
    : client && !EDITABLE_STATUSES.has(status)
      ? IN_WORK_EDIT
      : facts.handedOver
        ? HANDED_OVER_EDIT
        : null;

  const cancelBlockedReason =
    status === "CANCELED"
      ? ALREADY_CANCELED
      : final
        ? finalReason(status, "отменён")
        : client && !EDITABLE_STATUSES.has(status)
          ? IN_WORK_CANCEL
          : facts.cancelPending
            ? CANCEL_PENDING
            : null;

  let allowedStatuses: OrderStatus[] = [];
  let statusBlockedReason: string | null = null;
  if (client) {
    statusBlockedReason = "Статус заказа меняет курьерская служба";
  } else {
    // CANCELED only through the cancel verb (it knows about partners), unless the order is already final.
    allowedStatuses = (final ? ORDER_STATUS_CODES : HAND_SET_STATUSES).filter(
      (s) => s !== status && statusMayReplace(status, s),
    );
    if (final) statusBlockedReason = "Финальный статус не переоткрывается: доступны только другие финальные статусы";
  }

  return {
    canEdit: editBlockedReason === null,
    editBlockedReason,
    canCancel: cancelBlockedReason === null,
    cancelBlockedReason,
    allowedStatuses,
    statusBlockedReason,
    mayJoinManifest: mayJoinManifest(status),
    manifestBlockedReason: mayJoinManifest(status) ? null : MANIFEST_FINAL_REASON,
  };
}

/** An order in a final status (cancelled included) has nothing left to carry: it goes into no manifest. */
export function mayJoinManifest(status: string): boolean {
  return !FINAL_STATUSES.has(status);
}

/** `mayJoinManifest` as SQL, for the manifest picker's list (`addOrders` checks each order with the function). */
export function mayJoinManifestSql() {
  return sql`${orders.status} not in (${sql.join(
    [...FINAL_STATUSES].map((s) => sql`${s}`),
    sql`, `,
  )})`;
}

/** The facts of many orders at once: their statuses and hand-overs. */
export async function loadLifecycleFacts(
  db: Queryable,
  companyId: number,
  orderIds: number[],
): Promise<Map<number, LifecycleFacts>> {
  const out = new Map<number, LifecycleFacts>();
  if (orderIds.length === 0) return out;
  const rows = await db
    .select({
      id: orders.id,
      status: orders.status,
      handedOver: sql<boolean>`coalesce(bool_or(${transfers.state} in ${AT_PARTNER_SQL}), false)`,
      cancelPending: sql<boolean>`coalesce(bool_or(${transfers.cancelState} = 'pending'), false)`,
    })
    .from(orders)
    .leftJoin(transfers, and(eq(transfers.orderId, orders.id), eq(transfers.companyId, orders.companyId)))
    .where(and(eq(orders.companyId, companyId), inArray(orders.id, orderIds)))
    .groupBy(orders.id);
  for (const r of rows) out.set(r.id, { status: r.status, handedOver: r.handedOver, cancelPending: r.cancelPending });
  return out;
}

/** The rules of one order for this actor (the order card's `canEdit`, `canCancel`, `allowedStatuses`). */
export async function rulesFor(db: Queryable, actor: Actor, orderId: number): Promise<OrderRules> {
  const facts = (await loadLifecycleFacts(db, actor.companyId, [orderId])).get(orderId);
  if (!facts) throw new NotFoundError("Заказ");
  return orderRules(actor, facts);
}

/** Throws the reason an order may not be edited by this actor. Call with the order row locked. */
export async function assertMayEdit(db: Queryable, actor: Actor, orderId: number) {
  const rules = await rulesFor(db, actor, orderId);
  if (!rules.canEdit) throw new ConflictError(rules.editBlockedReason!);
}

// ─── Set-based status apply ────────────────────────────────────────────────────────────────────────────────────────

export interface StatusEvent {
  orderId: number;
  status: string;
  eventTime: Date;
  source: StatusSourceCode;
  comment?: string | null;
}

export interface StatusOutcome {
  orderId: number;
  status: string;
  /** The event became the order's current status; false = recorded in the history only. */
  replaced: boolean;
  /** The order's status after this event. */
  current: string;
}

const CHUNK = 2000;

/**
 * Applies status events to many orders at once, in the given order: every event goes into the history; it becomes the
 * current status only when `statusMayReplace` allows. Locks the orders (in id order, so concurrent applies do not
 * deadlock). Call inside a transaction; throws NotFoundError for an order not of this company.
 */
export async function applyStatusEvents(
  tx: Queryable,
  companyId: number,
  events: StatusEvent[],
): Promise<StatusOutcome[]> {
  if (events.length === 0) return [];
  const ids = [...new Set(events.map((e) => e.orderId))].sort((a, b) => a - b);
  const state = new Map<number, { status: string; statusAt: Date; changed: boolean; kept: boolean }>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await tx
      .select({ id: orders.id, status: orders.status, statusAt: orders.statusAt })
      .from(orders)
      .where(and(eq(orders.companyId, companyId), inArray(orders.id, ids.slice(i, i + CHUNK))))
      .orderBy(orders.id)
      .for("update");
    for (const r of rows) state.set(r.id, { status: r.status, statusAt: r.statusAt, changed: false, kept: false });
  }

  const history: (typeof orderStatusHistory.$inferInsert)[] = [];
  const outcomes: StatusOutcome[] = [];
  for (const ev of events) {
    const s = state.get(ev.orderId);
    if (!s) throw new NotFoundError("Заказ");
    const replaced = statusMayReplace(s.status, ev.status);
    history.push({
      orderId: ev.orderId,
      companyId,
      status: ev.status,
      eventTime: ev.eventTime,
      source: ev.source,
      comment: ev.comment ?? null,
    });
    if (replaced) Object.assign(s, { status: ev.status, statusAt: ev.eventTime, changed: true });
    else s.kept = true;
    outcomes.push({ orderId: ev.orderId, status: ev.status, replaced, current: s.status });
  }

  for (let i = 0; i < history.length; i += CHUNK)
    await tx.insert(orderStatusHistory).values(history.slice(i, i + CHUNK));
  const changed = [...state].filter(([, s]) => s.changed);
  for (let i = 0; i < changed.length; i += CHUNK) {
    const rows = JSON.stringify(
      changed.slice(i, i + CHUNK).map(([id, s]) => ({ id, status: s.status, status_at: s.statusAt.toISOString() })),
    );
    await tx.execute(sql`
      update orders o set status = v.status, status_at = v.status_at, updated_at = now()
      from jsonb_to_recordset(${rows}::jsonb) as v(id bigint, status text, status_at timestamptz)
      where o.id = v.id and o.company_id = ${companyId}`);
  }
  // A history entry that leaves the order row as it was is not seen by the row trigger; the change feed must see it.
  const keptOnly = [...state].filter(([, s]) => s.kept && !s.changed).map(([id]) => id);
  if (keptOnly.length) await recordOrderChanges(tx, companyId, keptOnly);
  return outcomes;
}

// ─── Verbs ─────────────────────────────────────────────────────────────────────────────────────────────────────────

export interface OrderRef {
  /** Internal code (MeaSoft «ordercode»). */
  id?: number;
  /** Client's number; the latest order with it when numbers repeat across years. */
  number?: string;
}

const refWhere = (input: OrderRef) =>
  and(input.id ? eq(orders.id, input.id) : undefined, input.number ? eq(orders.number, input.number) : undefined);

/** The id of the order a client names by code or number (the latest one with that number), within its scope. */
export async function resolveOrderId({ ctx, input }: ServiceCall<OrderRef>): Promise<number> {
  if (!input.id && !input.number) throw new NotFoundError("Заказ");
  const [order] = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(orderScope(ctx), refWhere(input)))
    .orderBy(desc(orders.year), desc(orders.id))
    .limit(1);
  if (!order) throw new NotFoundError("Заказ");
  return order.id;
}

/**
 * Which of these references can name an order in scope, in one query: a request naming thousands of unknown orders
 * costs one lookup instead of a transaction each. A reference it calls unknown matches no order; one it calls
 * possible is still checked by the verb itself.
 */
export async function possibleOrderRefs({ ctx, input }: ServiceCall<OrderRef[]>) {
  const ids = [...new Set(input.flatMap((r) => (r.id ? [r.id] : [])))];
  const numbers = [...new Set(input.flatMap((r) => (r.number ? [r.number] : [])))];
  const rows =
    ids.length || numbers.length
      ? await ctx.db
          .select({ id: orders.id, number: orders.number })
          .from(orders)
          .where(
            and(
              orderScope(ctx),
              or(
                ids.length ? inArray(orders.id, ids) : undefined,
                numbers.length ? inArray(orders.number, numbers) : undefined,
              ),
            ),
          )
      : [];
  const knownIds = new Set(rows.map((r) => r.id));
  const knownNumbers = new Set(rows.map((r) => r.number));
  return (ref: OrderRef) =>
    (!!ref.id || !!ref.number) && (!ref.id || knownIds.has(ref.id)) && (!ref.number || knownNumbers.has(ref.number));
}

export type CancelOutcome = "cancelled" | "requested" | "already";

/** An order row the caller has locked (`for update`, in id order) and hands to a set-based verb. */
export interface LockedOrder {
  id: number;
  number: string;
  status: string;
}

/** An order a set-based verb left alone, and why (Russian, shown to the person). */
export interface OrderRefusal {
  orderId: number;
  number: string;
  reason: string;
}

/**
 * The cancel rules for many locked orders at once: the one cancel verb's core (`cancelOrder` calls it with one order,
 * the bulk action with a chunk). Not yet handed over: cancelled here, queued hand-overs dropped. At a partner: a
 * cancellation is requested there (the worker sends it). A cancelled order is «already»; the others the rules refuse.
 * Call inside the transaction holding the orders' locks.
 */
export async function cancelLockedOrders(
  tx: Queryable,
  actor: Actor,
  locked: LockedOrder[],
  source: StatusSourceCode = "cabinet",
): Promise<{ outcomes: { id: number; number: string; outcome: CancelOutcome }[]; refused: OrderRefusal[] }> {
  const companyId = actor.companyId;
  const outcomes: { id: number; number: string; outcome: CancelOutcome }[] = [];
  const refused: OrderRefusal[] = [];
  const open = locked.filter((o) => {
    if (o.status !== "CANCELED") return true;
    outcomes.push({ id: o.id, number: o.number, outcome: "already" });
    return false;
  });
  if (open.length === 0) return { outcomes, refused };

  const rows = await tx
    .select({
      id: transfers.id,
      orderId: transfers.orderId,
      state: transfers.state,
      cancelState: transfers.cancelState,
      integrationId: transfers.integrationId,
      number: transfers.partnerNumber,
    })
    .from(transfers)
    .where(
      and(
        eq(transfers.companyId, companyId),
        inArray(
          transfers.orderId,
          open.map((o) => o.id),
        ),
      ),
    )
    .orderBy(transfers.id)
    .for("update");
  const byOrder = new Map<number, typeof rows>();
  for (const t of rows) (byOrder.get(t.orderId) ?? byOrder.set(t.orderId, []).get(t.orderId)!).push(t);

  const dropped: number[] = [];
  const requested: (typeof rows)[number][] = [];
  const here: LockedOrder[] = [];
  for (const order of open) {
    const own = byOrder.get(order.id) ?? [];
    const atPartner = own.filter((t) => (AT_PARTNER as readonly string[]).includes(t.state));
    const rules = orderRules(actor, {
      status: order.status,
      handedOver: atPartner.length > 0,
      cancelPending: own.some((t) => t.cancelState === "pending"),
    });
    if (!rules.canCancel) {
      refused.push({ orderId: order.id, number: order.number, reason: rules.cancelBlockedReason! });
      continue;
    }
    for (const t of own) if (t.state === "pending" || t.state === "waiting" || t.state === "failed") dropped.push(t.id);
    if (atPartner.length) {
      requested.push(...atPartner);
      outcomes.push({ id: order.id, number: order.number, outcome: "requested" });
    } else here.push(order);
  }

  if (dropped.length) {
    await tx
      .update(transfers)
      .set({ state: "cancelled", updatedAt: sql`now()` })
      .where(inArray(transfers.id, dropped));
  }
  if (requested.length) {
    await tx
      .update(transfers)
      .set({ cancelState: "pending", cancelNextAttemptAt: null, cancelMessage: null, updatedAt: sql`now()` })
      .where(
        inArray(
          transfers.id,
          requested.map((t) => t.id),
        ),
      );
    await tx.insert(syncLog).values(
      requested.map((t) => ({
        companyId,
        integrationId: t.integrationId,
        orderId: t.orderId,
        kind: "cancel" as const,
        ok: true,
        request: `Запрошена отмена заказа ${t.number}`,
        result: "Отмена поставлена в очередь к партнёру",
      })),
    );
    await notifySync(
      tx,
      requested.map((t) => t.integrationId),
    );
  }
  if (here.length) {
    const comment = actor.type === "client" ? "Отменён клиентом" : "Отменён в кабинете";
    const eventTime = new Date();
    await applyStatusEvents(
      tx,
      companyId,
      here.map((o) => ({ orderId: o.id, status: "CANCELED", eventTime, source, comment })),
    );
    for (const o of here) outcomes.push({ id: o.id, number: o.number, outcome: "cancelled" });
  }
  return { outcomes, refused };
}

/**
 * The one cancel verb. Not yet handed over: the order is cancelled here and its queued hand-overs are dropped. At a
 * partner already: a cancellation is requested there (the worker sends it; the order becomes CANCELED when the
 * partner confirms, and the card shows a refusal). Cancelling a cancelled order changes nothing.
 */
export async function cancelOrder({ ctx, input }: ServiceCall<OrderRef & { source?: StatusSourceCode }>) {
  if (!input.id && !input.number)
    throw new ValidationError("Укажите номер заказа", { number: ["Укажите номер заказа"] });
  return ctx.db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: orders.id, number: orders.number, status: orders.status })
      .from(orders)
      .where(and(orderScope(ctx), refWhere(input)))
      .orderBy(desc(orders.year), desc(orders.id))
      .limit(1)
      .for("update");
    if (!order) throw new NotFoundError("Заказ");
    const { outcomes, refused } = await cancelLockedOrders(tx, ctx.actor, [order], input.source ?? "cabinet");
    if (refused.length) throw new ConflictError(refused[0]!.reason);
    return { id: order.id, number: order.number, outcome: outcomes[0]!.outcome };
  });
}

/** Why staff may not set this status on an order by hand, or null: the status control's and the bulk action's rule. */
export function statusRefusal(rules: OrderRules, current: string, status: OrderStatus): string | null {
  if (rules.allowedStatuses.includes(status)) return null;
  if (status === current) return "Заказ уже в этом статусе";
  if (!HAND_SET_STATUSES.includes(status)) return CANCEL_BY_VERB;
  return rules.statusBlockedReason ?? "Этот статус сейчас недоступен";
}

/**
 * Staff's status change for many locked orders at once (`setOrderStatus` calls it with one order, the bulk action
 * with a chunk): each order within its `allowedStatuses`, every change kept in the history. Call inside the
 * transaction holding the orders' locks.
 */
export async function setStatusOfLockedOrders(
  tx: Queryable,
  actor: Actor,
  locked: LockedOrder[],
  change: { status: OrderStatus; eventTime?: Date; comment?: string | null },
): Promise<{ done: number[]; refused: OrderRefusal[] }> {
  const facts = await loadLifecycleFacts(
    tx,
    actor.companyId,
    locked.map((o) => o.id),
  );
  const done: number[] = [];
  const refused: OrderRefusal[] = [];
  for (const o of locked) {
    const f = facts.get(o.id)!;
    const reason = statusRefusal(orderRules(actor, f), f.status, change.status);
    if (reason) refused.push({ orderId: o.id, number: o.number, reason });
    else done.push(o.id);
  }
  const eventTime = change.eventTime ?? new Date();
  await applyStatusEvents(
    tx,
    actor.companyId,
    done.map((orderId) => ({ orderId, status: change.status, eventTime, source: "cabinet", comment: change.comment })),
  );
  return { done, refused };
}

/** Staff move an order through the statuses by hand, within `allowedStatuses`; each change is kept in the history. */
export async function setOrderStatus({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = setOrderStatusSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: orders.id, number: orders.number, status: orders.status })
      .from(orders)
      .where(and(eq(orders.companyId, companyId), eq(orders.id, data.id)))
      .for("update");
    if (!order) throw new NotFoundError("Заказ");
    const { refused } = await setStatusOfLockedOrders(tx, ctx.actor, [order], data);
    if (refused.length) throw new ConflictError(refused[0]!.reason, { status: [refused[0]!.reason] });
    return { id: order.id, status: data.status };
  });
}

export interface AgentStatusInput extends OrderRef {
  status?: string;
  eventTime?: Date;
  message?: string;
}

/**
 * A delivery partner reports on an order handed to it (`setorderinfo`): the partner signs in with its client account
 * at the order's company, and may touch only orders whose responsible branch is linked to that account. Its message
 * travels with the status into the history; a bare message is recorded against the current status.
 */
export async function setAgentOrderStatus({ ctx, input }: ServiceCall<AgentStatusInput>) {
  if (ctx.actor.type !== "client") throw new ForbiddenError("Статусы передаёт учётная запись партнёра");
  if (!input.id && !input.number)
    throw new ValidationError("Укажите код заказа", { ordercode: ["Укажите код заказа"] });
  if (input.status !== undefined && !(input.status in ORDER_STATUSES))
    throw new ValidationError("Неизвестный статус", { status: ["Неизвестный статус"] });
  if (input.status !== undefined && !input.eventTime)
    throw new ValidationError("Укажите время события", { eventTime: ["Укажите время события"] });
  if (input.status === undefined && !input.message)
    throw new ValidationError("Нет ни статуса, ни сообщения", { status: ["Укажите статус или сообщение"] });
  const companyId = ctx.actor.companyId;
  const agentId = ctx.actor.clientId;
  return ctx.db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: orders.id, number: orders.number, status: orders.status })
      .from(orders)
      .where(and(agentScope(tx, companyId, agentId), refWhere(input)))
      .orderBy(desc(orders.year), desc(orders.id))
      .limit(1);
    if (!order) throw new NotFoundError("Заказ");
    const [outcome] = await applyStatusEvents(tx, companyId, [
      {
        orderId: order.id,
        status: input.status ?? order.status,
        eventTime: input.eventTime ?? new Date(),
        source: "agent",
        comment: input.message ?? null,
      },
    ]);
    const kept = input.status !== undefined && !outcome!.replaced && input.status !== outcome!.current;
    return { id: order.id, number: order.number, status: outcome!.current, kept };
  });
}
