import { and, desc, eq, lt } from "drizzle-orm";
import { integrations, orders, syncLog } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { pimpayLogSchema } from "./schemas";

/** The PimPay log: every batch sent and every order PimPay refused, newest first, a page at a time. */
export async function listPimPayLog({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const q = pimpayLogSchema.parse(input ?? {});
  const [integration] = await ctx.db
    .select({ id: integrations.id })
    .from(integrations)
    .where(
      and(
        eq(integrations.companyId, ctx.actor.companyId),
        eq(integrations.ownerKind, "company"),
        eq(integrations.integrator, "pimpay"),
      ),
    );
  if (!integration) return { items: [], nextCursor: null };
  const rows = await ctx.db
    .select({
      id: syncLog.id,
      at: syncLog.at,
      ok: syncLog.ok,
      request: syncLog.request,
      result: syncLog.result,
      durationMs: syncLog.durationMs,
      orderId: syncLog.orderId,
      orderNumber: orders.number,
    })
    .from(syncLog)
    .leftJoin(orders, and(eq(orders.id, syncLog.orderId), eq(orders.companyId, ctx.actor.companyId)))
    .where(
      and(
        eq(syncLog.integrationId, integration.id),
        eq(syncLog.companyId, ctx.actor.companyId),
        q.onlyErrors ? eq(syncLog.ok, false) : undefined,
        q.cursor ? lt(syncLog.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(syncLog.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: more ? items[items.length - 1]!.id : null };
}
