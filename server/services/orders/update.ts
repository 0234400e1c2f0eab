import { and, eq } from "drizzle-orm";
import { clients, orderItems, orderPackages, orders } from "@/db/schema";
import type { ServiceCall } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { isUniqueViolation } from "../pg-errors";
import { updateOrderSchema } from "./schemas";
import { orderScope } from "./scope";
import { assertMayEdit } from "./lifecycle";
import { itemRows, orderColumns, packageRows, recordOrderChanges } from "./write";

export async function updateOrder({ ctx, input }: ServiceCall<unknown>) {
  const data = updateOrderSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: orders.id, status: orders.status, number: orders.number, clientId: orders.clientId })
      .from(orders)
      .where(and(orderScope(ctx), eq(orders.id, data.id)))
      .for("update");
    if (!order) throw new NotFoundError("Заказ");
    await assertMayEdit(tx, ctx.actor, order.id);

    let clientId = order.clientId;
    if (ctx.actor.type !== "client" && data.clientId && data.clientId !== order.clientId) {
      const [client] = await tx.select({ id: clients.id }).from(clients).where(and(eq(clients.companyId, companyId), eq(clients.id, data.clientId)));
      if (!client) throw new NotFoundError("Клиент", "clientId");
      clientId = client.id;
    }
    try {
      await tx
        .update(orders)
        .set({ ...orderColumns(data), clientId, number: data.number ?? order.number, updatedAt: new Date() })
        .where(and(eq(orders.companyId, companyId), eq(orders.id, order.id)));
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError("Заказ с таким номером уже есть в этом году", { number: ["Заказ с таким номером уже есть в этом году"] });
      throw e;
    }
    await tx.delete(orderItems).where(and(eq(orderItems.companyId, companyId), eq(orderItems.orderId, order.id)));
    await tx.delete(orderPackages).where(and(eq(orderPackages.companyId, companyId), eq(orderPackages.orderId, order.id)));
    const items = itemRows(companyId, order.id, data);
    const packages = packageRows(companyId, order.id, data);
    if (items.length) await tx.insert(orderItems).values(items);
    if (packages.length) await tx.insert(orderPackages).values(packages);
    // Items and places live outside the order row, so its trigger may not see this edit; the feed must.
    await recordOrderChanges(tx, companyId, [order.id]);
    return { id: order.id, number: data.number ?? order.number };
  });
}
