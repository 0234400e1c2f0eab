import { and, asc, eq, gt, isNotNull, isNull, or } from "drizzle-orm";
import { orders, remittanceLines, remittances } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { remittanceLinesSchema } from "./schemas";
import { lineState } from "./shared";

/** A document's lines in registry order, a page at a time, all of them or only the problems or only the matched. */
export async function listRemittanceLines({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const q = remittanceLinesSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const [doc] = await ctx.db
    .select({ id: remittances.id })
    .from(remittances)
    .where(and(eq(remittances.companyId, companyId), eq(remittances.id, q.id)));
  if (!doc) throw new NotFoundError("Документ");
  const l = remittanceLines;
  const filter =
    q.filter === "problems"
      ? or(isNull(l.orderId), isNotNull(l.problem))
      : q.filter === "matched"
        ? and(isNotNull(l.orderId), isNull(l.problem))
        : undefined;
  const rows = await ctx.db
    .select({
      id: l.id,
      lineNo: l.lineNo,
      cdekNumber: l.partnerOrderCode,
      orderId: l.orderId,
      orderNumber: orders.number,
      codCollected: l.codCollected,
      codExpected: l.codExpected,
      transferSum: l.transferSum,
      totalWithoutAgent: l.totalWithoutAgent,
      commission: l.commission,
      problem: l.problem,
    })
    .from(l)
    .leftJoin(orders, and(eq(orders.id, l.orderId), eq(orders.companyId, companyId)))
    .where(
      and(
        eq(l.companyId, companyId),
        eq(l.remittanceId, q.id),
        filter,
        q.cursor !== undefined ? gt(l.lineNo, q.cursor) : undefined,
      ),
    )
    .orderBy(asc(l.lineNo))
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const items = (hasMore ? rows.slice(0, q.limit) : rows).map((r) => ({
    ...r,
    state: lineState(r.orderId, r.problem),
  }));
  return { items, nextCursor: hasMore ? items[items.length - 1]!.lineNo : null };
}
