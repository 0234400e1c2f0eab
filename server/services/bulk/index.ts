import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, manifests, orders } from "@/db/schema";
import { assertStaff, type ServiceCall, type ServiceContext } from "../context";
import { ConflictError, NotFoundError, ServiceError, ValidationError } from "../errors";
import { addOrdersToManifest } from "../manifests/add-orders";
import { lockManifest } from "../manifests/shared";
import {
  ALREADY_CANCELED,
  cancelLockedOrders,
  type LockedOrder,
  MANIFEST_FINAL_REASON,
  mayJoinManifest,
  setStatusOfLockedOrders,
} from "../orders/lifecycle";
import { orderFilterWhere } from "../orders/list";
import { orderScope } from "../orders/scope";
import {
  type BulkResult,
  bulkAddToManifestSchema,
  bulkCancelSchema,
  bulkFilterSchema,
  type BulkSelection,
  bulkSetStatusSchema,
  MAX_BULK_FILTER,
  NOT_FOUND_REASON,
  TOO_MANY_BY_FILTER,
} from "./schemas";

/*
 * Bulk actions of the order list: the picked rows or every order matching the list's filter, each action through the
 * lifecycle's set-based verbs. One order the rules refuse is reported with the reason and the rest go on.
 */

/** Orders per transaction: short locks and a bounded rollback, without a commit per order. */
export const BULK_CHUNK = 500;

type Refused = BulkResult["refused"];
const MANIFEST_NOT_DRAFT = "Заказы можно добавлять только в черновик манифеста";

/** The filter's orders, newest first, at most `limit` of them. */
function filteredIds(ctx: ServiceContext, filter: BulkSelection["filter"] & object, limit: number) {
  return ctx.db
    .select({ id: orders.id })
    .from(orders)
    .innerJoin(clients, eq(clients.id, orders.clientId))
    .where(orderFilterWhere(ctx, filter))
    .orderBy(desc(orders.id))
    .limit(limit);
}

/**
 * The selection as ids within the caller's scope, ascending (the order locks are taken in). An id outside the scope
 * — another company's, another client's — is refused as not found and never named.
 */
async function resolveSelection(ctx: ServiceContext, sel: BulkSelection): Promise<{ ids: number[]; refused: Refused }> {
  if (sel.filter) {
    const rows = await filteredIds(ctx, sel.filter, MAX_BULK_FILTER + 1);
    if (rows.length > MAX_BULK_FILTER) throw new ValidationError(TOO_MANY_BY_FILTER);
    return { ids: rows.map((r) => r.id).sort((a, b) => a - b), refused: [] };
  }
  const wanted = [...new Set(sel.ids)].sort((a, b) => a - b);
  const found = new Set<number>();
  for (let i = 0; i < wanted.length; i += BULK_CHUNK) {
    const rows = await ctx.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(orderScope(ctx), inArray(orders.id, wanted.slice(i, i + BULK_CHUNK))));
    for (const r of rows) found.add(r.id);
  }
  return {
    ids: wanted.filter((id) => found.has(id)),
    refused: wanted.filter((id) => !found.has(id)).map((orderId) => notFound(orderId)),
  };
}

const notFound = (orderId: number) => ({ orderId, number: null, reason: NOT_FOUND_REASON });

/** Locks a chunk's orders in id order; an id gone from the scope since the selection was read is not found. */
async function lockOrders(tx: Queryable, ctx: ServiceContext, ids: number[]) {
  const locked = await tx
    .select({ id: orders.id, number: orders.number, status: orders.status, manifestId: orders.manifestId })
    .from(orders)
    .where(and(orderScope(ctx), inArray(orders.id, ids)))
    .orderBy(orders.id)
    .for("update");
  const seen = new Set(locked.map((o) => o.id));
  return { locked, missing: ids.filter((id) => !seen.has(id)).map(notFound) };
}

/** Runs `step` over the selection a chunk per transaction, gathering what it did and refused. */
async function inChunks(
  ctx: ServiceContext,
  sel: BulkSelection,
  step: (tx: Queryable, ids: number[]) => Promise<{ done: number; refused: Refused }>,
): Promise<BulkResult> {
  const { ids, refused } = await resolveSelection(ctx, sel);
  let done = 0;
  for (let i = 0; i < ids.length; i += BULK_CHUNK) {
    const chunk = ids.slice(i, i + BULK_CHUNK);
    const r = await ctx.db.transaction((tx) => step(tx, chunk));
    done += r.done;
    refused.push(...r.refused);
  }
  return { done, refused };
}

/**
 * Cancels the selected orders through the one cancel verb's rules: a client account its own new orders, staff any
 * not final; an order at a partner gets a cancellation requested there (counted in `requested`).
 */
export async function bulkCancel({ ctx, input }: ServiceCall<unknown>): Promise<BulkResult & { requested: number }> {
  const sel = bulkCancelSchema.parse(input);
  let requested = 0;
  const result = await inChunks(ctx, sel, async (tx, ids) => {
    const { locked, missing } = await lockOrders(tx, ctx, ids);
    const { outcomes, refused } = await cancelLockedOrders(tx, ctx.actor, locked);
    const already = outcomes.filter((o) => o.outcome === "already");
    requested += outcomes.filter((o) => o.outcome === "requested").length;
    return {
      done: outcomes.length - already.length,
      refused: [
        ...missing,
        ...refused,
        ...already.map((o) => ({ orderId: o.id, number: o.number, reason: ALREADY_CANCELED })),
      ],
    };
  });
  return { ...result, requested };
}

/** Staff set one status on the selected orders, each within what the lifecycle allows it. */
export async function bulkSetStatus({ ctx, input }: ServiceCall<unknown>): Promise<BulkResult> {
  assertStaff(ctx);
  const data = bulkSetStatusSchema.parse(input);
  return inChunks(ctx, data, async (tx, ids) => {
    const { locked, missing } = await lockOrders(tx, ctx, ids);
    const { done, refused } = await setStatusOfLockedOrders(tx, ctx.actor, locked, data);
    return { done: done.length, refused: [...missing, ...refused] };
  });
}

/**
 * Puts the selected orders into a draft manifest through `addOrdersToManifest`. The orders it would refuse as a
 * whole (final, in another manifest) are set aside first, each with its reason, so the others still go in.
 */
export async function bulkAddToManifest({ ctx, input }: ServiceCall<unknown>): Promise<BulkResult> {
  assertStaff(ctx);
  const data = bulkAddToManifestSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const [target] = await ctx.db
    .select({ state: manifests.state })
    .from(manifests)
    .where(and(eq(manifests.companyId, companyId), eq(manifests.id, data.manifestId)));
  if (!target) throw new NotFoundError("Манифест", "manifestId");
  if (target.state !== "draft") throw new ConflictError(MANIFEST_NOT_DRAFT, { manifestId: [MANIFEST_NOT_DRAFT] });

  return inChunks(ctx, data, async (tx, ids) => {
    // The manifest before the orders: the lock order of addOrdersToManifest itself.
    const m = await lockManifest(tx, companyId, data.manifestId);
    const { locked, missing } = await lockOrders(tx, ctx, ids);
    const refused: Refused = [...missing];
    const refuse = (o: LockedOrder, reason: string) => refused.push({ orderId: o.id, number: o.number, reason });
    if (m.state !== "draft") {
      for (const o of locked) refuse(o, MANIFEST_NOT_DRAFT);
      return { done: 0, refused };
    }
    const otherIds = [...new Set(locked.flatMap((o) => (o.manifestId && o.manifestId !== m.id ? [o.manifestId] : [])))];
    const others = new Map(
      otherIds.length
        ? (
            await tx
              .select({ id: manifests.id, number: manifests.number })
              .from(manifests)
              .where(and(eq(manifests.companyId, companyId), inArray(manifests.id, otherIds)))
          ).map((x) => [x.id, x.number])
        : [],
    );
    const allowed: number[] = [];
    for (const o of locked) {
      if (!mayJoinManifest(o.status)) refuse(o, MANIFEST_FINAL_REASON);
      else if (o.manifestId === m.id) refuse(o, "Заказ уже в этом манифесте");
      else if (o.manifestId !== null) refuse(o, `Заказ уже в манифесте ${others.get(o.manifestId) ?? ""}`.trim());
      else allowed.push(o.id);
    }
    if (allowed.length === 0) return { done: 0, refused };
    try {
      // A savepoint inside the chunk's transaction: a refusal set aside above cannot slip through, and a rule this
      // code does not know refuses the chunk's orders with its own words instead of failing the whole batch.
      const { added } = await addOrdersToManifest({
        ctx: { db: tx, actor: ctx.actor },
        input: { manifestId: m.id, orderIds: allowed },
      });
      return { done: added, refused };
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      for (const o of locked) if (allowed.includes(o.id)) refuse(o, e.message);
      return { done: 0, refused };
    }
  });
}

/** How many orders «все по фильтру» would take (`more`: beyond the cap, the actions will refuse it). */
export async function bulkCount({ ctx, input }: ServiceCall<unknown>) {
  const { filter } = bulkFilterSchema.parse(input);
  // Counting stops past the cap: the figure costs no more than the action would.
  const capped = filteredIds(ctx, filter, MAX_BULK_FILTER + 1).as("capped");
  const [row] = await ctx.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(capped);
  const n = row?.n ?? 0;
  return { count: Math.min(n, MAX_BULK_FILTER), more: n > MAX_BULK_FILTER };
}

/** The ids «все по фильтру» takes, for what works by ids (labels through /api/documents). */
export async function bulkIds({ ctx, input }: ServiceCall<unknown>) {
  const { filter } = bulkFilterSchema.parse(input);
  const rows = await filteredIds(ctx, filter, MAX_BULK_FILTER + 1);
  if (rows.length > MAX_BULK_FILTER) throw new ValidationError(TOO_MANY_BY_FILTER);
  return { ids: rows.map((r) => r.id) };
}
