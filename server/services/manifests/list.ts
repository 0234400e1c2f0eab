import { and, count, desc, eq, lt, sql } from "drizzle-orm";
import { manifests, orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { listManifestsSchema } from "./schemas";
import { creatingBranch, responsibleBranch } from "./shared";

export async function listManifests({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const q = listManifestsSchema.parse(input ?? {});
  const orderCount = ctx.db
    .select({ manifestId: orders.manifestId, n: count().as("n") })
    .from(orders)
    .where(eq(orders.companyId, ctx.actor.companyId))
    .groupBy(orders.manifestId)
    .as("order_count");
  const rows = await ctx.db
    .select({
      id: manifests.id,
      number: manifests.number,
      state: manifests.state,
      sendDate: manifests.sendDate,
      createdAt: manifests.createdAt,
      creatingBranchName: creatingBranch.name,
      responsibleBranchName: responsibleBranch.name,
      orderCount: sql<number>`coalesce(${orderCount.n}, 0)`.mapWith(Number),
    })
    .from(manifests)
    .leftJoin(creatingBranch, eq(creatingBranch.id, manifests.creatingBranchId))
    .innerJoin(responsibleBranch, eq(responsibleBranch.id, manifests.responsibleBranchId))
    .leftJoin(orderCount, eq(orderCount.manifestId, manifests.id))
    .where(
      and(
        eq(manifests.companyId, ctx.actor.companyId),
        q.state ? eq(manifests.state, q.state) : undefined,
        q.cursor ? lt(manifests.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(manifests.id))
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const items = hasMore ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: hasMore ? items[items.length - 1]!.id : null };
}
