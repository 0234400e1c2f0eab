import { and, asc, eq } from "drizzle-orm";
import { branches, clients, manifests, orderItems, orderPackages, orders, orderStatusHistory } from "@/db/schema";
import type { ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { orderScope } from "./scope";

export async function getOrder({ ctx, input }: ServiceCall<{ id: number }>) {
  const companyId = ctx.actor.companyId;
  const [row] = await ctx.db
    .select({ order: orders, clientName: clients.name, clientCurrency: clients.currency, branchName: branches.name, manifestNumber: manifests.number })
    .from(orders)
    .innerJoin(clients, eq(clients.id, orders.clientId))
    .leftJoin(branches, eq(branches.id, orders.responsibleBranchId))
    .leftJoin(manifests, eq(manifests.id, orders.manifestId))
    .where(and(orderScope(ctx), eq(orders.id, input.id)));
  if (!row) throw new NotFoundError("Заказ");
  const [items, packages, history] = await Promise.all([
    ctx.db.select().from(orderItems).where(and(eq(orderItems.companyId, companyId), eq(orderItems.orderId, input.id))).orderBy(asc(orderItems.id)),
    ctx.db.select().from(orderPackages).where(and(eq(orderPackages.companyId, companyId), eq(orderPackages.orderId, input.id))).orderBy(asc(orderPackages.id)),
    ctx.db
      .select()
      .from(orderStatusHistory)
      .where(and(eq(orderStatusHistory.companyId, companyId), eq(orderStatusHistory.orderId, input.id)))
      .orderBy(asc(orderStatusHistory.id)),
  ]);
  return { ...row.order, clientName: row.clientName, clientCurrency: row.clientCurrency, responsibleBranchName: row.branchName, manifestNumber: row.manifestNumber, items, packages, history };
}
