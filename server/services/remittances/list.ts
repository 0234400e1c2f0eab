import { and, desc, eq, lt } from "drizzle-orm";
import { remittances } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { listRemittancesSchema } from "./schemas";

/** Loaded remittance documents, newest first (keyset by id). */
export async function listRemittances({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const q = listRemittancesSchema.parse(input ?? {});
  const rows = await ctx.db
    .select({
      id: remittances.id,
      number: remittances.number,
      paymentDate: remittances.paymentDate,
      paymentOrderNumber: remittances.paymentOrderNumber,
      total: remittances.total,
      codTotal: remittances.codTotal,
      commissionTotal: remittances.commissionTotal,
      lineCount: remittances.lineCount,
      problemCount: remittances.problemCount,
      problem: remittances.problem,
      source: remittances.source,
      createdAt: remittances.createdAt,
    })
    .from(remittances)
    .where(and(eq(remittances.companyId, ctx.actor.companyId), q.cursor ? lt(remittances.id, q.cursor) : undefined))
    .orderBy(desc(remittances.id))
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const items = hasMore ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: hasMore ? items[items.length - 1]!.id : null };
}
