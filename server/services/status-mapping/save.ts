import { and, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { orders, statusMappings, syncLog, unmappedStatusEvents } from "@/db/schema";
import { getIntegrator } from "../../integrators/registry";
import type { IntegratorAdapter } from "../../integrators/types";
import { assertAdmin, type ServiceCall } from "../context";
import { ValidationError } from "../errors";
import { applyStatusEvents, type StatusEvent } from "../orders/lifecycle";
import { type OrderStatus, statusTitle } from "../orders/statuses";
import {
  resetStatusMappingSchema,
  saveStatusMappingSchema,
  type SaveStatusMappingInput,
  type StatusMappingKeyInput,
} from "./schemas";

export interface MappingOutcome {
  integrator: string;
  code: string;
  /** What the code means for this company now; null = still unmapped. */
  status: OrderStatus | null;
  /** No override: the adapter's own table decides. */
  isDefault: boolean;
  /** Waiting events of this code applied now, and how many orders changed their status by them. */
  applied: number;
  ordersChanged: number;
}

function adapterOf(integrator: string): IntegratorAdapter {
  const adapter = getIntegrator(integrator);
  if (!adapter) throw new ValidationError("Интегратор не найден", { integrator: ["Интегратор не найден"] });
  return adapter;
}

/**
 * «Сопоставить»: the company's reading of a partner code (the adapter's default when it is the same), and at once the
 * code's waiting events applied to their orders through the lifecycle, in one transaction.
 */
export async function saveStatusMapping({ ctx, input }: ServiceCall<SaveStatusMappingInput>): Promise<MappingOutcome> {
  assertAdmin(ctx);
  const q = saveStatusMappingSchema.parse(input);
  const adapter = adapterOf(q.integrator);
  const companyId = ctx.actor.companyId;
  const isDefault = adapter.mapStatus(q.code) === q.status;
  return ctx.db.transaction(async (tx) => {
    const key = and(
      eq(statusMappings.companyId, companyId),
      eq(statusMappings.integrator, q.integrator),
      eq(statusMappings.code, q.code),
    );
    if (isDefault) await tx.delete(statusMappings).where(key);
    else {
      const updatedBy = ctx.actor.type === "staff" ? ctx.actor.userId : null;
      await tx
        .insert(statusMappings)
        .values({ companyId, integrator: q.integrator, code: q.code, status: q.status, updatedBy })
        .onConflictDoUpdate({
          target: [statusMappings.companyId, statusMappings.integrator, statusMappings.code],
          set: { status: q.status, updatedBy, updatedAt: sql`now()` },
        });
    }
    const done = await reapplyWaiting(tx, companyId, q.integrator, q.code, q.status);
    return { integrator: q.integrator, code: q.code, status: q.status, isDefault, ...done };
  });
}

/** «По умолчанию»: the override removed; waiting events are applied if the adapter's table maps the code. */
export async function resetStatusMapping({ ctx, input }: ServiceCall<StatusMappingKeyInput>): Promise<MappingOutcome> {
  assertAdmin(ctx);
  const q = resetStatusMappingSchema.parse(input);
  const adapter = adapterOf(q.integrator);
  const companyId = ctx.actor.companyId;
  const status = adapter.mapStatus(q.code);
  return ctx.db.transaction(async (tx) => {
    await tx
      .delete(statusMappings)
      .where(
        and(
          eq(statusMappings.companyId, companyId),
          eq(statusMappings.integrator, q.integrator),
          eq(statusMappings.code, q.code),
        ),
      );
    const done = status ? await reapplyWaiting(tx, companyId, q.integrator, q.code, status) : NOTHING;
    return { integrator: q.integrator, code: q.code, status, isDefault: true, ...done };
  });
}

const NOTHING = { applied: 0, ordersChanged: 0 };

/**
 * The code's waiting events, oldest first, applied as the exchange would have applied them (source «агент», the
 * partner's text kept in the comment; nothing new when the order already is that status), then removed.
 */
async function reapplyWaiting(tx: Queryable, companyId: number, integrator: string, code: string, status: OrderStatus) {
  const waiting = await tx
    .select({
      id: unmappedStatusEvents.id,
      orderId: unmappedStatusEvents.orderId,
      integrationId: unmappedStatusEvents.integrationId,
      title: unmappedStatusEvents.title,
      comment: unmappedStatusEvents.comment,
      eventTime: unmappedStatusEvents.eventTime,
      receivedAt: unmappedStatusEvents.receivedAt,
      current: orders.status,
    })
    .from(unmappedStatusEvents)
    .innerJoin(orders, and(eq(orders.id, unmappedStatusEvents.orderId), eq(orders.companyId, companyId)))
    .where(
      and(
        eq(unmappedStatusEvents.companyId, companyId),
        eq(unmappedStatusEvents.integrator, integrator),
        eq(unmappedStatusEvents.code, code),
      ),
    )
    .orderBy(
      sql`coalesce(${unmappedStatusEvents.eventTime}, ${unmappedStatusEvents.receivedAt})`,
      unmappedStatusEvents.id,
    )
    // Two admins saving the same code at once: the second finds nothing left to apply.
    .for("update", { of: unmappedStatusEvents });
  if (waiting.length === 0) return NOTHING;

  const last = new Map<number, string>();
  const events: StatusEvent[] = [];
  const via: number[] = [];
  for (const w of waiting) {
    if ((last.get(w.orderId) ?? w.current) === status) continue;
    last.set(w.orderId, status);
    const titled = w.title && w.title !== statusTitle(status) ? `Партнёр: ${w.title}` : null;
    events.push({
      orderId: w.orderId,
      status,
      eventTime: w.eventTime ?? w.receivedAt,
      source: "agent",
      comment: [titled, w.comment].filter(Boolean).join(" — ") || null,
    });
    via.push(w.integrationId);
  }
  const outcomes = await applyStatusEvents(tx, companyId, events);
  const logs = outcomes.map((o, i) => ({
    companyId,
    integrationId: via[i]!,
    orderId: o.orderId,
    kind: "status" as const,
    ok: true,
    request: "Сопоставление статусов партнёра",
    result:
      `Статус партнёра ${code} → ${statusTitle(o.status)} (сопоставлен в кабинете)` +
      (o.replaced || o.status === o.current ? "" : " (записан в историю; заказ уже в финальном статусе)"),
  }));
  for (let i = 0; i < logs.length; i += 2000) await tx.insert(syncLog).values(logs.slice(i, i + 2000));
  const ids = waiting.map((w) => w.id);
  for (let i = 0; i < ids.length; i += 5000)
    await tx.delete(unmappedStatusEvents).where(inArray(unmappedStatusEvents.id, ids.slice(i, i + 5000)));
  return {
    applied: outcomes.length,
    ordersChanged: new Set(outcomes.filter((o) => o.replaced).map((o) => o.orderId)).size,
  };
}
